/**
 * The consent gate's rule for quote checks (member checking, docs/decisions/078-quote-checks.md).
 *
 * A quote check asks the person quoted about a span of their words before it is published. What their
 * answer means is decided here, once, for every reader of words as quotes — exports, "you said, we
 * did" pages, the feed and the poster all read codings through `readCodings(…, "quote", …)`
 * (codings.server.ts), which applies `applyQuoteChecks` below; no other module restates it:
 *
 * - A coded span that overlaps a span the person said no to is never a quote again, in any study
 *   setting: a "no" removes it everywhere at once, as taking back quote consent does.
 * - Otherwise a span is quoted when a check covering it may be published: the person approved it (as
 *   it was, or with words left out), or they did not answer by the day it was due and the consent
 *   form they agreed to says silence means yes.
 * - When the study checks quotes, a span without such a check is not quoted: it waits for the person.
 *   When it does not, a span nobody asked about is quoted as before; one that was asked about waits
 *   for its answer all the same (the person was told it would).
 *
 * Companions of a quote — a researcher's translation of the whole turn, an interpreter's rendering of
 * it, or the original a rendering renders — carry the whole turn, so they cannot honour words the
 * person asked to leave out or a part they said no to: for such a turn (`narrowedUnits`), a quote is
 * shown without them.
 */
import { sql, type SqlBool } from "kysely";
import type { DB } from "../../db/index";
import type { QuoteCheckSilence, QuoteCheckStatus } from "../../db/tables/quote-checks";
import { parseUnitKey, rowUnitKey, type UnitKey } from "../coding/units";
import { lookUpStudy } from "../studies/lookup.server";
import { parseStudySettings } from "../studies/settings";
import type { StudyScope } from "./scope.server";
import { readTranslations, type GatedUnit } from "./units.server";

/** The redaction kind of words a person asked to leave out of a quote of theirs. */
export const LEFT_OUT_KIND = "left_out";

export interface StoredCheck {
  id: string;
  unit: UnitKey;
  participantId: string;
  start: number;
  end: number;
  status: QuoteCheckStatus;
  silence: QuoteCheckSilence;
  askedOn: string;
  dueOn: string;
}

/** What a check means for publication today. */
export type CheckOutcome = "publish" | "withhold" | "refused" | "waiting";

