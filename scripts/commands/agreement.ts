import { writeFileSync } from "node:fs";
import {
  agreementDecisionsCsv,
  agreementReport,
  answerUnitsForItem,
  type AgreementInput,
  type AgreementReport,
} from "../../app/coding/agreement.server";
import { listCoders } from "../../app/coding/codings.server";
import { DEFAULT_RESAMPLES, DEFAULT_SEED, MAX_SEED, type AlphaInterval } from "../../app/coding/krippendorff";
import type { UnitKey } from "../../app/coding/units";
import { readUnits } from "../../app/consent/units.server";
import type { StudyScope } from "../../app/consent/scope.server";
import { isUuid } from "../../app/security/ids";
import { studyScopeBySlug } from "../../app/studies/lookup.server";
import type { DB } from "../../db/index";
import { CliError, parseOptions, requireOption, type Command } from "./types";

const MAX_RESAMPLES = 1_000_000;

async function studyScope(db: DB, slug: string): Promise<StudyScope & { slug: string }> {
  const scope = await studyScopeBySlug(db, slug);
  if (!scope) throw new CliError(`No study with the slug "${slug}".`);
  return scope;
}

function wholeNumber(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw new CliError(`--${flag} must be a whole number from ${min.toLocaleString("en")} to ${max.toLocaleString("en")}.`);
  return Number(raw);
}

type UnitChoice =
  { kind: "default" } | { kind: "session"; sessionId: string; label: string } | { kind: "question"; instrumentId: string; itemId: string };

async function unitChoice(db: DB, scope: StudyScope, units: string | undefined, session: string | undefined): Promise<UnitChoice> {
  const choice = units ?? (session ? "session" : "default");
  if (choice === "default") {
    if (session) throw new CliError("--session goes with --units session.");
    return { kind: "default" };
  }
  if (choice === "session") {
    if (!session) throw new CliError("--units session needs --session <id or label>.");
    const sessions = await db.selectFrom("study_session").select(["id", "label"]).where("study_id", "=", scope.studyId).execute();
    const found = sessions.filter((s) => (isUuid(session) && s.id === session) || s.label.toLowerCase() === session.toLowerCase());
    if (found.length === 0) throw new CliError(`No session "${session}" in this study.`);
    if (found.length > 1) throw new CliError(`More than one session is labelled "${session}": give its id.`);
    return { kind: "session", sessionId: found[0]!.id, label: found[0]!.label };
  }
  const question = /^question:([^/\s]+)\/([^/\s]+)$/.exec(choice);
  if (!question) throw new CliError("--units must be default, session or question:<instrument>/<item>.");
  if (session) throw new CliError("--session goes with --units session.");
  return { kind: "question", instrumentId: question[1]!, itemId: question[2]! };
}

async function unitsOf(db: DB, scope: StudyScope, choice: UnitChoice): Promise<UnitKey[] | undefined> {
  if (choice.kind === "default") return undefined;
  if (choice.kind === "session") return [...(await readUnits(db, scope, "analysis", { sessionId: choice.sessionId })).keys()];
  const units = await answerUnitsForItem(db, scope, choice);
  if (units.length === 0) throw new CliError(`No written answers to ${choice.instrumentId}/${choice.itemId} in this study.`);
  return units;
}

async function chosenCoders(db: DB, scope: StudyScope, raw: string | undefined) {
  const coders = await listCoders(db, scope);
  const names = coders.map((c) => c.name).join(", ") || "none";
  if (raw === undefined) {
    if (coders.length < 2) throw new CliError(`Agreement needs two or more coders; this study has ${coders.length} (${names}).`);
    return coders.map((c) => c.coderId);
  }
  const wanted = raw
    .split(",")
    .map((w) => w.trim())
    .filter(Boolean);
  const ids = wanted.map((w) => {
    const lower = w.toLowerCase();
    const found = coders.filter((c) => c.coderId === w || c.email.toLowerCase() === lower || c.name.toLowerCase() === lower);
    if (found.length === 0) throw new CliError(`No coder "${w}" in this study (coders: ${names}).`);
    if (found.length > 1) throw new CliError(`More than one coder is called "${w}": give their e-mail address.`);
    return found[0]!.coderId;
  });
  if (new Set(ids).size < 2) throw new CliError("--coders needs two or more different coders.");
  return [...new Set(ids)];
}

