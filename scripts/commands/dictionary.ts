import { writeFileSync } from "node:fs";
import { exportDdiCodebook } from "../../app/coding/ddi.server";
import { exportDataDictionary } from "../../app/coding/exports.server";
import { exportAnswersRScript } from "../../app/coding/r-script.server";
import type { StudyScope } from "../../app/consent/scope.server";
import type { DB } from "../../db/index";
import { CliError, parseOptions, requireOption, type Command } from "./types";

async function studyScope(db: DB, slug: string): Promise<StudyScope> {
  const study = await db.selectFrom("study").select(["id", "organisation_id"]).where("slug", "=", slug).executeTakeFirst();
  if (!study) throw new CliError(`No study with the slug "${slug}".`);
  return { organisationId: study.organisation_id, studyId: study.id };
}

const FORMATS = ["ddi", "csv", "r"] as const;

const dictionary: Command = {
  name: "export dictionary",
  summary: "Export the data dictionary: DDI-Codebook 2.5 XML, CSV, or an R script that labels the wide CSV",
  usage: [
    "Usage: npm run cli -- export dictionary --study <slug> [--format ddi|csv|r] [--language <code>] --out <file>",
    "",
    "ddi (default): DDI-Codebook 2.5 XML for data archives (UK Data Service): the study, the answer",
    "files, and every variable with its label, question text, categories, the missing codes for",
    "skipped (-1) and not asked (-2), and its questionnaire and version, labelled in --language.",
    "csv: the CSV data dictionary (English). r: an R script (base R) that reads the wide answers CSV",
    "with the same variable names, labels, factor levels and missing reasons as the SPSS/Stata files.",
    "No answers are in any of them. Audited as the command line's own actor.",
  ].join("\n"),
  async run(args, ctx) {
    const { values, positional } = parseOptions(args, { values: ["study", "format", "out", "language"] });
    if (positional.length > 0) throw new CliError(`Unexpected argument "${positional[0]}". See --help.`);
    const format = values.format ?? "ddi";
    if (!(FORMATS as readonly string[]).includes(format)) throw new CliError("--format must be ddi, csv or r.");
    if (values.language !== undefined && !/^[a-z]{2,3}$/.test(values.language))
      throw new CliError("--language must be a language code such as en, cy or ar.");
    const out = requireOption(values, "out");
    const { db } = await ctx.openDb();
    const scope = await studyScope(db, requireOption(values, "study"));
    const actor = { userId: null, via: "cli" as const };
    const text =
      format === "ddi"
        ? await exportDdiCodebook(db, scope, actor, { language: values.language })
        : format === "r"
          ? await exportAnswersRScript(db, scope, actor, { language: values.language })
          : await exportDataDictionary(db, scope, actor);
    writeFileSync(out, text, "utf8");
    ctx.out(`${format === "r" ? "R script" : "Data dictionary"} written to ${out}.`);
    return 0;
  },
};

export const dictionaryCommands: Command[] = [dictionary];
