import { stringify } from "yaml";
import { diffInstrumentVersions, renderDiff, type DiffableVersion } from "../../app/instruments/diff";
import { formatProblem, instrumentsDir, loadBaseDefinition, loadInstrumentsFromDir } from "../../app/instruments/load.server";
import { instrumentMessages } from "../../app/instruments/messages";
import {
  getInstrumentVersion,
  listPublishedVersions,
  publishInstruments,
  PublishedVersionChangedError,
} from "../../app/instruments/publish.server";
import { CliError, parseOptions, type Command, type CommandContext } from "./types";

const DIR_OPTION = "  --dir <folder>   the instruments folder (default: $INSTRUMENTS_DIR, else ./instruments)";

function folder(values: Record<string, string>, ctx: CommandContext) {
  return values.dir ?? instrumentsDir(ctx.env);
}

function versionNumber(text: string | undefined, what: string): number {
  if (!text || !/^[1-9]\d*$/.test(text)) throw new CliError(`${what} must be a version number (1, 2, …). See --help.`);
  return Number(text);
}

const check: Command = {
  name: "instruments check",
  summary: "Check every instrument file; print each problem as path:line: message",
  usage: [
    "Usage: npm run cli -- instruments check [--dir <folder>]",
    "",
    "Reads every instruments/<id>/<version>/ folder and checks it against docs/instrument-format.md:",
    "YAML syntax, the schema, ids, translations (same keys as the base file), ICU messages, show_if,",
    "scoring and consent rules. Exits 1 if there is any problem.",
    "",
    DIR_OPTION,
  ].join("\n"),
  async run(args, ctx) {
    const { values, positional } = parseOptions(args, { values: ["dir"] });
    if (positional.length > 0) throw new CliError(`Unexpected argument "${positional[0]}". See --help.`);
    const { versions, problems } = loadInstrumentsFromDir(folder(values, ctx));
    for (const problem of problems) ctx.out(formatProblem(problem));
    if (problems.length > 0) {
      ctx.err(`${problems.length} problem${problems.length === 1 ? "" : "s"} found.`);
      return 1;
    }
    const instruments = new Set(versions.map((v) => v.id)).size;
    ctx.out(
      `${instruments} instrument${instruments === 1 ? "" : "s"}, ${versions.length} version${versions.length === 1 ? "" : "s"}: all valid`,
    );
    return 0;
  },
};

const publish: Command = {
  name: "instruments publish",
  summary: "Publish new instrument versions to the database (published ones are immutable)",
  usage: [
    "Usage: npm run cli -- instruments publish [--dir <folder>]",
    "",
    "Checks the folder, then inserts every version not yet in the database, in one transaction.",
    "A version already published with the same content is left alone. If a published version's files",
    "have changed, nothing is written and the command fails: restore the files and put the edits in",
    "the next version folder. `npm start` does the same on every start.",
    "",
    DIR_OPTION,
  ].join("\n"),
  async run(args, ctx) {
    const { values, positional } = parseOptions(args, { values: ["dir"] });
    if (positional.length > 0) throw new CliError(`Unexpected argument "${positional[0]}". See --help.`);
    const { versions, problems } = loadInstrumentsFromDir(folder(values, ctx));
    if (problems.length > 0) {
      for (const problem of problems) ctx.err(formatProblem(problem));
      throw new CliError(`${problems.length} problem(s) in the instrument files; nothing was published.`);
    }
    const { db } = await ctx.openDb();
    try {
      const result = await publishInstruments(db, versions);
      for (const v of result.published) ctx.out(`published  ${v.id} v${v.version}  ${v.contentHash.slice(0, 12)}`);
      for (const v of result.unchanged) ctx.out(`unchanged  ${v.id} v${v.version}`);
      ctx.out(`${result.published.length} published, ${result.unchanged.length} unchanged.`);
      return 0;
    } catch (error) {
      if (error instanceof PublishedVersionChangedError) throw new CliError(error.message);
      throw error;
    }
  },
};

const diff: Command = {
  name: "instruments diff",
  summary: "Show what changed between two versions of an instrument",
  usage: [
    "Usage: npm run cli -- instruments diff <id> <from-version> <to-version> [--dir <folder>]",
    "",
    "Lists added, removed and changed sections, items, statements and measures, and every changed",
    "text per language. Versions are read from the folder; a version no longer there (or with",
    "problems) is read from the database as published.",
    "",
    DIR_OPTION,
  ].join("\n"),
  async run(args, ctx) {
    const { values, positional } = parseOptions(args, { values: ["dir"] });
    const [id, fromText, toText, extra] = positional;
    if (!id || extra !== undefined)
      throw new CliError("Give an instrument id and two versions, e.g. instruments diff consent-form 1 2. See --help.");
    const from = versionNumber(fromText, "<from-version>");
    const to = versionNumber(toText, "<to-version>");
    const { versions } = loadInstrumentsFromDir(folder(values, ctx));
    const find = async (version: number): Promise<DiffableVersion> => {
      const onDisk = versions.find((v) => v.id === id && v.version === version);
      if (onDisk) return onDisk;
      const { db } = await ctx.openDb();
      const published = await getInstrumentVersion(db, id, version);
      if (!published) {
        throw new CliError(`${id} version ${version} is neither in the folder (without problems) nor published. Run "instruments check".`);
      }
      return published;
    };
    ctx.out(renderDiff(diffInstrumentVersions(await find(from), await find(to))));
    return 0;
  },
};