const interval = (i: AlphaInterval | null) => (i ? [i.low, i.high] : null);

/** The report as the JSON the usage describes: every figure unrounded, coders by name. */
function reportJson(slug: string, choice: UnitChoice, participantTurnsOnly: boolean, report: AgreementReport) {
  const name = Object.fromEntries(report.coderDetails.map((c) => [c.coderId, c.name]));
  return {
    study: slug,
    units: {
      choice: choice.kind,
      session: choice.kind === "session" ? { id: choice.sessionId, label: choice.label } : null,
      question: choice.kind === "question" ? `${choice.instrumentId}/${choice.itemId}` : null,
      participantTurnsOnly,
      count: report.units.length,
    },
    coders: report.coderDetails.map((c) => ({ id: c.coderId, name: c.name, finishedAt: c.finishedAt?.toISOString() ?? null })),
    bootstrap: {
      method: "Krippendorff's algorithm, as Hayes & Krippendorff's KALPHA; 95 % percentile interval (R quantile type 7)",
      resamples: report.bootstrap?.resamples ?? null,
      seed: report.bootstrap?.seed ?? null,
    },
    themes: report.themes.map((r) => ({
      theme: r.themeName,
      themeId: r.themeId,
      units: r.units,
      percentAgreement: r.percentAgreement,
      cohensKappa: r.cohensKappa,
      krippendorffAlpha: r.krippendorffAlpha,
      alphaCi95: interval(r.alphaInterval),
      disagreements: r.disagreements.length,
      unvaryingCoders: r.unvarying.map((u) => ({ coder: name[u.coderId] ?? u.coderId, decision: u.applied ? "applied" : "not_applied" })),
    })),
    overall: report.overall
      ? {
          decisions: report.overall.units,
          percentAgreement: report.overall.percentAgreement,
          cohensKappa: report.overall.cohensKappa,
          krippendorffAlpha: report.overall.krippendorffAlpha,
          alphaCi95: interval(report.overall.alphaInterval),
          disagreements: report.overall.disagreements,
        }
      : null,
  };
}

