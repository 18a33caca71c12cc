/**
 * `report wellbeing --json` as a script or a check really runs it: through npm, in a child
 * process, on an embedded database in its own DATA_DIR. npm prints a banner ("> tandem@… cli") on
 * standard output before the command's own output; `npm run --silent` leaves stdout to the command,
 * so stdout is exactly one JSON object.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/index";
import { migrateToLatest } from "../../db/migrate";
import { COMPARISON_KEYS, reportFixture, seedWellbeingStudy } from "./fixtures";

let dataDir: string;
const slug = "peer-support-cli";

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "tandem-wellbeing-cli-"));
  // url "" means the embedded database even when the suite runs with DATABASE_URL set.
  const handle = await openDatabase({ url: "", dataDir });
  try {
    await migrateToLatest(handle.db);
    await seedWellbeingStudy(handle.db, slug);
  } finally {
    await handle.close();
  }
}, 180_000);
afterAll(() => {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function npmRun(npmArgs: string[]) {
  return spawnSync("npm", [...npmArgs, "cli", "--", "report", "wellbeing", "--study", slug, "--measure", "who5", "--json"], {
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "" },
    encoding: "utf8",
    timeout: 120_000,
  });
}

describe("npm run --silent cli -- report wellbeing --json", () => {
  it("prints one JSON object with exactly the issue's keys, equal to R", () => {
    const result = npmRun(["run", "--silent"]);
    expect(result.stderr.replace(/^npm warn .*\n?/gim, "")).toBe("");
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(COMPARISON_KEYS);
    expect(json.measure).toBe("who5");
    for (const key of COMPARISON_KEYS.slice(1)) {
      const expected = reportFixture.who5.all[key];
      if (typeof expected === "number")
        expect(Math.abs((json[key] as number) - expected), key).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected)));
      else expect(json[key], key).toEqual(expected);
    }
  }, 150_000);

  it("without --silent, npm's banner comes first on stdout: why the README says --silent", () => {
    const result = npmRun(["run"]);
    expect(result.status).toBe(0);
    expect(result.stdout.trimStart()).toMatch(/^> tandem@[^\n]* cli\n/);
    expect(() => JSON.parse(result.stdout)).toThrow();
    expect(JSON.parse(result.stdout.trim().split("\n").at(-1)!)).toMatchObject({ measure: "who5" });
  }, 150_000);
});
