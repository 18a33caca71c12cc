/**
 * The consent gate for codings: where coders applied themes (a unit, a span, a theme, a coder), for
 * theme views, agreement, quotes, exports and report back (docs/decisions/011-consent-gate.md,
 * 031-coding-consent-gate.md).
 *
 * A coding holds no words, but it points into a participant's words, so it is read here like the
 * words themselves: a coding comes back only with its unit, and only when the gate returns that unit
 * for the purpose (units.server.ts `readUnits`, which applies tenant, consent, withdrawal and quote
 * consent). No consent rule is restated here. The few look-ups below that return ids or counts only
 * say so, and say which gated read their caller then makes.
 */
import { personName } from "../organisations/names.server";
import type { DB } from "../../db/index";
import { analysableParticipants } from "./gate.server";
import { readUnits, type GatedUnit } from "./units.server";
import { applyQuoteChecks } from "./quote-checks.server";
import { requireStudy, type GatePurpose, type StudyScope } from "./scope.server";
import { parseUnitKey, rowUnitKey, type UnitKey } from "../coding/units";

/** One coding: a coder's theme on [start, end) of a unit (code points), never the words. */
export interface GatedCoding {
  id: string;
  unit: UnitKey;
  themeId: string;
  coderId: string;
  start: number;
  end: number;
  createdAt: Date;
}

export interface CodingFilter {
  themeIds?: readonly string[];
  coderIds?: readonly string[];
  codingIds?: readonly string[];
  /** Leave out a coding whose theme the agreed decision for its unit says is not applied. */
  withoutRejected?: boolean;
}

/** The one coding query: the study's codings matching the filter, in the order the database gives. */
async function studyCodings(db: DB, scope: StudyScope, filter: CodingFilter): Promise<GatedCoding[]> {
  if (filter.themeIds?.length === 0 || filter.codingIds?.length === 0) return [];
  let q = db
    .selectFrom("coding")
    .select(["id", "segment_id", "response_id", "item_id", "theme_id", "coder_id", "start_cp", "end_cp", "created_at"])
    .where("study_id", "=", scope.studyId);
  if (filter.themeIds) q = q.where("theme_id", "in", [...filter.themeIds]);
  if (filter.coderIds?.length) q = q.where("coder_id", "in", [...filter.coderIds]);
  if (filter.codingIds) q = q.where("id", "in", [...filter.codingIds]);
  const rows = (await q.execute()).map((r) => ({
    id: r.id,
    unit: rowUnitKey(r),
    themeId: r.theme_id,
    coderId: r.coder_id,
    start: r.start_cp,
    end: r.end_cp,
    createdAt: r.created_at,
  }));
  if (!filter.withoutRejected) return rows;
  const rejected = new Set(
    (
      await db
        .selectFrom("resolved_coding")
        .select(["segment_id", "response_id", "item_id", "theme_id"])
        .where("study_id", "=", scope.studyId)
        .where("applied", "=", false)
        .execute()
    ).map((r) => `${rowUnitKey(r)}|${r.theme_id}`),
  );
  return rows.filter((c) => !rejected.has(`${c.unit}|${c.themeId}`));
}

/**
 * The study's codings (matching the filter) whose unit the purpose may read, with those units by
 * key: a coding whose unit the gate does not return is left out. For quotes, a coded span must also
 * pass its quote checks (quote-checks.server.ts): `publish`, the default, is what may be published
 * today; `choose` is for researchers choosing quotes and asking people about them, and leaves out
 * only what the person said no to.
 */
export async function readCodings(
  db: DB,
  scope: StudyScope,
  purpose: GatePurpose,
  filter: CodingFilter & { quoteChecks?: "publish" | "choose" } = {},
): Promise<{ codings: GatedCoding[]; units: Map<UnitKey, GatedUnit> }> {
  const all = await studyCodings(db, scope, filter);
  if (all.length === 0) return { codings: [], units: new Map() };
  const units = await readUnits(db, scope, purpose, { keys: [...new Set(all.map((c) => c.unit))] });
  const readable = all.filter((c) => units.has(c.unit));
  if (purpose !== "quote") return { codings: readable, units };
  const codings = await applyQuoteChecks(db, scope, readable, filter.quoteChecks ?? "publish");
  const kept = new Set(codings.map((c) => c.unit));
  return { codings, units: new Map([...units].filter(([key]) => kept.has(key))) };
}

