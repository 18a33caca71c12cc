/**
 * The redaction workflow around app/coding/redaction.ts: suggestions are stored per unit, and a
 * researcher confirms, extends (changes the span) or dismisses each, or adds one the check missed.
 *
 * What exports show (docs/decisions/033-redaction-in-exports.md): every redaction that is not
 * DISMISSED is applied — an undecided suggestion is applied too, so a quote exported before anyone
 * has reviewed it errs on the side of hiding. Translations have no stored decisions: the checker
 * runs over them at export time and every candidate is applied.
 */
import type { DB } from "../../db/index";
import type { RedactionStatus } from "../../db/tables/coding";
import { parseUnitKey, rowUnitKey, type UnitKey } from "./units";
import { readUnits, type GatedUnit } from "../consent/units.server";
import { requireStudy, type StudyScope } from "../consent/scope.server";
import { redactionNames } from "./codings.server";
import { applyRedactions, findRedactionCandidates } from "./redaction";
import { scriptsOfLanguages, type NameScript } from "./name-scripts";
import { checkSpan } from "./spans";
import { LEFT_OUT_KIND } from "../consent/quote-checks.server";

export class RedactionError extends Error {
  constructor(
    readonly reason: "not_found" | "unit_not_found" | "span" | "left_out",
    message: string,
  ) {
    super(message);
    this.name = "RedactionError";
  }
}

export interface StoredRedaction {
  id: string;
  unit: UnitKey;
  start: number;
  end: number;
  kind: string;
  status: RedactionStatus;
}

function unitColumns(key: UnitKey) {
  const ref = parseUnitKey(key);
  if (!ref) throw new RedactionError("unit_not_found", "Not a unit");
  return ref.kind === "segment"
    ? { segment_id: ref.segmentId, response_id: null, item_id: null }
    : { segment_id: null, response_id: ref.responseId, item_id: ref.itemId };
}

