import { readFileSync, statSync, writeFileSync } from "node:fs";
import {
  CodebookImportError,
  exportQdc,
  importCodebook,
  MAX_QDC_BYTES,
  previewCodebookImport,
  type ImportMode,
  type ImportPlan,
} from "../../app/coding/codebook-exchange.server";
import type { StudyScope } from "../../app/consent/scope.server";
import type { DB } from "../../db/index";
import { CliError, parseOptions, requireOption, type Command } from "./types";

async function studyScope(db: DB, slug: string): Promise<StudyScope> {
  const study = await db.selectFrom("study").select(["id", "organisation_id"]).where("slug", "=", slug).executeTakeFirst();
  if (!study) throw new CliError(`No study with the slug "${slug}".`);
  return { organisationId: study.organisation_id, studyId: study.id };
}

/** The file's refusal as one line: why, and which code when it is about one. */
function refusal(error: unknown): never {
  if (error instanceof CodebookImportError)
    throw new CliError(`Nothing was imported: ${error.message}${error.codeName ? ` (code "${error.codeName}")` : ""}.`);
  throw error;
}

function describePlan(plan: ImportPlan): string[] {
  const lines = [
    `${plan.added.length} to add, ${plan.changed.length} to change, ${plan.unchanged.length} unchanged, ${plan.conflicts.length} conflict${plan.conflicts.length === 1 ? "" : "s"}.`,
  ];
  for (const a of plan.added) lines.push(`  add      ${a.name}${a.parent ? ` (under ${a.parent})` : ""}`);
  for (const c of plan.changed) lines.push(`  change   ${c.name}: ${c.fields.join(", ")}`);
  for (const c of plan.conflicts) lines.push(`  conflict ${c.name}: ${c.reason.replace(/_/g, " ")} (left out)`);
  return lines;
}

const exportCodebookCommand: Command = {
  name: "export codebook",
  summary: "Export a study's accepted themes as a REFI-QDA codebook (.qdc)",
  usage: [
    "Usage: npm run cli -- export codebook --study <slug> --out <file.qdc>",
    "",
    "The hierarchy, colours, definitions and use / do-not-use notes, for NVivo, ATLAS.ti, MAXQDA,",
    "QualCoder, Taguette or another Tandem study. Audited as the command line's own actor.",
  ].join("\n"),
  async run(args, ctx) {
    const { values, positional } = parseOptions(args, { values: ["study", "out"] });
    if (positional.length > 0) throw new CliError(`Unexpected argument "${positional[0]}". See --help.`);
    const out = requireOption(values, "out");
    const { db } = await ctx.openDb();
    const scope = await studyScope(db, requireOption(values, "study"));
    const result = await exportQdc(db, scope, { userId: null, via: "cli" }).catch(refusal);
    writeFileSync(out, result.xml, "utf8");
    ctx.out(`${result.codes} theme${result.codes === 1 ? "" : "s"} written to ${out}.`);
    return 0;
  },
};

const importCodebookCommand: Command = {
  name: "import codebook",
  summary: "Import a REFI-QDA codebook (.qdc) into a study, as its new codebook or merged",
  usage: [
    "Usage: npm run cli -- import codebook --study <slug> --file <file.qdc> [--mode merge|new] [--dry-run]",
    "",
    "--mode merge (the default) matches each code to a theme by its guid, then by name, and adds the",
    "rest; --mode new is for a study with no themes yet. Nothing is ever deleted. --dry-run prints",
    "what would be added, changed, left unchanged and left out (conflicts) and writes nothing.",
    "A file that does not read writes nothing. The import is audited as the command line's own actor.",
  ].join("\n"),
  async run(args, ctx) {
    const { values, switches, positional } = parseOptions(args, { values: ["study", "file", "mode"], switches: ["dry-run"] });
    if (positional.length > 0) throw new CliError(`Unexpected argument "${positional[0]}". See --help.`);
    const mode = (values.mode ?? "merge") as ImportMode;
    if (mode !== "merge" && mode !== "new") throw new CliError("--mode must be merge or new.");
    const file = requireOption(values, "file");
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      throw new CliError(`Cannot read ${file}.`);
    }
    if (size > MAX_QDC_BYTES) throw new CliError(`Nothing was imported: ${file} is larger than ${MAX_QDC_BYTES / 1_000_000} MB.`);
    const text = readFileSync(file, "utf8");
    const { db } = await ctx.openDb();
    const scope = await studyScope(db, requireOption(values, "study"));
    if (switches.has("dry-run")) {
      const plan = await previewCodebookImport(db, scope, text, mode).catch(refusal);
      for (const line of describePlan(plan)) ctx.out(line);
      ctx.out("Dry run: nothing was written.");
      return 0;
    }
    const { plan } = await importCodebook(db, scope, { userId: null, via: "cli" }, text, mode).catch(refusal);
    for (const line of describePlan(plan)) ctx.out(line);
    ctx.out("Imported.");
    return 0;
  },
};

export const codebookCommands: Command[] = [exportCodebookCommand, importCodebookCommand];
