/**
 * The fieldwork commands as a researcher types them, called in-process on a bootstrapped database
 * (demo study `demo`): issue codes, import paper answers (all or nothing), withdraw by code (erase
 * and keep); and `help` / `<command> --help` for every command in scripts/commands/index.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allCommands } from "../../scripts/commands/index";
import { CliError, type CommandContext } from "../../scripts/commands/types";
import { bootstrap } from "../../scripts/bootstrap";
import { runCli } from "../../scripts/cli";
import { createTestDatabase, type TestDatabase } from "../support/database";

let database: TestDatabase;
let dataDir: string;
const out: string[] = [];
const err: string[] = [];
let ctx: CommandContext;
let studyId: string;

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  await bootstrap(database, { demoAdminPassword: "a long demo password 1" });
  studyId = (await database.db.selectFrom("study").select("id").where("slug", "=", "demo").executeTakeFirstOrThrow()).id;
  // The commands hash codes with the key the server uses: DATA_DIR's secret file.
  dataDir = mkdtempSync(path.join(tmpdir(), "tandem-cli-fieldwork-"));
  ctx = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: { DATA_DIR: dataDir } as unknown as NodeJS.ProcessEnv,
    openDb: async () => database,
  };
});
afterAll(async () => {
  await database?.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

async function run(name: string, args: string[]) {
  out.length = 0;
  err.length = 0;
  const command = allCommands.find((c) => c.name === name);
  if (!command) throw new Error(`no command "${name}"`);
  return command.run(args, ctx);
}

function csvFile(name: string, lines: string[]) {
  const file = path.join(dataDir, name);
  writeFileSync(file, lines.join("\n"));
  return file;
}

const answerCount = async () => {
  const row = await database.db
    .selectFrom("answer")
    .innerJoin("response", "response.id", "answer.response_id")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("response.study_id", "=", studyId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
};

const importArgs = (file: string) => ["--study", "demo", "--instrument", "peer-support-wellbeing", "--timepoint", "pre", "--file", file];

describe("cli fieldwork", () => {
  let codes: string[] = [];

  it("codes issue --json prints a JSON array of well-formed, distinct codes and records paper consent", async () => {
    const participantsBefore = (await database.db.selectFrom("participant").select("id").where("study_id", "=", studyId).execute()).length;
    expect(await run("codes issue", ["--study", "demo", "--count", "3", "--json"])).toBe(0);
    expect(out).toHaveLength(1);
    codes = JSON.parse(out[0]!) as string[];
    expect(codes).toHaveLength(3);
    expect(new Set(codes).size).toBe(3);
    for (const code of codes) expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{3,4}){3}$/);
    const participants = await database.db.selectFrom("participant").select(["id", "source"]).where("study_id", "=", studyId).execute();
    expect(participants.length - participantsBefore).toBe(3);
    // Only keyed hashes are stored: the printed codes appear nowhere in the participant table.
    expect(JSON.stringify(await database.db.selectFrom("participant").selectAll().execute())).not.toContain(
      codes[0]!.replace(/-/g, "").slice(0, 8),
    );
    await expect(run("codes issue", ["--study", "demo", "--count", "0", "--json"])).rejects.toThrow(/--count must be/);
    await expect(run("codes issue", ["--study", "nope", "--count", "1"])).rejects.toThrow(/No study "nope"/);
  });

  it("import responses: a file with one bad row imports nothing and prints row N, column C lines", async () => {
    const before = await answerCount();
    const file = csvFile("bad.csv", ["participant_code,who5_1,ons_happy", `${codes[0]},3,7`, `${codes[1]},2,11`, `${codes[2]},1,5`]);
    expect(await run("import responses", importArgs(file))).toBe(1);
    expect(out).toEqual(['row 3, column ons_happy: out of range ("11")']);
    for (const line of out) expect(line).toMatch(/^row \d+, column [a-z0-9_]+: .+$/);
    expect(err.join("\n")).toMatch(/1 problem\(s\); nothing was imported\./);
    expect(await answerCount()).toBe(before);
  });

  it("import responses: a good file imports every row", async () => {
    const before = await answerCount();
    const file = csvFile("good.csv", [
      "participant_code,who5_1,who5_2,ons_happy",
      `${codes[0]},3,4,7`,
      `${codes[1]},2,,6`,
      `${codes[2]!.toLowerCase()},1,5,5`,
    ]);
    expect(await run("import responses", importArgs(file))).toBe(0);
    expect(out).toEqual(["Imported 3 row(s), 8 answer(s)."]);
    expect(await answerCount()).toBe(before + 8);
  });

  it("participant withdraw --mode keep: the answers stay, the participant is marked withdrawn", async () => {
    const before = await answerCount();
    expect(await run("participant withdraw", ["--study", "demo", "--code", codes[1]!, "--mode", "keep"])).toBe(0);
    expect(out.join("\n")).toMatch(/^Withdrawn, keeping what was given: 1 response\(s\) with 2 answer\(s\) stay/);
    expect(await answerCount()).toBe(before);
    const withdrawn = await database.db
      .selectFrom("participant")
      .select(["withdrawal_mode"])
      .where("study_id", "=", studyId)
      .where("withdrawal_mode", "is not", null)
      .execute();
    expect(withdrawn).toEqual([{ withdrawal_mode: "keep" }]);
  });

  it("participant withdraw --mode erase: the answers go and the code no longer works", async () => {
    const before = await answerCount();
    const participantsBefore = (await database.db.selectFrom("participant").select("id").where("study_id", "=", studyId).execute()).length;
    // Read forgivingly, as a code read out over the phone: lower case, spaces for dashes.
    expect(
      await run("participant withdraw", ["--study", "demo", "--code", codes[0]!.toLowerCase().replace(/-/g, " "), "--mode", "erase"]),
    ).toBe(0);
    expect(out.join("\n")).toMatch(/^Withdrawn with erasure: 1 response\(s\) and 3 answer\(s\) deleted/);
    expect(await answerCount()).toBe(before - 3);
    expect((await database.db.selectFrom("participant").select("id").where("study_id", "=", studyId).execute()).length).toBe(
      participantsBefore - 1,
    );
    // Never printed: the code itself.
    expect(out.join("\n")).not.toContain(codes[0]!);
    await expect(run("participant withdraw", ["--study", "demo", "--code", codes[0]!, "--mode", "erase"])).rejects.toThrow(
      /No participant of this study has that code/,
    );
    await expect(run("participant consent", ["--study", "demo", "--code", codes[0]!, "--quotes", "no"])).rejects.toThrow(CliError);
    const again = csvFile("again.csv", ["participant_code,who5_1", `${codes[0]},3`]);
    expect(await run("import responses", importArgs(again))).toBe(1);
    expect(out).toEqual(["row 2, column participant_code: no participant with this code in the study"]);
    await expect(run("participant withdraw", ["--study", "demo", "--code", codes[2]!, "--mode", "later"])).rejects.toThrow(
      /--mode must be erase or keep/,
    );
  });
});

describe("cli help", () => {
  async function cli(argv: string[]) {
    const lines: string[] = [];
    const code = await runCli(argv, { out: (line) => lines.push(line), err: (line) => lines.push(line) });
    return { code, text: lines.join("\n") };
  }

  it("help lists every command with its summary", async () => {
    const { code, text } = await cli(["help"]);
    expect(code).toBe(0);
    expect(text).toMatch(/^Tandem command line\. Usage: npm run cli -- <command> \[options\]/);
    for (const command of allCommands) expect(text).toContain(`  ${command.name}`);
    expect(text.split("\n").filter((line) => /^ {2}\S/.test(line))).toHaveLength(allCommands.length);
  });

  it.each(allCommands.map((c) => c.name))("%s --help exits 0 and prints a Usage line naming the command", async (name) => {
    const { code, text } = await cli([...name.split(" "), "--help"]);
    expect(code).toBe(0);
    const usage = text.split("\n").find((line) => line.startsWith("Usage: "));
    expect(usage, text).toBeDefined();
    expect(usage).toContain(`npm run cli -- ${name}`);
  });

  it("an unknown command is one clear line and a non-zero exit", async () => {
    const { code, text } = await cli(["codes", "revoke"]);
    expect(code).toBe(1);
    expect(text).toBe('Unknown command "codes revoke". Run "npm run cli -- help" for the list.');
  });
});