/**
 * The codings (matching the filter) on units the caller has already read through this gate (pass
 * those units, or their keys as the gate returned them): codings on any other unit are left out.
 */
export async function codingsOnUnits(
  db: DB,
  scope: StudyScope,
  units: Iterable<UnitKey>,
  filter: CodingFilter = {},
): Promise<GatedCoding[]> {
  const wanted = new Set(units);
  if (wanted.size === 0 || filter.coderIds?.length === 0) return [];
  return (await studyCodings(db, scope, filter)).filter((c) => wanted.has(c.unit));
}

/**
 * The free-text questions (instrument and item) whose answers, of participants analysis may read, at
 * least two coders have coded, with how many coders: codings and response metadata only, no answer.
 */
export async function codedQuestions(db: DB, scope: StudyScope): Promise<{ instrumentId: string; itemId: string; coders: number }[]> {
  await requireStudy(db, scope);
  const rows = await db
    .selectFrom("coding")
    .innerJoin("response as r", "r.id", "coding.response_id")
    .innerJoin("instrument_version as iv", "iv.id", "r.instrument_version_id")
    .select(["iv.instrument_id", "coding.item_id"])
    .select((eb) => eb.fn.count<number>("coding.coder_id").distinct().as("coders"))
    .where("coding.study_id", "=", scope.studyId)
    .where("r.study_id", "=", scope.studyId)
    .where("r.participant_id", "in", analysableParticipants(db, scope))
    .groupBy(["iv.instrument_id", "coding.item_id"])
    .having((eb) => eb.fn.count("coding.coder_id").distinct(), ">=", 2)
    .orderBy("iv.instrument_id")
    .orderBy("coding.item_id")
    .execute();
  return rows.map((r) => ({ instrumentId: r.instrument_id, itemId: r.item_id ?? "", coders: Number(r.coders) }));
}

/**
 * Ids of the study's codings of these themes: ids only, everyone's, for a caller that then reads
 * what the gate permits (app/report-back/editor.server.ts, through `consentedQuotesByCoding`).
 */
export async function codingIdsOfThemes(db: DB, scope: StudyScope, themeIds: readonly string[]): Promise<string[]> {
  if (themeIds.length === 0) return [];
  const rows = await db
    .selectFrom("coding")
    .select("id")
    .where("study_id", "=", scope.studyId)
    .where("theme_id", "in", [...themeIds])
    .execute();
  return rows.map((c) => c.id);
}

/*
 * The write paths' own look-ups (linking a quote, merging themes, applying, removing and annotating
 * a coding, the coding screen): they return ids, coders, themes, spans and counts, never words, and
 * decide nothing about consent; a path that shows or keeps words reads them through the gate. They
 * are here so that this folder stays the only code that names the content tables for reading.
 */

/**
 * The themes this coder applied most recently in the study, newest first (theme ids only: the coding
 * page's quick bar of recent themes, app/coding/quick-themes.ts).
 */
export async function recentThemeIds(db: DB, scope: StudyScope, coderId: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom("coding")
    .select("theme_id")
    .select((eb) => eb.fn.max("created_at").as("last"))
    .where("study_id", "=", scope.studyId)
    .where("coder_id", "=", coderId)
    .groupBy("theme_id")
    .orderBy("last", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => r.theme_id);
}

/**
 * The coding, if it is the study's and coded with one of the report entry's themes (its id and
 * theme; for linking it as a quote, which then asks the gate whether it may be shown).
 */
export async function codingOnEntryTheme(db: DB, studyId: string, entryId: string, codingId: string) {
  return db
    .selectFrom("coding")
    .innerJoin("report_entry_theme", (j) =>
      j.onRef("report_entry_theme.theme_id", "=", "coding.theme_id").on("report_entry_theme.entry_id", "=", entryId),
    )
    .select(["coding.id", "coding.theme_id"])
    .where("coding.id", "=", codingId)
    .where("coding.study_id", "=", studyId)
    .executeTakeFirst();
}

/**
 * Ids of the theme's codings that repeat an earlier coding of it (same coder, unit and span): what a
 * merge of two themes leaves twice. Pass the merge's transaction.
 */
