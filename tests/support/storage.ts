// Looking at an embedded database's folder the way someone with a copy of the disk would.
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export interface FolderEntry {
  path: string;
  directory: boolean;
  mode: number;
}

export function walkFolder(root: string, out: FolderEntry[] = []): FolderEntry[] {
  const stat = lstatSync(root);
  out.push({ path: root, directory: stat.isDirectory(), mode: stat.mode & 0o777 });
  if (stat.isDirectory()) for (const entry of readdirSync(root)) walkFolder(path.join(root, entry), out);
  return out;
}

/** The files (relative to root) whose bytes contain `text`, encoded as given. */
export function filesContaining(root: string, text: string, encoding: BufferEncoding = "utf8"): string[] {
  const needle = Buffer.from(text, encoding);
  return walkFolder(root)
    .filter((entry) => !entry.directory)
    .filter((entry) => readFileSync(entry.path).indexOf(needle) >= 0)
    .map((entry) => path.relative(root, entry.path));
}