const list: Command = {
  name: "instruments list",
  summary: "List the instruments and versions in the folder (or, with --published, in the database)",
  usage: [
    "Usage: npm run cli -- instruments list [--dir <folder>] [--published]",
    "",
    "One line per version: id, version, kind, translations with their review status, and hash.",
    "Versions with problems are left out (see instruments check).",
    "",
    DIR_OPTION,
    "  --published      list the versions published in the database instead",
  ].join("\n"),
  async run(args, ctx) {
    const { values, switches, positional } = parseOptions(args, { values: ["dir"], switches: ["published"] });
    if (positional.length > 0) throw new CliError(`Unexpected argument "${positional[0]}". See --help.`);
    if (switches.has("published")) {
      const { db } = await ctx.openDb();
      const rows = await listPublishedVersions(db);
      for (const row of rows) {
        ctx.out(
          `${row.id}  v${row.version}  ${row.kind}  ${row.languages.join(",") || "-"}  ${row.contentHash.slice(0, 12)}  ${row.publishedAt.toISOString()}`,
        );
      }
      ctx.out(`${rows.length} published version${rows.length === 1 ? "" : "s"}.`);
      return 0;
    }
    const { versions, problems } = loadInstrumentsFromDir(folder(values, ctx));
    for (const v of versions) {
      const languages = Object.entries(v.translations)
        .map(([language, t]) => `${language}${t.review.status === "reviewed" ? "" : "(draft)"}`)
        .join(",");
      ctx.out(`${v.id}  v${v.version}  ${v.kind}  ${languages || "-"}  ${v.contentHash.slice(0, 12)}`);
    }
    if (problems.length > 0) ctx.err(`${problems.length} problem(s) left some versions out; run "instruments check".`);
    return 0;
  },
};

const messages: Command = {
  name: "instruments messages",
  summary: "Print the message keys (with the English text) that a translation of a version needs",
  usage: [
    "Usage: npm run cli -- instruments messages <id> <version> [--keys] [--dir <folder>]",
    "",
    "Prints the `messages:` block of a translation file with the English texts as values: copy it to",
    "<language>.yaml and translate the values. The keys must stay exactly as printed.",
    "",
    DIR_OPTION,
    "  --keys           print the keys only, one a line",
  ].join("\n"),
  async run(args, ctx) {
    const { values, switches, positional } = parseOptions(args, { values: ["dir"], switches: ["keys"] });
    const [id, versionText, extra] = positional;
    if (!id || extra !== undefined)
      throw new CliError("Give an instrument id and a version, e.g. instruments messages consent-form 1. See --help.");
    const version = versionNumber(versionText, "<version>");
    const { definition, problems } = loadBaseDefinition(folder(values, ctx), id, version);
    if (!definition) {
      for (const problem of problems) ctx.err(formatProblem(problem));
      throw new CliError(`${id} version ${version}: the base file has problems; fix them first.`);
    }
    const map = instrumentMessages(definition);
    if (switches.has("keys")) for (const key of Object.keys(map)) ctx.out(key);
    else ctx.out(stringify({ messages: map }, { lineWidth: 0 }).trimEnd());
    return 0;
  },
};

const show: Command = {
  name: "instruments show",
  summary: "Show the exact text of a published version, in one language, as the database holds it",
  usage: [
    "Usage: npm run cli -- instruments show <id> <version> [--lang <code>]",
    "",
    "Reads the version from the database (not the folder), so an old version stays viewable after its",
    "files have moved on: what people saw when they consented or answered under it. Prints each message",
    "key with its text; a text with no translation in that language is marked [en] (people saw English).",
    "",
    "  --lang <code>    en (default), cy, ar, fa, …",
  ].join("\n"),
  async run(args, ctx) {
    const { values, positional } = parseOptions(args, { values: ["lang"] });
    const [id, versionText, extra] = positional;
    if (!id || extra !== undefined)
      throw new CliError("Give an instrument id and a version, e.g. instruments show consent-form 1. See --help.");
    const version = versionNumber(versionText, "<version>");
    const language = values.lang ?? "en";
    const { db } = await ctx.openDb();
    const published = await getInstrumentVersion(db, id, version);
    if (!published) throw new CliError(`${id} version ${version} is not published in this database. See instruments list --published.`);
    const translation = language === "en" ? undefined : published.translations[language];
    if (language !== "en" && !translation) {
      const offered = ["en", ...Object.keys(published.translations)].join(", ");
      throw new CliError(`${id} version ${version} has no ${language} translation (it has ${offered}).`);
    }
    ctx.out(
      `${id} version ${version} (${published.kind}), published ${published.publishedAt.toISOString()}, content hash ${published.contentHash}`,
    );
    ctx.out(translation ? `Language: ${language}, review status ${translation.review.status}` : "Language: en (the source text)");
    for (const [key, english] of Object.entries(instrumentMessages(published.definition))) {
      const text = translation?.messages[key];
      ctx.out(`${key}: ${text ?? english}${translation && text === undefined ? "  [en]" : ""}`);
    }
    return 0;
  },
};

export const instrumentCommands: Command[] = [check, publish, diff, list, show, messages];