export async function repeatedCodingIds(db: DB, themeId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("coding as c")
    .select("c.id")
    .where("c.theme_id", "=", themeId)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom("coding as d")
          .select("d.id")
          .whereRef("d.theme_id", "=", "c.theme_id")
          .whereRef("d.coder_id", "=", "c.coder_id")
          .whereRef("d.start_cp", "=", "c.start_cp")
          .whereRef("d.end_cp", "=", "c.end_cp")
          .where((eb) =>
            eb.or([
              eb.and([eb("d.segment_id", "is not", null), eb("d.segment_id", "=", eb.ref("c.segment_id"))]),
              eb.and([
                eb("d.response_id", "is not", null),
                eb("d.response_id", "=", eb.ref("c.response_id")),
                eb("d.item_id", "=", eb.ref("c.item_id")),
              ]),
            ]),
          )
          .whereRef("d.id", "<", "c.id"),
      ),
    )
    .execute();
  return rows.map((r) => r.id);
}

/** The coder's coding of this theme on exactly this span of the unit, if they already made it. */
export async function sameCoding(db: DB, input: { unit: UnitKey; themeId: string; coderId: string; start: number; end: number }) {
  const ref = parseUnitKey(input.unit);
  if (!ref) return undefined;
  let q = db
    .selectFrom("coding")
    .select("id")
    .where("theme_id", "=", input.themeId)
    .where("coder_id", "=", input.coderId)
    .where("start_cp", "=", input.start)
    .where("end_cp", "=", input.end);
  q =
    ref.kind === "segment"
      ? q.where("segment_id", "=", ref.segmentId)
      : q.where("response_id", "=", ref.responseId).where("item_id", "=", ref.itemId);
  return q.executeTakeFirst();
}

/** The study's coding by id, with its coder (for removing or annotating it). */
export async function codingOfStudy(db: DB, scope: StudyScope, codingId: string) {
  return db
    .selectFrom("coding")
    .select(["id", "coder_id"])
    .where("id", "=", codingId)
    .where("study_id", "=", scope.studyId)
    .executeTakeFirst();
}

/**
 * The codings on these units (keys the coding screen read through the gate), by span order; only
 * `coderId`'s when given (a blind study before the viewer has finished).
 */
export async function codingsOnScreen(
  db: DB,
  scope: StudyScope,
  units: readonly UnitKey[],
  coderId?: string,
): Promise<Omit<GatedCoding, "createdAt">[]> {
  const refs = units.map(parseUnitKey).filter((r) => r !== null);
  const segmentIds = refs.flatMap((r) => (r.kind === "segment" ? [r.segmentId] : []));
  const answers = refs.flatMap((r) => (r.kind === "answer" ? [r] : []));
  let q = db
    .selectFrom("coding")
    .select(["id", "segment_id", "response_id", "item_id", "theme_id", "coder_id", "start_cp", "end_cp"])
    .where("study_id", "=", scope.studyId)
    .where((eb) =>
      eb.or([
        ...(segmentIds.length ? [eb("segment_id", "in", segmentIds)] : []),
        ...answers.map((a) => eb.and([eb("response_id", "=", a.responseId), eb("item_id", "=", a.itemId)])),
      ]),
    );
  if (coderId !== undefined) q = q.where("coder_id", "=", coderId);
  const rows = await q.orderBy("start_cp").orderBy("end_cp").execute();
  return rows.map((r) => ({ id: r.id, unit: rowUnitKey(r), themeId: r.theme_id, coderId: r.coder_id, start: r.start_cp, end: r.end_cp }));
}

/** The study's coders (anyone who has coded), with their names, finished state and how many codings. */
export async function codersOfStudy(db: DB, scope: StudyScope) {
  const rows = await db
    .selectFrom("coding")
    .innerJoin("app_user", "app_user.id", "coding.coder_id")
    .leftJoin("coder_status", (j) =>
      j.onRef("coder_status.coder_id", "=", "coding.coder_id").on("coder_status.study_id", "=", scope.studyId),
    )
    .select(["coding.coder_id", "app_user.display_name", "app_user.email", "coder_status.finished_at"])
    .select((eb) => eb.fn.countAll<number>().as("codings"))
    .where("coding.study_id", "=", scope.studyId)
    .groupBy(["coding.coder_id", "app_user.display_name", "app_user.email", "coder_status.finished_at"])
    .execute();
  // A coder is named by their display name, or by their e-mail address when they have not set one.
  return rows
    .map((r) => ({
      coderId: r.coder_id,
      name: personName(r),
      email: r.email,
      finished: !!r.finished_at,
      finishedAt: r.finished_at ? new Date(r.finished_at) : null,
      codings: Number(r.codings),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
