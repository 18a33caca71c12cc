/**
 * Answers for statistics packages: SPSS .sav and Stata .dta, one row per response and one variable per
 * question, with the question texts as variable labels and option labels as value labels, both in a
 * chosen language (English where a translation lacks one), and the missing codes "skipped" and "not
 * asked" (app/coding/stats-formats.ts, ADR 067). Read through the consent gate (analysis purpose) like
 * the CSV exports, free text redacted, people under the same pseudonym, and audited as "export".
 */
import type { DB } from "../../db/index";
import { participantPseudonym } from "../disclosure/pseudonyms";
import { recordAudit } from "../audit/log.server";
import { answerBatches, answeredVersionIds, type AnswerRow } from "../consent/gate.server";
import { requireStudy, type StudyScope } from "../consent/scope.server";
import { messageKeys } from "../instruments/messages";
import type { Actor } from "./exports.server";
import { redactedText, redactionsFor } from "./redactions.server";
import { dtaWriter, LayoutLearner, NOT_ASKED, savWriter, SKIPPED, type Cell, type StatVariable } from "./stats-formats";

export type StatsFormat = "sav" | "dta";

const ANSWER_TYPES = new Set(["yes_no", "single_choice", "multiple_choice", "rating", "scale_0_10", "number", "short_text", "long_text"]);
const NUMERIC_TYPES = new Set(["yes_no", "single_choice", "rating", "scale_0_10", "number"]);

export interface Question {
  instrumentId: string;
  version: number;
  itemId: string;
  type: string;
  variable: StatVariable;
  /** single_choice: stored option value → numeric code */
  codes?: Map<string, number>;
}

type Messages = Record<string, string>;

/** Yes/no questions have no option labels of their own. */
const YES_NO: Record<string, [string, string]> = {
  cy: ["Ydw", "Nac ydw"],
  ar: ["نعم", "لا"],
  fa: ["بله", "نه"],
  ps: ["هو", "نه"],
  ckb: ["بەڵێ", "نەخێر"],
};

function englishText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value && typeof value === "object") {
    const v = value as Record<string, unknown>;
    if (typeof v.en === "string") return v.en;
    const first = Object.values(v).find((x) => typeof x === "string");
    if (typeof first === "string") return first;
  }
  return "";
}

