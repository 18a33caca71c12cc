import { createWriteStream, writeFileSync } from "node:fs";
import { once } from "node:events";
import { listThemes } from "../../app/coding/codebook.server";
import {
  exportAnswersLong,
  exportAnswersWide,
  exportCodebook,
  exportCodedSpans,
  exportDataDictionary,
} from "../../app/coding/exports.server";
import { exportQdpx } from "../../app/coding/qdpx.server";
import { exportAnswersStats } from "../../app/coding/stats-export.server";
import { exportQuotes, type QuoteFormat } from "../../app/coding/quotes.server";
import type { StudyScope } from "../../app/consent/scope.server";
import type { DB } from "../../db/index";
import { studyScopeBySlug } from "../../app/studies/lookup.server";
import { CliError, parseOptions, requireOption, type Command } from "./types";

async function studyScope(db: DB, slug: string): Promise<StudyScope> {
  const scope = await studyScopeBySlug(db, slug);
  if (!scope) throw new CliError(`No study with the slug "${slug}".`);
  return { organisationId: scope.organisationId, studyId: scope.studyId };
}

const quotes: Command = {
  name: "export quotes",
  summary: "Export consented, redacted quotes for chosen themes (CSV with BOM, or Markdown)",
  usage: [
    "Usage: npm run cli -- export quotes --study <slug> [--theme <name>]... [--format csv|md] [--translation <lang>] --out <file>",
    "",
    "Only participants who agreed to quotes and have not withdrawn appear (the consent gate decides).",
    "Each quote is the redacted text, its translation, language, themes, source, a pseudonym label",
    '("Participant 3, Focus group 1") and the month. Without --theme, every theme. The export is',
    "recorded in the audit log with its filter and row count, as the command line's own actor.",
  ].join("\n"),
  async run(args, ctx) {
    const themes: string[] = [];
    const rest: string[] = [];
    for (let i = 0; i < args.length; i++) {
      if (args[i] === "--theme") {
        const value = args[++i];
        if (!value) throw new CliError("--theme needs a value.");
        themes.push(value);
      } else rest.push(args[i]!);
    }
    const { values, positional } = parseOptions(rest, { values: ["study", "format", "out", "translation"] });
    if (positional.length > 0) throw new CliError(`Unexpected argument "${positional[0]}". See --help.`);
    const format = (values.format ?? "csv") as QuoteFormat;
    if (format !== "csv" && format !== "md") throw new CliError("--format must be csv or md.");
    const out = requireOption(values, "out");
    const { db } = await ctx.openDb();
    const scope = await studyScope(db, requireOption(values, "study"));
    const codebook = await listThemes(db, scope);
    const themeIds = themes.length
      ? themes.map((name) => {
          const theme = codebook.find((t) => t.id === name || t.name.toLowerCase() === name.toLowerCase());
          if (!theme) throw new CliError(`No theme "${name}" in this study.`);
          return theme.id;
        })
      : codebook.map((t) => t.id);
    const result = await exportQuotes(
      db,
      scope,
      { userId: null, via: "cli" },
      { themeIds, translationLanguage: values.translation },
      format,
    );
    writeFileSync(out, result.body, "utf8");
    ctx.out(`${result.quotes.length} quote${result.quotes.length === 1 ? "" : "s"} written to ${out}.`);
    return 0;
  },
};

const qdpx: Command = {
  name: "export qdpx",
  summary: "Export a study as a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA or QualCoder",
  usage: [
    "Usage: npm run cli -- export qdpx --study <slug> --out <file.qdpx>",
    "",
    "Users, codebook, one text source per session and per questionnaire response (redacted), and",
    "every coded selection. Erased participants are absent. Audited as the command line's own actor.",
  ].join("\n"),
  async run(args, ctx) {
    const { values, positional } = parseOptions(args, { values: ["study", "out"] });
    if (positional.length > 0) throw new CliError(`Unexpected argument "${positional[0]}". See --help.`);
    const out = requireOption(values, "out");
    const { db } = await ctx.openDb();
    const scope = await studyScope(db, requireOption(values, "study"));
    const result = await exportQdpx(db, scope, { userId: null, via: "cli" });
    writeFileSync(out, result.zip);
    ctx.out(
      `${result.counts.sources} sources, ${result.counts.codes} codes, ${result.counts.selections} coded selections written to ${out}.`,
    );
    return 0;
  },
};

