/**
 * SPSS .sav and Stata .dta exports of the answers (issue 16, items 6, 8, 9): read back in R with
 * haven::read_sav / haven::read_dta when Rscript is present (CI installs r-base-core r-cran-haven), and
 * asserted on what R sees: variable labels in the chosen language (Arabic, Welsh), value labels,
 * the skipped / not asked codes, values, an erased participant absent, and the audit entry.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codingCommands } from "../../scripts/commands/coding";
import type { CommandContext } from "../../scripts/commands/types";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addAnswer, addParticipant, createCodingFixture, withdraw, type CodingFixture } from "./fixtures";

const hasR = (() => {
  try {
    execFileSync("Rscript", ["-e", "library(haven)"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

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
            { value: "charity", label: "A charity" },
          ],
        },
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
  // Participant 1 answers everything; 2 skips "liked" and "support"; 3 is erased.
  const p1 = await addParticipant(t.db, fx, { language: "ar" });
  await addAnswer(t.db, fx, p1, "المجموعة والمترجم", "what_helped", "ar");
  await addAnswer(t.db, fx, p1, "yes", "liked", "ar");
  await addAnswer(t.db, fx, p1, "charity", "support", "ar");
  const p2 = await addParticipant(t.db, fx, { language: "cy" });
  await addAnswer(t.db, fx, p2, "Y grŵp a'r cyfieithydd", "what_helped", "cy");
  const p3 = await addParticipant(t.db, fx);
  await addAnswer(t.db, fx, p3, "ERASED-PERSON words", "what_helped");
  await withdraw(t.db, p3, "erase");
  // A second questionnaire answered by participant 2 only: its question is "not asked" for participant 1.
  const other = await t.db
    .insertInto("instrument_version")
    .values({
      instrument_id: `wb-${fx.studySlug}`,
      version: 1,
      kind: "questionnaire",
      content_hash: `wb-${fx.studySlug}`,
      definition: JSON.stringify({
        id: "wb",
        kind: "questionnaire",
        sections: [
          {
            id: "s",
            items: [
              {
                id: "mood",
                type: "scale_0_10",
                text: "Mood today",
                scale: { min: 0, max: 10, labels: { "0": "Very low", "10": "Very good" } },
              },
            ],
          },
        ],
      }),
      translations: "{}",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const r = await t.db
    .insertInto("response")
    .values({
      participant_id: p2,
      study_id: fx.scope.studyId,
      instrument_version_id: other.id,
      language: "cy",
      interpreter: null,
      entered_by: null,
      started_on: "2026-03-05",
      completed_on: "2026-03-05",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await t.db
    .insertInto("answer")
    .values({ response_id: r.id, item_id: "mood", value: JSON.stringify(7), answered_on: "2026-03-05" })
    .execute();
  dir = mkdtempSync(path.join(tmpdir(), "stats-export-"));
  ctx = { out: (l) => out.push(l), err: (l) => out.push(l), env: process.env, openDb: async () => t };
});
afterAll(() => t?.destroy());

const answers = codingCommands.find((c) => c.name === "export answers")!;

/** What R sees, one "variable<TAB>what<TAB>value" line per fact. */
function readInR(file: string, reader: "read_sav" | "read_dta"): string[] {
  const script = path.join(dir, "read.R");
  writeFileSync(
    script,
    `suppressMessages(library(haven))
d <- ${reader}(commandArgs(TRUE)[1]${reader === "read_sav" ? ", user_na = TRUE" : ""})
for (v in names(d)) {
  x <- d[[v]]
  cat(v, "label", attr(x, "label"), sep = "\\t"); cat("\\n")
  labs <- attr(x, "labels")
  if (!is.null(labs)) for (k in seq_along(labs)) {
    val <- labs[[k]]
    tag <- if (is.na(val) && ${reader === "read_dta" ? "TRUE" : "FALSE"}) paste0("NA(", na_tag(val), ")") else format(val)
    cat(v, "valuelabel", paste0(tag, "=", names(labs)[k]), sep = "\\t"); cat("\\n")
  }
  vals <- if (is.numeric(x)) { z <- format(unclass(x)); ${reader === "read_dta" ? 'z[!is.na(na_tag(x))] <- paste0("NA(", na_tag(x)[!is.na(na_tag(x))], ")");' : ""} z } else as.character(x)
  cat(v, "values", paste(trimws(vals), collapse = "|"), sep = "\\t"); cat("\\n")
}
`,
    "utf8",
  );
  // With two questionnaires, question variables are named <instrument>_<item>: named by item here.
  return execFileSync("Rscript", [script, file], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean)
    .map((line) => line.replace(/^(?:fg|wb)_[A-Za-z0-9_]*?_(what_helped|liked|support|mood)\t/, "$1\t"));
}

