/**
 * `npm start` and `npm run cli --` run compiled scripts (scripts/launch.mjs,
 * docs/decisions/077-speed-start-cli-wellbeing.md). What a developer would notice if it went wrong:
 * an edit to a source file that the command does not pick up. The launcher compiles again when any
 * file the compiled script was built from is newer than it, and the command's output stays exactly
 * the command's own.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, statSync, utimesSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const compiled = path.join(root, "build/scripts/cli.mjs");
const inputs = path.join(root, "build/scripts/cli.inputs.json");

function launch(...args: string[]) {
  return spawnSync(process.execPath, ["scripts/launch.mjs", ...args], { cwd: root, encoding: "utf8", timeout: 120_000 });
}

describe("the launcher of npm start and the command line", () => {
  it("runs the command line compiled, and compiles again after a source file changes", () => {
    const first = launch("cli", "help");
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain("--help");
    // The help is the command's own output: the launcher adds nothing to stdout.
    expect(first.stdout.trimStart().startsWith(">")).toBe(false);

    const listed = JSON.parse(readFileSync(inputs, "utf8")) as string[];
    expect(listed).toContain("scripts/cli.ts");
    expect(listed).toContain("package-lock.json");
    const compiledAt = statSync(compiled).mtimeMs;

    // A source saved after the compile (its date moved on, as an editor's save does).
    const source = path.join(root, "app/wellbeing/scoring.ts");
    expect(listed).toContain("app/wellbeing/scoring.ts");
    const before = statSync(source);
    const later = new Date(Math.max(Date.now(), compiledAt) + 2_000);
    utimesSync(source, later, later);
    try {
      const second = launch("cli", "help");
      expect(second.status, second.stderr).toBe(0);
      expect(second.stdout).toBe(first.stdout);
      expect(statSync(compiled).mtimeMs).toBeGreaterThan(compiledAt);
    } finally {
      utimesSync(source, before.atime, before.mtime);
    }

    // Nothing changed since: the compiled file is used as it is.
    const freshAt = statSync(compiled).mtimeMs;
    const third = launch("cli", "help");
    expect(third.status, third.stderr).toBe(0);
    expect(statSync(compiled).mtimeMs).toBe(freshAt);
  }, 180_000);

  it("refuses an unknown script with its usage, on standard error", () => {
    const result = launch("deploy");
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("Usage: node scripts/launch.mjs <cli|start>");
  });
});
