import { readFileSync } from "node:fs";
import { defaultDataDir, type DB } from "../../db/index";
import { ParticipantError } from "../../app/participants/errors";
import { issuePaperCodes } from "../../app/participants/enrolment.server";
import { ImportSetupError, importResponses } from "../../app/participants/import.server";
import { changeConsentChoicesByCode, withdrawByCode } from "../../app/participants/withdrawal.server";
import type { WithdrawalMode } from "../../db/tables/participants";
import { loadSecrets } from "../../app/security/secrets.server";
import { studyScopeBySlug } from "../../app/studies/lookup.server";
import { CliError, parseOptions, requireOption, type Command, type CommandContext } from "./types";

async function studyId(db: DB, slug: string): Promise<string> {
  const scope = await studyScopeBySlug(db, slug);
  if (!scope) throw new CliError(`No study "${slug}".`);
  return scope.studyId;
}

function codeKey(ctx: CommandContext) {
  // The same key the server uses: TANDEM_SECRET, or the embedded database's secret file.
  return loadSecrets({ dataDir: ctx.env.DATA_DIR ?? defaultDataDir(), usingPostgres: Boolean(ctx.env.DATABASE_URL) }).codeHashKey;
}

const REASONS: Record<string, string> = {
  invalid_code: "That is not a participant code (a character is wrong, missing or swapped). Check it with the person.",
  unknown_code: "No participant of this study has that code.",
  mode_not_offered: "This study does not offer that withdrawal mode.",
  deadline_passed: "The study's withdrawal deadline has passed; content can no longer be removed (use --mode keep).",
  no_consent: "This participant has no recorded consent, so there is nothing to change.",
  withdrawn: "This participant has withdrawn: they can still say no, but not yes.",
};

export const withdraw: Command = {
  name: "participant withdraw",
  summary: "Withdraw a participant by their code (erase everything, or stop and keep)",
  usage: [
    "Usage: npm run cli -- participant withdraw --study <slug> --code <code> --mode erase|keep",
    "",
    "For a withdrawal that arrives by phone or in person. Done in one transaction.",
    "  erase  deletes everything the person gave (answers, consent, transcript turns); their code stops working",
    "  keep   records that they stopped; what they gave stays for analysis, never for quotes",
    "The code is read forgivingly (case, spaces, dashes, O/0, I/1/L) and is never printed or logged.",
  ].join("\n"),
  async run(args, ctx) {
    const { values } = parseOptions(args, { values: ["study", "code", "mode"] });
    const mode = requireOption(values, "mode");
    if (mode !== "erase" && mode !== "keep") throw new CliError("--mode must be erase or keep.");
    const { db } = await ctx.openDb();
    try {
      const result = await withdrawByCode(db, {
        studyId: await studyId(db, requireOption(values, "study")),
        code: requireOption(values, "code"),
        codeHashKey: codeKey(ctx),
        mode: mode as WithdrawalMode,
      });
      ctx.out(
        mode === "erase"
          ? `Withdrawn with erasure: ${result.responses} response(s) and ${result.answers} answer(s) deleted, with the consent record; the code no longer works.`
          : `Withdrawn, keeping what was given: ${result.responses} response(s) with ${result.answers} answer(s) stay for analysis and are never quoted.`,
      );
      return 0;
    } catch (error) {
      if (error instanceof ParticipantError) throw new CliError(REASONS[error.reason] ?? error.message);
      throw error;
    }
  },
};

export const changeConsent: Command = {
  name: "participant consent",
  summary: "Change a participant's optional choices (quotes, audio recording) by their code",
  usage: [
    "Usage: npm run cli -- participant consent --study <slug> --code <code> [--quotes yes|no] [--audio yes|no]",
    "",
    "For a change that arrives by phone or in person. Change only what the person asked; at least one",
    'of --quotes and --audio. A "no" takes effect at once: their words leave quote exports and public',
    "pages. Someone who has withdrawn can still say no, never yes. Audited as the command line.",
  ].join("\n"),
  async run(args, ctx) {
    const { values } = parseOptions(args, { values: ["study", "code", "quotes", "audio"] });
    const choices: { quotes?: boolean; audio_recording?: boolean } = {};
    for (const [option, flag] of [
      ["quotes", "quotes"],
      ["audio", "audio_recording"],
    ] as const) {
      const value = values[option];
      if (value === undefined) continue;
      if (value !== "yes" && value !== "no") throw new CliError(`--${option} must be yes or no.`);
      choices[flag] = value === "yes";
    }
    if (Object.keys(choices).length === 0) throw new CliError("Say what changes: --quotes yes|no and/or --audio yes|no.");
    const { db } = await ctx.openDb();
    try {
      const result = await changeConsentChoicesByCode(db, {
        studyId: await studyId(db, requireOption(values, "study")),
        code: requireOption(values, "code"),
        codeHashKey: codeKey(ctx),
        choices,
        via: "cli",
      });
      const yesNo = (b: boolean) => (b ? "yes" : "no");
      ctx.out(
        `${result.changed.length > 0 ? "Changed" : "Nothing changed (already so)"}. Now: quotes ${yesNo(result.choices.quotes)}, audio recording ${yesNo(result.choices.audio_recording)}.`,
      );
      return 0;
    } catch (error) {
      if (error instanceof ParticipantError) throw new CliError(REASONS[error.reason] ?? error.message);
      throw error;
    }
  },
};

