import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const time = entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs;
    if (time > newest) newest = time;
  }
  return newest;
}

/** True when the Remix build is missing or older than anything under app/ or db/ (or the config). */
export function isBuildStale(root = process.cwd()) {
  const built = path.join(root, "build", "index.js");
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  const configAt = statSync(path.join(root, "remix.config.js")).mtimeMs;
  return configAt > builtAt || ["app", "db"].some((dir) => newestMtime(path.join(root, dir)) > builtAt);
}
