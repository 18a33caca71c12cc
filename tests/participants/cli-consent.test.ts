import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { participantCommands } from "../../scripts/commands/participants";
import { CliError, type CommandContext } from "../../scripts/commands/types";
import { bootstrap } from "../../scripts/bootstrap";
import { createTestDatabase, type TestDatabase } from "../support/database";

let database: TestDatabase;
let dataDir: string;
const out: string[] = [];
let ctx: CommandContext;

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  await bootstrap(database, { demoAdminPassword: "a long demo password 1" });
  // The command reads the code-hashing key the way the server does: from DATA_DIR's secret file.
  dataDir = mkdtempSync(path.join(tmpdir(), "tandem-cli-consent-"));
  ctx = {
    out: (line) => out.push(line),
    err: (line) => out.push(line),
    env: { DATA_DIR: dataDir } as unknown as NodeJS.ProcessEnv,
    openDb: async () => database,
  };
});
afterAll(async () => {
  await database?.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

const run = (name: string, args: string[]) => participantCommands.find((c) => c.name === name)!.run(args, ctx);

describe("cli participant consent", () => {
  it("changes only the choice asked for, by code, and audits it as the command line without the code", async () => {
    out.length = 0;
    expect(await run("codes issue", ["--study", "demo", "--count", "1", "--json"])).toBe(0);
    const [code] = JSON.parse(out.join("")) as string[];
    const choices = () => database.db.selectFrom("consent_record").select(["quotes", "audio_recording"]).executeTakeFirstOrThrow();
    const before = await choices();

    out.length = 0;
    expect(
      await run("participant consent", ["--study", "demo", "--code", code!.toLowerCase(), "--quotes", before.quotes ? "no" : "yes"]),
    ).toBe(0);
    expect(out.join("\n")).toMatch(/^Changed\. Now: quotes (yes|no), audio recording (yes|no)\.$/);
    const after = await choices();
    expect(after).toEqual({ quotes: !before.quotes, audio_recording: before.audio_recording });

    const audit = await database.db.selectFrom("audit_event").selectAll().where("action", "=", "consent_changed_by_staff").execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_user_id).toBeNull();
    expect(audit[0]!.detail).toMatchObject({ changed: ["quotes"], via: "cli" });
    expect(JSON.stringify(audit)).not.toContain(code!.replace(/-/g, "").slice(0, 8));
  });

  it("refuses a missing choice, a bad value and an unknown code with one clear line, changing nothing", async () => {
    const before = await database.db.selectFrom("consent_record").select(["quotes", "audio_recording"]).execute();
    await expect(run("participant consent", ["--study", "demo", "--code", "ABCD"])).rejects.toThrow(/Say what changes/);
    await expect(run("participant consent", ["--study", "demo", "--code", "ABCD", "--quotes", "maybe"])).rejects.toThrow(
      /--quotes must be yes or no/,
    );
    await expect(run("participant consent", ["--study", "demo", "--code", "ABCD-12", "--audio", "no"])).rejects.toThrow(CliError);
    await expect(run("participant consent", ["--study", "nope", "--code", "ABCD-12", "--audio", "no"])).rejects.toThrow(/No study/);
    expect(await database.db.selectFrom("consent_record").select(["quotes", "audio_recording"]).execute()).toEqual(before);
  });
});