/** Writes chunks to a file, waiting when the stream is full so memory stays flat. */
async function fileWriter(path: string) {
  const stream = createWriteStream(path, { encoding: "utf8" });
  return {
    write: async (chunk: string) => {
      if (!stream.write(chunk)) await once(stream, "drain");
    },
    close: () => new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve()))),
  };
}

const answers: Command = {
  name: "export answers",
  summary: "Export answers for analysis: long or wide CSV, or the data dictionary",
  usage: [
    "Usage: npm run cli -- export answers --study <slug> [--format long|wide|dictionary|sav|dta] [--language <code>] --out <file>",
    "",
    "Long: one row per answer. Wide: one row per response, one column per item (named as in the",
    "dictionary). Participants who withdrew with erasure are absent; free text is redacted; people",
    "appear under a stable pseudonymous id, never their code. Streamed, so memory stays flat. Audited.",
    "sav (SPSS) and dta (Stata): one row per response, question texts as variable labels and option",
    "labels as value labels in --language (default en), missing codes for skipped and not asked.",
  ].join("\n"),
  async run(args, ctx) {
    const { values, positional } = parseOptions(args, { values: ["study", "format", "out", "language"] });
    if (positional.length > 0) throw new CliError(`Unexpected argument "${positional[0]}". See --help.`);
    const format = values.format ?? "long";
    if (!["long", "wide", "dictionary", "sav", "dta"].includes(format))
      throw new CliError("--format must be long, wide, dictionary, sav or dta.");
    if (values.language !== undefined && !/^[a-z]{2,3}$/.test(values.language))
      throw new CliError("--language must be a language code such as en, cy or ar.");
    const out = requireOption(values, "out");
    const { db } = await ctx.openDb();
    const scope = await studyScope(db, requireOption(values, "study"));
    const actor = { userId: null, via: "cli" as const };
    if (format === "sav" || format === "dta") {
      const { data, rows } = await exportAnswersStats(db, scope, actor, { format, language: values.language });
      writeFileSync(out, data);
      ctx.out(`${rows} responses written to ${out}.`);
      return 0;
    }
    if (format === "dictionary") {
      writeFileSync(out, await exportDataDictionary(db, scope, actor), "utf8");
      ctx.out(`Data dictionary written to ${out}.`);
      return 0;
    }
    const file = await fileWriter(out);
    const rows =
      format === "long" ? await exportAnswersLong(db, scope, actor, file.write) : await exportAnswersWide(db, scope, actor, file.write);
    await file.close();
    ctx.out(`${rows} rows written to ${out}.`);
    return 0;
  },
};

const coded: Command = {
  name: "export coded",
  summary: "Export coded spans (redacted) and the codebook as CSV",
  usage: "Usage: npm run cli -- export coded --study <slug> --out <spans.csv> [--codebook <codebook.csv>]",
  async run(args, ctx) {
    const { values, positional } = parseOptions(args, { values: ["study", "out", "codebook"] });
    if (positional.length > 0) throw new CliError(`Unexpected argument "${positional[0]}". See --help.`);
    const out = requireOption(values, "out");
    const { db } = await ctx.openDb();
    const scope = await studyScope(db, requireOption(values, "study"));
    const spans = await exportCodedSpans(db, scope, { userId: null, via: "cli" });
    writeFileSync(out, spans.csv, "utf8");
    if (values.codebook) writeFileSync(values.codebook, await exportCodebook(db, scope, { userId: null, via: "cli" }), "utf8");
    ctx.out(`${spans.rows} coded spans written to ${out}.`);
    return 0;
  },
};

export const codingCommands: Command[] = [quotes, qdpx, answers, coded];
