/**
 * Full exports for analysis elsewhere: answers (long and wide CSV, with a data dictionary), coded
 * spans and the codebook. Read through the consent gate (analysis purpose), redacted like every
 * export (ADR 033), streamed in keyset batches so memory stays flat, and audited (counts, never text).
 * Participants appear under a stable pseudonymous id derived from their row id, never their code.
 * Every export is audited here, in the domain function, so the workspace and the command line
 * cannot differ: the export's name, its filter (these exports take the whole study: `{}`), the
 * row count and how it was run (`via`).
 */
import { namesOf } from "../organisations/names.server";
import type { DB } from "../../db/index";
import { participantPseudonym } from "../disclosure/pseudonyms";
import { recordAudit } from "../audit/log.server";
import { answerBatches, answeredVersionIds, type AnswerRow } from "../consent/gate.server";
import { readCodings } from "../consent/codings.server";
import { requireStudy, type StudyScope } from "../consent/scope.server";
import { toCsv } from "../security/csv";
import { listThemes } from "./codebook.server";
import { redactedText, redactionsFor, type StoredRedaction } from "./redactions.server";

export type Write = (chunk: string) => void | Promise<void>;
export type Actor = { userId: string | null; via: "workspace" | "cli" };

export type FullExport = "answers_long" | "answers_wide" | "data_dictionary" | "coded_spans" | "codebook";

/** Who, what, which filter, how many rows: never text or codes (issue 4's audit log). */
async function audit(db: DB, scope: StudyScope, slug: string, actor: Actor, name: FullExport, rows: number) {
  await recordAudit(db, {
    actorUserId: actor.userId,
    organisationId: scope.organisationId,
    action: "export",
    subject: slug,
    detail: { export: name, via: actor.via, filter: {}, rows },
  });
}

const ANSWER_TYPES = new Set(["yes_no", "single_choice", "multiple_choice", "rating", "scale_0_10", "number", "short_text", "long_text"]);

interface DictionaryItem {
  column: string;
  instrumentId: string;
  version: number;
  itemId: string;
  type: string;
  question: string;
  options: string;
}

function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (value && typeof value === "object") {
    const v = value as Record<string, unknown>;
    if (typeof v.en === "string") return v.en;
    const first = Object.values(v).find((x) => typeof x === "string");
    if (typeof first === "string") return first;
  }
  return "";
}

/** The answer items of the study's questionnaires: one row per column of the wide file. */
export async function dataDictionary(db: DB, scope: StudyScope): Promise<DictionaryItem[]> {
  await requireStudy(db, scope);
  const versions = await db
    .selectFrom("instrument_version as iv")
    .select(["iv.instrument_id", "iv.version", "iv.definition"])
    .where((eb) =>
      eb.or([
        eb("iv.id", "in", eb.selectFrom("study_instrument").select("instrument_version_id").where("study_id", "=", scope.studyId)),
        eb("iv.id", "in", answeredVersionIds(db, scope.studyId)),
      ]),
    )
    .orderBy("iv.instrument_id")
    .orderBy("iv.version")
    .execute();
  const items: DictionaryItem[] = [];
  for (const v of versions) {
    const definition = (typeof v.definition === "string" ? JSON.parse(v.definition) : v.definition) as {
      sections?: { items?: Record<string, unknown>[] }[];
    };
    for (const section of definition.sections ?? []) {
      for (const item of section.items ?? []) {
        const type = String(item.type ?? "");
        if (!ANSWER_TYPES.has(type)) continue;
        const options = Array.isArray(item.options)
          ? (item.options as { value: string; label: unknown }[]).map((o) => `${o.value}=${text(o.label)}`).join("; ")
          : item.scale && typeof item.scale === "object"
            ? Object.entries(((item.scale as { labels?: Record<string, unknown> }).labels ?? {}) as Record<string, unknown>)
                .map(([k, l]) => `${k}=${text(l)}`)
                .join("; ")
            : "";
        items.push({
          column: `${v.instrument_id}.v${v.version}.${String(item.id)}`,
          instrumentId: v.instrument_id,
          version: v.version,
          itemId: String(item.id),
          type,
          question: text(item.text),
          options,
        });
      }
    }
  }
  return items;
}

function cell(value: unknown, redactions: StoredRedaction[] | undefined): unknown {
  if (typeof value === "string") return redactedText(value, redactions);
  if (Array.isArray(value)) return value.join(";");
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return value;
}

async function redactionsForAnswers(db: DB, scope: StudyScope, rows: AnswerRow[]) {
  const keys = rows.filter((r) => typeof r.value === "string").map((r) => `a:${r.responseId}:${r.itemId}`);
  return redactionsFor(db, scope, keys);
}

const LONG_COLUMNS = ["respondent", "instrument", "version", "timepoint", "language", "mode", "month", "item", "value"];
const RESPONSE_COLUMNS = ["respondent", "instrument", "version", "timepoint", "language", "mode", "month"];

/** One row per answer. Returns the number of rows written. */
export async function exportAnswersLong(db: DB, scope: StudyScope, actor: Actor, write: Write): Promise<number> {
  const study = await requireStudy(db, scope);
  await write(toCsv([], { columns: LONG_COLUMNS, bom: true }));
  let rows = 0;
  for await (const batch of answerBatches(db, scope, "analysis")) {
    const redactions = await redactionsForAnswers(db, scope, batch);
    await write(
      toCsv(
        batch.map((r) => [
          participantPseudonym(scope.studyId, r.participantId),
          r.instrumentId,
          r.instrumentVersion,
          r.timepoint,
          r.language,
          r.mode,
          r.startedOn.slice(0, 7),
          r.itemId,
          cell(r.value, redactions.get(`a:${r.responseId}:${r.itemId}`)),
        ]),
        { bom: false },
      ),
    );
    rows += batch.length;
  }
  await audit(db, scope, study.slug, actor, "answers_long", rows);
  return rows;
}