function printReport(out: (line: string) => void, json: ReturnType<typeof reportJson>) {
  const f = (x: number | null) => (x === null ? "—" : x.toFixed(3));
  const pct = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(1)} %`);
  const ci = (c: number[] | null) => (c ? `[${f(c[0]!)}, ${f(c[1]!)}]` : "—");
  out(`Coders: ${json.coders.map((c) => c.name).join(", ")}. Units compared: ${json.units.count}.`);
  out("theme\tunits\tagreement\tkappa\talpha\talpha 95 % CI\tdisagreements");
  for (const t of json.themes)
    out(
      `${t.theme}\t${t.units}\t${pct(t.percentAgreement)}\t${f(t.cohensKappa)}\t${f(t.krippendorffAlpha)}\t${ci(t.alphaCi95)}\t${t.disagreements}`,
    );
  if (json.overall)
    out(
      `All themes (pooled)\t${json.overall.decisions}\t${pct(json.overall.percentAgreement)}\t${f(json.overall.cohensKappa)}\t${f(json.overall.krippendorffAlpha)}\t${ci(json.overall.alphaCi95)}\t${json.overall.disagreements}`,
    );
  for (const t of json.themes)
    for (const u of t.unvaryingCoders)
      out(
        `Note: ${u.coder} ${u.decision === "applied" ? "applied" : "never applied"} "${t.theme}" on every unit compared, so kappa is 0 or undefined there however high the agreement.`,
      );
  out(`Intervals: ${json.bootstrap.resamples} resamples, seed ${json.bootstrap.seed}.`);
}

const reportAgreement: Command = {
  name: "report agreement",
  summary: "Agreement between coders per theme and overall: %, kappa, alpha and its bootstrap interval",
  usage: `npm run cli -- report agreement --study <slug> [--coders <a,b>] [--units default|session|question:<instrument>/<item>]
         [--session <id or label>] [--participant-turns-only] [--resamples <n>] [--seed <n>] [--csv <file>] [--json]

  --coders     coders by e-mail address, name or id, separated by commas (default: everyone who coded)
  --units      default: every unit at least two of the coders coded (a finished coder has coded every
               unit that existed when they finished); session: one session's turns (with --session);
               question:<instrument>/<item>: every written answer to one question
  --participant-turns-only   leave facilitator and interpreter turns out of the units
  --resamples  bootstrap resamples for alpha's 95 % interval (default ${DEFAULT_RESAMPLES.toLocaleString("en")}, at most ${MAX_RESAMPLES.toLocaleString("en")})
  --seed       the bootstrap's seed, 0 to ${MAX_SEED} (default ${DEFAULT_SEED}): the same seed gives the same interval
  --csv        also write every coder × unit × theme decision (applied, not_applied, not_coded) to a
               CSV file, to recompute the figures elsewhere; audited as an export
  --json       one JSON object, every figure unrounded (null where undefined): study, units, coders,
               bootstrap {method, resamples, seed}, themes [{theme, themeId, units, percentAgreement,
               cohensKappa, krippendorffAlpha, alphaCi95, disagreements, unvaryingCoders}], overall
               {decisions, percentAgreement, cohensKappa, krippendorffAlpha, alphaCi95, disagreements}

  Per theme, the datum is whether a coder applied the theme to a unit (a turn or a written answer).
  Kappa needs exactly two coders. Alpha is nominal, with missing data. The interval is Krippendorff's
  bootstrap as in Hayes & Krippendorff's KALPHA. "Overall" pools every unit × theme decision of the
  themes in the table. Participants who withdrew with erasure are not in any unit (docs/decisions/070).`,
  async run(args, ctx) {
    const { values, switches, positional } = parseOptions(args, {
      values: ["study", "coders", "units", "session", "resamples", "seed", "csv"],
      switches: ["json", "participant-turns-only"],
    });
    if (positional.length > 0) throw new CliError(`Unexpected argument "${positional[0]}". See --help.`);
    const resamples = wholeNumber("resamples", values.resamples, DEFAULT_RESAMPLES, 100, MAX_RESAMPLES);
    const seed = wholeNumber("seed", values.seed, DEFAULT_SEED, 0, MAX_SEED);
    const slug = requireOption(values, "study");
    const { db } = await ctx.openDb();
    const scope = await studyScope(db, slug);
    const choice = await unitChoice(db, scope, values.units, values.session);
    const coders = await chosenCoders(db, scope, values.coders);
    const participantTurnsOnly = switches.has("participant-turns-only");
    const input: AgreementInput = { coders, units: await unitsOf(db, scope, choice), participantTurnsOnly };
    const report = await agreementReport(db, scope, { ...input, bootstrap: { resamples, seed } });
    const json = reportJson(slug, choice, participantTurnsOnly, report);
    if (values.csv) {
      const filter = {
        units: json.units.choice,
        session: json.units.session?.id ?? null,
        question: json.units.question,
        coders,
        participantTurnsOnly,
      };
      const { csv, rows } = await agreementDecisionsCsv(db, scope, { userId: null, via: "cli" }, { ...input, filter });
      writeFileSync(values.csv, csv, "utf8");
      if (!switches.has("json")) ctx.out(`${rows} decisions written to ${values.csv}.`);
    }
    if (switches.has("json")) ctx.out(JSON.stringify(json));
    else printReport(ctx.out, json);
    return 0;
  },
};

export const agreementCommands: Command[] = [reportAgreement];