/** Today as YYYY-MM-DD (UTC), as every participant record is dated. */
export function todayIso(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/**
 * The person may answer up to and including the day it is due; from the day after, silence means what
 * their consent form said (recorded on the check when they were asked).
 */
export function checkOutcome(check: Pick<StoredCheck, "status" | "silence" | "dueOn">, today = todayIso()): CheckOutcome {
  if (check.status === "refused") return "refused";
  if (check.status === "approved" || check.status === "changed") return "publish";
  if (check.status === "awaiting" && check.dueOn >= today) return "waiting";
  return check.silence === "publish" ? "publish" : "withhold";
}

export async function quoteChecksEnabled(db: DB, scope: StudyScope): Promise<boolean> {
  const study = await lookUpStudy(db, { organisationId: scope.organisationId, id: scope.studyId });
  return study ? parseStudySettings(study.settings).quote_check.enabled : false;
}

/** The study's checks on these units, by unit. */
export async function checksOnUnits(db: DB, scope: StudyScope, units: readonly UnitKey[]): Promise<Map<UnitKey, StoredCheck[]>> {
  const out = new Map<UnitKey, StoredCheck[]>();
  const refs = [...new Set(units)].map(parseUnitKey).filter((r) => r !== null);
  const segmentIds = refs.flatMap((r) => (r.kind === "segment" ? [r.segmentId] : []));
  const responseIds = [...new Set(refs.flatMap((r) => (r.kind === "answer" ? [r.responseId] : [])))];
  const base = () =>
    db
      .selectFrom("quote_check")
      .select([
        "id",
        "participant_id",
        "segment_id",
        "response_id",
        "item_id",
        "start_cp",
        "end_cp",
        "status",
        "silence",
        "asked_on",
        "due_on",
      ])
      .where("study_id", "=", scope.studyId);
  const rows = [];
  for (let i = 0; i < segmentIds.length; i += 5000)
    rows.push(
      ...(await base()
        .where("segment_id", "in", segmentIds.slice(i, i + 5000))
        .execute()),
    );
  for (let i = 0; i < responseIds.length; i += 5000)
    rows.push(
      ...(await base()
        .where("response_id", "in", responseIds.slice(i, i + 5000))
        .execute()),
    );
  const wanted = new Set(units);
  for (const r of rows) {
    const unit = rowUnitKey(r);
    if (!wanted.has(unit)) continue;
    out.set(unit, [
      ...(out.get(unit) ?? []),
      {
        id: r.id,
        unit,
        participantId: r.participant_id,
        start: r.start_cp,
        end: r.end_cp,
        status: r.status,
        silence: r.silence,
        askedOn: r.asked_on,
        dueOn: r.due_on,
      },
    ]);
  }
  return out;
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;
const covers = (check: { start: number; end: number }, span: { start: number; end: number }) =>
  check.start <= span.start && span.end <= check.end;

/**
 * How a span of a unit stands against the unit's checks, today: refused (it overlaps a "no"), publish
 * (a covering check may be published), waiting or withhold (the covering check's state), or unchecked.
 */
export function spanState(
  checks: readonly StoredCheck[],
  span: { start: number; end: number },
  today = todayIso(),
): { state: CheckOutcome | "unchecked"; dueOn: string | null } {
  if (checks.some((k) => k.status === "refused" && overlaps(k, span))) return { state: "refused", dueOn: null };
  const covering = checks.filter((k) => covers(k, span));
  const publishable = covering.find((k) => checkOutcome(k, today) === "publish");
  if (publishable) return { state: "publish", dueOn: publishable.dueOn };
  const waiting = covering.find((k) => checkOutcome(k, today) === "waiting");
  if (waiting) return { state: "waiting", dueOn: waiting.dueOn };
  if (covering.length > 0) return { state: "withhold", dueOn: covering[0]!.dueOn };
  return { state: "unchecked", dueOn: null };
}

/**
 * THE RULE, applied to codings the gate has already read for quotes. `publish` (every reader of words
 * as quotes) keeps what may be published today; `choose` (a researcher choosing quotes, and asking
 * people about them) keeps everything but what overlaps a "no".
 */
export async function applyQuoteChecks<T extends { unit: UnitKey; start: number; end: number }>(
  db: DB,
  scope: StudyScope,
  codings: readonly T[],
  mode: "publish" | "choose",
): Promise<T[]> {
  if (codings.length === 0) return [];
  const checks = await checksOnUnits(
    db,
    scope,
    codings.map((c) => c.unit),
  );
  const enabled = mode === "publish" && (await quoteChecksEnabled(db, scope));
  const today = todayIso();
  return codings.filter((c) => {
    const { state } = spanState(checks.get(c.unit) ?? [], c, today);
    if (state === "refused") return false;
    if (mode === "choose" || state === "publish") return true;
    return !enabled && state === "unchecked";
  });
}

/**
 * Each coding's state against its unit's checks, for the workspace (how many are waiting, which the
 * person said no to): pass codings already read through the gate. No words.
 */
export async function quoteCheckStates<T extends { id: string; unit: UnitKey; start: number; end: number }>(
  db: DB,
  scope: StudyScope,
  codings: readonly T[],
): Promise<Map<string, { state: CheckOutcome | "unchecked"; dueOn: string | null }>> {
  const checks = await checksOnUnits(
    db,
    scope,
    codings.map((c) => c.unit),
  );
  const today = todayIso();
  return new Map(codings.map((c) => [c.id, spanState(checks.get(c.unit) ?? [], c, today)]));
}

/**
 * Of these units, those a person has narrowed: a part of it they said no to, or words they asked to
 * leave out. A quote of such a unit is shown without its companions (translation, rendering, original).
 */
export async function narrowedUnits(db: DB, scope: StudyScope, units: readonly UnitKey[]): Promise<Set<UnitKey>> {
  const out = new Set<UnitKey>();
  if (units.length === 0) return out;
  for (const [unit, checks] of await checksOnUnits(db, scope, units)) if (checks.some((k) => k.status === "refused")) out.add(unit);
  const refs = [...new Set(units)].map(parseUnitKey).filter((r) => r !== null);
  const segmentIds = refs.flatMap((r) => (r.kind === "segment" ? [r.segmentId] : []));
  const responseIds = [...new Set(refs.flatMap((r) => (r.kind === "answer" ? [r.responseId] : [])))];
  const wanted = new Set(units);
  const leftOut = () =>
    db
      .selectFrom("redaction")
      .select(["segment_id", "response_id", "item_id"])
      .where("study_id", "=", scope.studyId)
      .where("kind", "=", LEFT_OUT_KIND)
      .where("status", "<>", "dismissed");
  const rows = [
    ...(segmentIds.length ? await leftOut().where("segment_id", "in", segmentIds).execute() : []),
    ...(responseIds.length ? await leftOut().where("response_id", "in", responseIds).execute() : []),
  ];
  for (const r of rows) if (wanted.has(rowUnitKey(r))) out.add(rowUnitKey(r));
  return out;
}

/**
 * Records silence: every check of the study past its day without an answer becomes "lapsed", with
 * what that means for the person (their consent form's rule) in the audit log, in one statement, so
 * two requests never record the same silence twice. The rule above does not wait for this: a check
 * past its day is read as lapsed whether or not it has been recorded yet.
 */
export async function recordSilence(db: DB, scope: StudyScope, today = todayIso()): Promise<number> {
  const result = await sql<{ n: number }>`
    with lapsed as (
      update quote_check set status = 'lapsed', answered_via = 'silence', answered_on = ${today}::date
      where study_id = ${scope.studyId} and status = 'awaiting' and due_on < ${today}::date
      returning id, silence, due_on
    ), logged as (
      insert into audit_event (actor_user_id, organisation_id, action, subject, detail)
      select null, ${scope.organisationId}::uuid, 'quote_check', s.slug,
        jsonb_build_object('change', 'lapsed', 'check', l.id, 'silence', l.silence, 'dueOn', l.due_on::text,
          'outcome', case when l.silence = 'publish' then 'published' else 'not_published' end)
      from lapsed l join study s on s.id = ${scope.studyId}
      returning 1
    )
    select count(*)::int as n from logged`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

/** Translations of units read for quotes, except of narrowed units (their translation holds the whole turn). */
export async function quoteTranslations(db: DB, scope: StudyScope, units: readonly GatedUnit[]) {
  const narrowed = await narrowedUnits(
    db,
    scope,
    units.map((u) => u.key),
  );
  return readTranslations(
    db,
    units.filter((u) => !narrowed.has(u.key)),
  );
}

/**
 * Of these codings of the study, those that overlap a span the person quoted said no to: ids only,
 * for the editor to say why a linked quote is no longer shown.
 */
export async function refusedCodingIds(db: DB, scope: StudyScope, codingIds: readonly string[]): Promise<Set<string>> {
  if (codingIds.length === 0) return new Set();
  const rows = await db
    .selectFrom("coding as c")
    .innerJoin("quote_check as k", (join) =>
      join
        .on("k.study_id", "=", scope.studyId)
        .on("k.status", "=", "refused")
        .on(sql<SqlBool>`(k.segment_id = c.segment_id or (k.response_id = c.response_id and k.item_id = c.item_id))`)
        .on(sql<SqlBool>`k.start_cp < c.end_cp and c.start_cp < k.end_cp`),
    )
    .select("c.id")
    .where("c.study_id", "=", scope.studyId)
    .where("c.id", "in", [...codingIds])
    .execute();
  return new Set(rows.map((r) => r.id));
}