/** One row per response, one column per item (named as in the data dictionary). */
export async function exportAnswersWide(db: DB, scope: StudyScope, actor: Actor, write: Write): Promise<number> {
  const study = await requireStudy(db, scope);
  const dictionary = await dataDictionary(db, scope);
  const columns = [...RESPONSE_COLUMNS, ...dictionary.map((d) => d.column)];
  const index = new Map(dictionary.map((d, i) => [d.column, RESPONSE_COLUMNS.length + i]));
  await write(toCsv([], { columns, bom: true }));
  let current: unknown[] | null = null;
  let currentId = "";
  let rows = 0;
  const flush = async () => {
    if (current) {
      await write(toCsv([current], { bom: false }));
      rows++;
    }
  };
  for await (const batch of answerBatches(db, scope, "analysis")) {
    const redactions = await redactionsForAnswers(db, scope, batch);
    for (const r of batch) {
      if (r.responseId !== currentId) {
        await flush();
        currentId = r.responseId;
        current = new Array(columns.length).fill("");
        current.splice(
          0,
          RESPONSE_COLUMNS.length,
          participantPseudonym(scope.studyId, r.participantId),
          r.instrumentId,
          r.instrumentVersion,
          r.timepoint,
          r.language,
          r.mode,
          r.startedOn.slice(0, 7),
        );
      }
      const at = index.get(`${r.instrumentId}.v${r.instrumentVersion}.${r.itemId}`);
      if (at !== undefined) current![at] = cell(r.value, redactions.get(`a:${r.responseId}:${r.itemId}`));
    }
  }
  await flush();
  await audit(db, scope, study.slug, actor, "answers_wide", rows);
  return rows;
}

export async function exportDataDictionary(db: DB, scope: StudyScope, actor: Actor): Promise<string> {
  const study = await requireStudy(db, scope);
  const items = await dataDictionary(db, scope);
  await audit(db, scope, study.slug, actor, "data_dictionary", items.length);
  return toCsv(
    items.map((d) => ({
      column: d.column,
      instrument: d.instrumentId,
      version: d.version,
      item: d.itemId,
      type: d.type,
      question: d.question,
      options: d.options,
    })),
    { columns: ["column", "instrument", "version", "item", "type", "question", "options"] },
  );
}

/** Every coding with its (redacted) coded text, theme, coder and source; never a code. */
export async function exportCodedSpans(db: DB, scope: StudyScope, actor: Actor): Promise<{ csv: string; rows: number }> {
  const study = await requireStudy(db, scope);
  const themes = new Map((await listThemes(db, scope, { includeMerged: true })).map((t) => [t.id, t.name]));
  // THE GATE: only codings whose unit analysis may read come back, with those units.
  const { codings, units } = await readCodings(db, scope, "analysis");
  const coderIds = [...new Set(codings.map((c) => c.coderId))];
  const coderNames = await namesOf(db, coderIds);
  const redactions = await redactionsFor(db, scope, [...units.keys()]);
  const out = [];
  for (const c of codings) {
    const key = c.unit;
    const unit = units.get(key);
    if (!unit) continue;
    const redacted = redactions.get(key) ?? [];
    const clipped = redacted
      .filter((r) => r.end > c.start && r.start < c.end)
      .map((r) => ({ ...r, start: Math.max(r.start, c.start) - c.start, end: Math.min(r.end, c.end) - c.start }));
    out.push({
      theme: themes.get(c.themeId) ?? "",
      coder: coderNames.get(c.coderId) ?? "",
      source: unit.sessionKind ?? "answer",
      session: unit.sessionLabel ?? "",
      speaker: unit.speakerRole === "participant" ? participantPseudonym(scope.studyId, unit.participantId ?? "") : unit.speakerRole,
      // An interpreter's linked rendering: whose words it renders (the same pseudonym as their own turns).
      renders: unit.renders && unit.ownerId ? participantPseudonym(scope.studyId, unit.ownerId) : unit.renders ? "facilitator" : "",
      item: unit.itemId ?? "",
      language: unit.language,
      start: c.start,
      end: c.end,
      text: redactedText(Array.from(unit.text).slice(c.start, c.end).join(""), clipped),
    });
  }
  await audit(db, scope, study.slug, actor, "coded_spans", out.length);
  return {
    csv: toCsv(out, { columns: ["theme", "coder", "source", "session", "speaker", "renders", "item", "language", "start", "end", "text"] }),
    rows: out.length,
  };
}

export async function exportCodebook(db: DB, scope: StudyScope, actor: Actor): Promise<string> {
  const study = await requireStudy(db, scope);
  const themes = await listThemes(db, scope);
  await audit(db, scope, study.slug, actor, "codebook", themes.length);
  const names = new Map(themes.map((t) => [t.id, t.name]));
  return toCsv(
    themes.map((t) => ({
      theme: t.name,
      parent: t.parentId ? (names.get(t.parentId) ?? "") : "",
      level: t.depth + 1,
      status: t.status,
      definition: t.definition,
      use_when: t.useWhen,
      not_use_when: t.notUseWhen,
      colour: t.colour,
    })),
    { columns: ["theme", "parent", "level", "status", "definition", "use_when", "not_use_when", "colour"] },
  );
}