/** Stored redactions on these units (all statuses), by unit. */
export async function redactionsFor(db: DB, scope: StudyScope, units: readonly UnitKey[]): Promise<Map<UnitKey, StoredRedaction[]>> {
  const out = new Map<UnitKey, StoredRedaction[]>();
  if (units.length === 0) return out;
  const refs = units.map(parseUnitKey).filter((r) => r !== null);
  const segmentIds = refs.flatMap((r) => (r.kind === "segment" ? [r.segmentId] : []));
  const responseIds = [...new Set(refs.flatMap((r) => (r.kind === "answer" ? [r.responseId] : [])))];
  const wanted = new Set(units);
  const rows = [];
  for (let i = 0; i < segmentIds.length; i += 5000) {
    rows.push(
      ...(await db
        .selectFrom("redaction")
        .selectAll()
        .where("study_id", "=", scope.studyId)
        .where("segment_id", "in", segmentIds.slice(i, i + 5000))
        .execute()),
    );
  }
  if (responseIds.length) {
    rows.push(
      ...(await db
        .selectFrom("redaction")
        .selectAll()
        .where("study_id", "=", scope.studyId)
        .where("response_id", "in", responseIds)
        .execute()),
    );
  }
  for (const r of rows) {
    const unit = rowUnitKey(r);
    if (!wanted.has(unit)) continue;
    const list = out.get(unit) ?? [];
    list.push({ id: r.id, unit, start: r.start_cp, end: r.end_cp, kind: r.kind, status: r.status });
    out.set(unit, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.start - b.start || a.end - b.end);
  return out;
}

/** The scripts the study's languages are written in: each listed name is matched in all of them. */
export async function studyScripts(db: DB, studyId: string): Promise<NameScript[]> {
  const row = await db.selectFrom("study").select("languages").where("id", "=", studyId).executeTakeFirst();
  return scriptsOfLanguages(row?.languages ?? []);
}

/**
 * Runs the check over the study's units (or the given ones) and stores new suggestions. A span
 * already stored for the unit (in any status, so a dismissal sticks) is not suggested again.
 */
export async function suggestRedactions(
  db: DB,
  scope: StudyScope,
  filter: { units?: readonly UnitKey[]; sessionId?: string } = {},
): Promise<number> {
  await requireStudy(db, scope);
  const names = await redactionNames(db, scope.studyId);
  const scripts = await studyScripts(db, scope.studyId);
  const units = await readUnits(db, scope, "analysis", { keys: filter.units, sessionId: filter.sessionId });
  const existing = await redactionsFor(db, scope, [...units.keys()]);
  const rows = [];
  for (const unit of units.values()) {
    const known = new Set((existing.get(unit.key) ?? []).map((r) => `${r.start}-${r.end}`));
    for (const c of findRedactionCandidates(unit.text, { names, scripts })) {
      if (known.has(`${c.start}-${c.end}`)) continue;
      rows.push({
        study_id: scope.studyId,
        ...unitColumns(unit.key),
        start_cp: c.start,
        end_cp: c.end,
        kind: c.kind,
        status: "suggested" as const,
        decided_by: null,
        decided_at: null,
      });
    }
  }
  for (let i = 0; i < rows.length; i += 1000)
    await db
      .insertInto("redaction")
      .values(rows.slice(i, i + 1000))
      .execute();
  return rows.length;
}

async function requireRedaction(db: DB, scope: StudyScope, id: string) {
  await requireStudy(db, scope);
  const row = await db.selectFrom("redaction").selectAll().where("id", "=", id).where("study_id", "=", scope.studyId).executeTakeFirst();
  if (!row) throw new RedactionError("not_found", "No such redaction");
  return row;
}

export async function decideRedaction(
  db: DB,
  scope: StudyScope,
  actorUserId: string,
  id: string,
  decision: "confirmed" | "dismissed",
): Promise<void> {
  const row = await requireRedaction(db, scope, id);
  // Words the person quoted asked to leave out are accepted, never dismissed (docs/decisions/078-quote-checks.md).
  if (decision === "dismissed" && row.kind === LEFT_OUT_KIND) throw new RedactionError("left_out", "The person quoted asked for this");
  await db
    .updateTable("redaction")
    .set({ status: decision, decided_by: actorUserId, decided_at: new Date() })
    .where("id", "=", id)
    .execute();
}

async function unitText(db: DB, scope: StudyScope, unit: UnitKey): Promise<GatedUnit> {
  const found = (await readUnits(db, scope, "analysis", { keys: [unit] })).get(unit);
  if (!found) throw new RedactionError("unit_not_found", "That text is not available");
  return found;
}

/** Changes a redaction's span (e.g. to cover a surname after a flagged first name) and confirms it. */
export async function extendRedaction(
  db: DB,
  scope: StudyScope,
  actorUserId: string,
  id: string,
  span: { start: number; end: number },
): Promise<void> {
  const row = await requireRedaction(db, scope, id);
  const unit = await unitText(db, scope, rowUnitKey(row));
  if (checkSpan(unit.text, span)) throw new RedactionError("span", "That span is not within the text");
  // A span the person asked to leave out may grow, never shrink.
  if (row.kind === LEFT_OUT_KIND && (span.start > row.start_cp || span.end < row.end_cp))
    throw new RedactionError("left_out", "The person quoted asked for all of this to be left out");
  await db
    .updateTable("redaction")
    .set({ start_cp: span.start, end_cp: span.end, status: "confirmed", decided_by: actorUserId, decided_at: new Date() })
    .where("id", "=", id)
    .execute();
}

/** A redaction the check did not suggest. */
export async function addRedaction(
  db: DB,
  scope: StudyScope,
  actorUserId: string,
  unitKey: UnitKey,
  span: { start: number; end: number },
  kind = "other",
): Promise<string> {
  const unit = await unitText(db, scope, unitKey);
  if (checkSpan(unit.text, span)) throw new RedactionError("span", "That span is not within the text");
  const row = await db
    .insertInto("redaction")
    .values({
      study_id: scope.studyId,
      ...unitColumns(unitKey),
      start_cp: span.start,
      end_cp: span.end,
      kind: kind.slice(0, 40),
      status: "added",
      decided_by: actorUserId,
      decided_at: new Date(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The text every export shows: all redactions applied except dismissed ones. */
export function redactedText(text: string, redactions: readonly StoredRedaction[] | undefined): string {
  const applied = (redactions ?? []).filter((r) => r.status !== "dismissed");
  return applyRedactions(text, applied);
}

/** A translation as exports show it: every candidate the check finds is applied. */
export function redactedTranslation(text: string, names: readonly string[], scripts: readonly NameScript[] = []): string {
  return applyRedactions(text, findRedactionCandidates(text, { names: [...names], scripts }));
}

/** Redacted texts for units already read through the gate. */
export async function redactedTexts(db: DB, scope: StudyScope, units: readonly GatedUnit[]): Promise<Map<UnitKey, string>> {
  const stored = await redactionsFor(
    db,
    scope,
    units.map((u) => u.key),
  );
  return new Map(units.map((u) => [u.key, redactedText(u.text, stored.get(u.key))]));
}
