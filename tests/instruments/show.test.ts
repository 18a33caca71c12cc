import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishInstrumentsFromDir } from "../../app/instruments/publish.server";
import { instrumentCommands } from "../../scripts/commands/instruments";
import { CliError, type CommandContext } from "../../scripts/commands/types";
import { createTestDatabase, type TestDatabase } from "../support/database";

let database: TestDatabase;
let folder: string;
const out: string[] = [];
let ctx: CommandContext;

beforeAll(async () => {
  database = await createTestDatabase();
  folder = mkdtempSync(path.join(tmpdir(), "tandem-show-"));
  cpSync("instruments", folder, { recursive: true });
  await publishInstrumentsFromDir(database.db, folder);
  ctx = { out: (line) => out.push(line), err: (line) => out.push(line), env: {} as NodeJS.ProcessEnv, openDb: async () => database };
});
afterAll(async () => {
  await database?.destroy();
  rmSync(folder, { recursive: true, force: true });
});

const show = (args: string[]) => instrumentCommands.find((c) => c.name === "instruments show")!.run(args, ctx);

describe("instruments show", () => {
  it("prints a published version's exact text in a language, from the database even after the files move on", async () => {
    // The folder changes after publishing (as it would for the next version): show still prints what was published.
    const file = path.join(folder, "consent-form", "1", "cy.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("Ffurflen Gydsynio ar gyfer Cyfranogwyr Ymchwil", "Something else entirely"));
    out.length = 0;
    expect(await show(["consent-form", "1", "--lang", "cy"])).toBe(0);
    const text = out.join("\n");
    expect(text).toMatch(/^consent-form version 1 \(consent_form\), published .*content hash [0-9a-f]{16,}/);
    expect(text).toContain("Language: cy, review status draft");
    expect(text).toContain("title: Ffurflen Gydsynio ar gyfer Cyfranogwyr Ymchwil");
    expect(text).not.toContain("Something else entirely");

    out.length = 0;
    expect(await show(["consent-form", "1"])).toBe(0);
    expect(out.join("\n")).toContain("title: Consent Form for Research Participants");
  });

  it("says plainly when the version or the language is not there", async () => {
    await expect(show(["consent-form", "9"])).rejects.toThrow(/not published in this database/);
    await expect(show(["consent-form", "1", "--lang", "ps"])).rejects.toThrow(/has no ps translation \(it has en, /);
    await expect(show(["consent-form"])).rejects.toThrow(CliError);
  });
});