describe("answers for SPSS and Stata", () => {
  it("refuses an unknown format or language with a clear message", async () => {
    await expect(answers.run(["--study", fx.studySlug, "--format", "xlsx", "--out", path.join(dir, "x")], ctx)).rejects.toThrow(
      /--format must be/,
    );
    await expect(
      answers.run(["--study", fx.studySlug, "--format", "sav", "--language", "../x", "--out", path.join(dir, "x")], ctx),
    ).rejects.toThrow(/--language/);
  });

  for (const format of ["sav", "dta"] as const) {
    it(`writes a .${format} with Arabic labels that R reads with every label, value and missing code`, async () => {
      const file = path.join(dir, `answers.${format}`);
      expect(await answers.run(["--study", fx.studySlug, "--format", format, "--language", "ar", "--out", file], ctx)).toBe(0);
      expect(out.at(-1)).toBe(`3 responses written to ${file}.`);
      const bytes = readFileSync(file);
      expect(bytes.includes(Buffer.from("ERASED-PERSON"))).toBe(false);
      if (!hasR) return;
      const facts = readInR(file, format === "sav" ? "read_sav" : "read_dta");
      const has = (line: string) => expect(facts, line).toContain(line);
      has("what_helped\tlabel\tما الذي ساعدك أكثر؟");
      has("liked\tlabel\tهل أعجبتك المجموعة؟");
      has("support\tlabel\tأين وجدت الدعم؟");
      // English where the translation has no text.
      has("mood\tlabel\tMood today");
      has("support\tvaluelabel\t1=العائلة");
      has("support\tvaluelabel\t2=جمعية خيرية");
      has("liked\tvaluelabel\t1=نعم");
      has("mood\tvaluelabel\t10=Very good");
      const skipped = format === "sav" ? "-1" : "NA(a)";
      const notAsked = format === "sav" ? "-2" : "NA(b)";
      has(`support\tvaluelabel\t${skipped}=skipped`);
      has(`support\tvaluelabel\t${notAsked}=not asked`);
      // Rows: p1's questionnaire, p2's questionnaire (skipped two), p2's wellbeing (others not asked).
      const column = (v: string) =>
        facts
          .find((f) => f.startsWith(`${v}\tvalues\t`))!
          .split("\t")[2]!
          .split("|");
      // Rows come in response order (random ids): put them in the order described above.
      const order = column("instrument")
        .map((instrument, i) => ({ i, key: `${instrument.slice(0, 2)}${column("language")[i]}` }))
        .sort((a, b) => a.key.localeCompare(b.key));
      const values = (v: string) => order.map(({ i }) => column(v)[i]);
      expect(values("what_helped")).toEqual(["المجموعة والمترجم", "Y grŵp a'r cyfieithydd", ""]);
      expect(values("liked")).toEqual(["1", skipped, notAsked]);
      expect(values("support")).toEqual(["2", skipped, notAsked]);
      expect(values("mood")).toEqual([notAsked, notAsked, "7"]);
      expect(new Set(values("respondent")).size).toBe(2);
    });
  }

  it("labels in Welsh when asked, and audits each export as the command line", async () => {
    const file = path.join(dir, "cy.sav");
    expect(await answers.run(["--study", fx.studySlug, "--format", "sav", "--language", "cy", "--out", file], ctx)).toBe(0);
    if (hasR) {
      const facts = readInR(file, "read_sav");
      expect(facts).toContain("what_helped\tlabel\tBeth helpodd chi fwyaf?");
      expect(facts).toContain("support\tvaluelabel\t1=Teulu");
      expect(facts).toContain("liked\tlabel\tDid you like the group?");
    }
    const audit = await t.db.selectFrom("audit_event").select(["detail", "subject"]).where("action", "=", "export").execute();
    expect(
      audit.map((a) => [
        a.subject,
        (a.detail as { export: string }).export,
        (a.detail as { via: string }).via,
        (a.detail as { language: string }).language,
        (a.detail as { rows: number }).rows,
      ]),
    ).toEqual([
      [fx.studySlug, "answers_sav", "cli", "ar", 3],
      [fx.studySlug, "answers_dta", "cli", "ar", 3],
      [fx.studySlug, "answers_sav", "cli", "cy", 3],
    ]);
  });
});