export const issueCodes: Command = {
  name: "codes issue",
  summary: "Issue participant codes for people who consented on paper",
  usage: [
    "Usage: npm run cli -- codes issue --study <slug> --count <n> [--json]",
    "",
    "Records paper consent to the study's current consent-form version (the required statements; the",
    "optional choices are recorded per code afterwards) and prints the codes, one a line, or as a JSON",
    "array with --json. Codes are shown only now: only their keyed hashes are stored.",
  ].join("\n"),
  async run(args, ctx) {
    const { values, switches } = parseOptions(args, { values: ["study", "count"], switches: ["json"] });
    const countText = requireOption(values, "count");
    if (!/^[1-9]\d{0,3}$/.test(countText) || Number(countText) > 1000) throw new CliError("--count must be a whole number from 1 to 1000.");
    const { db } = await ctx.openDb();
    try {
      const issued = await issuePaperCodes(db, {
        studyId: await studyId(db, requireOption(values, "study")),
        count: Number(countText),
        codeHashKey: codeKey(ctx),
      });
      if (switches.has("json")) ctx.out(JSON.stringify(issued.codes));
      else {
        for (const code of issued.codes) ctx.out(code);
        ctx.err(
          `${issued.codes.length} code(s) issued with paper consent to ${issued.consentVersion.id} v${issued.consentVersion.version}.`,
        );
      }
      return 0;
    } catch (error) {
      if (error instanceof ParticipantError)
        throw new CliError(error.reason === "no_consent_form" ? "The study has no consent form." : error.message);
      throw error;
    }
  },
};

export const importAnswers: Command = {
  name: "import responses",
  summary: "Import answers typed from paper forms (CSV); all or nothing",
  usage: [
    "Usage: npm run cli -- import responses --study <slug> --instrument <id>[@<version>] --timepoint <tp> --file <csv> [--language <code>]",
    "",
    "Columns: participant_code, then any of the instrument's item ids. Values are the item's answer",
    "codes (yes/no, option values, whole numbers; several options of a multiple choice separated by ;).",
    "An empty cell is a skipped question. An optional collected_on column (YYYY-MM-DD, not in the future,",
    "not before the study was created) dates each row's answers by the day the form was filled in; without",
    "it, or where the cell is empty, they are dated today. The whole file is checked first; every problem",
    "is printed as `row N, column C: message`, and nothing is imported if there is any.",
    "  --language <code>  the language the paper forms were in (default: each person's, from their code card)",
  ].join("\n"),
  async run(args, ctx) {
    const { values } = parseOptions(args, { values: ["study", "instrument", "timepoint", "file", "language"] });
    const [instrumentId, versionText] = requireOption(values, "instrument").split("@");
    if (versionText !== undefined && !/^[1-9]\d*$/.test(versionText)) throw new CliError("--instrument takes <id> or <id>@<version>.");
    let csv: string;
    try {
      csv = readFileSync(requireOption(values, "file"), "utf8");
    } catch (error) {
      throw new CliError(`Cannot read ${values.file}: ${(error as Error).message}`);
    }
    const { db } = await ctx.openDb();
    try {
      const result = await importResponses(db, {
        studyId: await studyId(db, requireOption(values, "study")),
        instrumentId: instrumentId!,
        version: versionText ? Number(versionText) : undefined,
        timepoint: requireOption(values, "timepoint"),
        csv,
        codeHashKey: codeKey(ctx),
        language: values.language,
      });
      if (result.problems.length > 0) {
        for (const problem of result.problems) ctx.out(problem);
        ctx.err(`${result.problems.length} problem(s); nothing was imported.`);
        return 1;
      }
      ctx.out(`Imported ${result.imported} row(s), ${result.answers} answer(s).`);
      return 0;
    } catch (error) {
      if (error instanceof ImportSetupError) throw new CliError(error.message);
      throw error;
    }
  },
};

export const participantCommands: Command[] = [withdraw, changeConsent, issueCodes, importAnswers];