/** Letters, digits and underscores, starting with a letter, at most 32 characters, unique. */
function variableName(wanted: string, taken: Set<string>): string {
  let base = wanted.replace(/[^A-Za-z0-9_]/g, "_").replace(/^[^A-Za-z]+/, "");
  if (!base) base = "q";
  base = base.slice(0, 32);
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base.slice(0, 32 - String(n).length - 1)}_${n}`;
  taken.add(name.toLowerCase());
  return name;
}

/** The questions of the study's questionnaires, labelled in `language`. */
export async function statsQuestions(db: DB, scope: StudyScope, language: string, taken = new Set<string>()): Promise<Question[]> {
  const versions = await db
    .selectFrom("instrument_version as iv")
    .select(["iv.instrument_id", "iv.version", "iv.definition", "iv.translations"])
    .where((eb) =>
      eb.or([
        eb("iv.id", "in", eb.selectFrom("study_instrument").select("instrument_version_id").where("study_id", "=", scope.studyId)),
        eb("iv.id", "in", answeredVersionIds(db, scope.studyId)),
      ]),
    )
    .orderBy("iv.instrument_id")
    .orderBy("iv.version")
    .execute();
  const several = new Set(versions.map((v) => v.instrument_id)).size > 1;
  const questions: Question[] = [];
  for (const v of versions) {
    const definition = (typeof v.definition === "string" ? JSON.parse(v.definition) : v.definition) as {
      sections?: { items?: Record<string, unknown>[] }[];
    };
    const translations = (typeof v.translations === "string" ? JSON.parse(v.translations) : v.translations) as Record<
      string,
      { messages?: Messages }
    >;
    const messages: Messages = (language !== "en" && translations?.[language]?.messages) || {};
    const say = (key: string, english: string) => (typeof messages[key] === "string" && messages[key] ? messages[key] : english);
    for (const section of definition.sections ?? []) {
      for (const item of section.items ?? []) {
        const type = String(item.type ?? "");
        if (!ANSWER_TYPES.has(type)) continue;
        const itemId = String(item.id);
        const multiVersion = versions.filter((x) => x.instrument_id === v.instrument_id).length > 1;
        const wanted = `${several ? `${v.instrument_id}_` : ""}${itemId}${multiVersion ? `_v${v.version}` : ""}`;
        const label = say(messageKeys.itemText(itemId), englishText(item.text)) || itemId;
        const variable: StatVariable = {
          name: variableName(wanted, taken),
          label,
          type: NUMERIC_TYPES.has(type) ? "numeric" : "string",
          missingCodes: true,
        };
        const question: Question = { instrumentId: v.instrument_id, version: v.version, itemId, type, variable };
        if (type === "yes_no") {
          variable.valueLabels = [
            { value: 1, label: YES_NO[language]?.[0] ?? "Yes" },
            { value: 0, label: YES_NO[language]?.[1] ?? "No" },
          ];
        } else if (type === "single_choice" && Array.isArray(item.options)) {
          const options = item.options as { value: string; label: unknown }[];
          // Integer option values keep their own numbers; otherwise options are numbered in order.
          const integers = options.every((o) => /^-?\d+$/.test(String(o.value)) && Number(o.value) >= 0);
          question.codes = new Map(options.map((o, k) => [String(o.value), integers ? Number(o.value) : k + 1]));
          variable.valueLabels = options.map((o) => ({
            value: question.codes!.get(String(o.value))!,
            label: say(messageKeys.optionLabel(itemId, String(o.value)), englishText(o.label)) || String(o.value),
          }));
        } else if ((type === "rating" || type === "scale_0_10") && item.scale && typeof item.scale === "object") {
          const labels = ((item.scale as { labels?: Record<string, unknown> }).labels ?? {}) as Record<string, unknown>;
          variable.valueLabels = Object.entries(labels)
            .filter(([k]) => Number.isFinite(Number(k)))
            .map(([k, l]) => ({ value: Number(k), label: say(messageKeys.scaleLabel(itemId, k), englishText(l)) }));
        }
        questions.push(question);
      }
    }
  }
  return questions;
}

function cellFor(q: Question, value: unknown, redact: (s: string) => string): Cell {
  if (value === null || value === undefined || value === "") return SKIPPED;
  switch (q.type) {
    case "yes_no":
      return value === "yes" || value === true ? 1 : value === "no" || value === false ? 0 : null;
    case "single_choice":
      return q.codes?.get(String(value)) ?? null;
    case "rating":
    case "scale_0_10":
    case "number": {
      const n = typeof value === "number" ? value : Number(value);
      return Number.isFinite(n) ? n : null;
    }
    case "multiple_choice":
      return Array.isArray(value) ? value.join(";") : String(value);
    default:
      return typeof value === "string" ? redact(value) : JSON.stringify(value);
  }
}

const RESPONSE_VARIABLES: StatVariable[] = [
  { name: "respondent", label: "Respondent (pseudonym)", type: "string" },
  { name: "instrument", label: "Questionnaire", type: "string" },
  { name: "version", label: "Questionnaire version", type: "numeric" },
  { name: "timepoint", label: "Timepoint", type: "string" },
  { name: "language", label: "Language answered in", type: "string" },
  { name: "mode", label: "Mode", type: "string" },
  { name: "month", label: "Month (YYYY-MM)", type: "string" },
];

export type WriteBytes = (chunk: Uint8Array) => void | Promise<void>;

/** Thrown when the second pass over the answers does not find the responses the first one counted. */
export class AnswersChangedError extends Error {
  constructor() {
    super("The answers changed while the file was being written (a response was added or withdrawn). Export again.");
  }
}

export const MISSING_LABELS = { skipped: "skipped", notAsked: "not asked" };

/** The file's variables: the response columns, then one per question. */
export async function statsVariables(db: DB, scope: StudyScope, language: string) {
  const taken = new Set(RESPONSE_VARIABLES.map((v) => v.name));
  const questions = await statsQuestions(db, scope, language, taken);
  return { questions, variables: [...RESPONSE_VARIABLES, ...questions.map((q) => q.variable)] };
}

/**
 * One row per response, a batch of finished rows at a time (a response's answers can straddle two
 * answer batches, so the row being filled is carried over). Only one answer batch is held.
 */
async function* responseRows(db: DB, scope: StudyScope, questions: Question[]): AsyncGenerator<Cell[][]> {
  const at = new Map(questions.map((q, i) => [`${q.instrumentId}\u0000${q.version}\u0000${q.itemId}`, RESPONSE_VARIABLES.length + i]));
  let current: Cell[] | null = null;
  let currentId = "";
  const start = (r: AnswerRow) => {
    // Every question of this response's questionnaire starts as skipped; every other one was not asked.
    const row: Cell[] = questions.map((q) =>
      q.instrumentId === r.instrumentId && q.version === r.instrumentVersion ? SKIPPED : NOT_ASKED,
    );
    row.unshift(
      participantPseudonym(scope.studyId, r.participantId),
      r.instrumentId,
      r.instrumentVersion,
      String(r.timepoint ?? ""),
      r.language,
      r.mode,
      r.startedOn.slice(0, 7),
    );
    return row;
  };
  for await (const batch of answerBatches(db, scope, "analysis")) {
    const redactions = await redactionsFor(
      db,
      scope,
      batch.filter((r) => typeof r.value === "string").map((r) => `a:${r.responseId}:${r.itemId}`),
    );
    const done: Cell[][] = [];
    for (const r of batch) {
      if (r.responseId !== currentId) {
        if (current) done.push(current);
        currentId = r.responseId;
        current = start(r);
      }
      const i = at.get(`${r.instrumentId}\u0000${r.instrumentVersion}\u0000${r.itemId}`);
      if (i === undefined) continue;
      current![i] = cellFor(questions[i - RESPONSE_VARIABLES.length]!, r.value, (s) =>
        redactedText(s, redactions.get(`a:${r.responseId}:${r.itemId}`)),
      );
    }
    if (done.length > 0) yield done;
  }
  if (current) yield [current];
}

/**
 * Writes the file to `write` as it is read, in two passes over the answers (ADR 072): the first learns
 * the row count and string widths the header needs, the second writes the rows. Memory holds one
 * answer batch and a number per variable, however many responses there are. Returns the row count;
 * audited when the whole file has been written.
 */
export async function exportAnswersStats(
  db: DB,
  scope: StudyScope,
  actor: Actor,
  input: { format: StatsFormat; language?: string },
  write: WriteBytes,
): Promise<number> {
  const study = await requireStudy(db, scope);
  const language = input.language ?? "en";
  const { questions, variables } = await statsVariables(db, scope, language);
  const learner = new LayoutLearner(variables);
  for await (const rows of responseRows(db, scope, questions)) learner.add(rows);
  const layout = learner.done();
  const writer = (input.format === "sav" ? savWriter : dtaWriter)(variables, layout, MISSING_LABELS, study.slug);
  await write(writer.head);
  let written = 0;
  for await (const rows of responseRows(db, scope, questions)) {
    written += rows.length;
    // The header promised a row count; a response added since the first pass would break the file.
    if (written > layout.rows) throw new AnswersChangedError();
    await write(writer.rows(rows));
  }
  if (written !== layout.rows) throw new AnswersChangedError();
  await write(writer.tail);
  await recordAudit(db, {
    actorUserId: actor.userId,
    organisationId: scope.organisationId,
    action: "export",
    subject: study.slug,
    detail: { export: `answers_${input.format}`, via: actor.via, filter: {}, language, rows: written },
  });
  return written;
}
