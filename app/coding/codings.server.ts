/**
 * Applying themes to spans, each coder's codings kept as theirs, blind double coding, and memos.
 * Spans are [start, end) in Unicode code points of the stored text (app/coding/spans.ts). The text
 * is read through the consent gate, so a unit whose participant has gone cannot be coded. This module
 * only writes codings: its look-ups of existing codings are in app/consent/codings.server.ts.
 */
import { sql } from "kysely";
import type { DB } from "../../db/index";
import { readUnit } from "../consent/units.server";
import { requireStudy, type StudyScope } from "../consent/scope.server";
import { parseUnitKey, type UnitKey } from "./units";
import { codersOfStudy, codingOfStudy, codingsOnScreen, sameCoding } from "../consent/codings.server";
import { recordAudit } from "../audit/log.server";
import { requireTheme } from "./codebook.server";
import { isUuid } from "../security/ids";
import { checkSpan, type SpanProblem } from "./spans";

export class CodingError extends Error {
  constructor(
    readonly reason: "unit_not_found" | "theme_not_usable" | SpanProblem | "not_found" | "not_yours" | "empty_memo",
    message: string,
  ) {
    super(message);
    this.name = "CodingError";
  }
}

export interface CodingRow {
  id: string;
  unit: UnitKey;
  themeId: string;
  coderId: string;
  start: number;
  end: number;
}

function unitColumns(key: UnitKey) {
  const ref = parseUnitKey(key);
  if (!ref) throw new CodingError("unit_not_found", "Not a unit");
  return ref.kind === "segment"
    ? { segment_id: ref.segmentId, response_id: null, item_id: null }
    : { segment_id: null, response_id: ref.responseId, item_id: ref.itemId };
}

/**
 * One coder applies one theme to [start, end) of a unit. Applying the same theme to the same span
 * twice is a no-op (returns the existing coding). A proposed theme may be used by its proposer.
 */
export async function applyTheme(
  db: DB,
  scope: StudyScope,
  coderId: string,
  input: { unit: UnitKey; themeId: string; start: number; end: number },
): Promise<string> {
  const unit = await readUnit(db, scope, "analysis", input.unit);
  if (!unit) throw new CodingError("unit_not_found", "That text is not in this study, or is no longer available");
  const theme = await requireTheme(db, scope, input.themeId);
  if (theme.status === "merged" || (theme.status === "proposed" && theme.proposedBy !== coderId)) {
    throw new CodingError("theme_not_usable", "That theme cannot be applied");
  }
  const problem = checkSpan(unit.text, input);
  if (problem) throw new CodingError(problem, `The span ${input.start}–${input.end} is not within the text`);
  const cols = unitColumns(unit.key);
  const found = await sameCoding(db, { unit: unit.key, themeId: input.themeId, coderId, start: input.start, end: input.end });
  if (found) return found.id;
  const row = await db
    .insertInto("coding")
    .values({ study_id: scope.studyId, theme_id: input.themeId, coder_id: coderId, start_cp: input.start, end_cp: input.end, ...cols })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A coder removes one of their own codings (never another coder's). */
export async function removeCoding(db: DB, scope: StudyScope, coderId: string, codingId: string): Promise<void> {
  await requireStudy(db, scope);
  if (!isUuid(codingId)) throw new CodingError("not_found", "No such coding");
  const row = await codingOfStudy(db, scope, codingId);
  if (!row) throw new CodingError("not_found", "No such coding");
  if (row.coder_id !== coderId) throw new CodingError("not_yours", "Only the coder can remove their coding");
  await db.deleteFrom("coding").where("id", "=", codingId).execute();
}

export async function isBlind(db: DB, studyId: string): Promise<boolean> {
  const row = await db.selectFrom("study_coding").select("blind").where("study_id", "=", studyId).executeTakeFirst();
  return row?.blind ?? false;
}

/** Blind double coding on or off for the study; audited, since it decides who sees whose coding. */
export async function setBlind(db: DB, scope: StudyScope, actorUserId: string | null, blind: boolean): Promise<void> {
  const study = await requireStudy(db, scope);
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("study_coding")
      .values({ study_id: scope.studyId, blind })
      .onConflict((oc) => oc.column("study_id").doUpdateSet({ blind }))
      .execute();
    await recordAudit(trx, {
      actorUserId,
      organisationId: scope.organisationId,
      action: "coding_settings_changed",
      subject: study.slug,
      detail: { blind },
    });
  });
}

export async function setRedactionNames(db: DB, scope: StudyScope, names: readonly string[]): Promise<void> {
  await requireStudy(db, scope);
  const clean = [...new Set(names.map((n) => n.normalize("NFC").trim()).filter((n) => n.length > 1))];
  await db
    .insertInto("study_coding")
    .values({ study_id: scope.studyId, redaction_names: clean })
    .onConflict((oc) => oc.column("study_id").doUpdateSet({ redaction_names: clean }))
    .execute();
}

export async function redactionNames(db: DB, studyId: string): Promise<string[]> {
  const row = await db.selectFrom("study_coding").select("redaction_names").where("study_id", "=", studyId).executeTakeFirst();
  return row?.redaction_names ?? [];
}

export async function isFinished(db: DB, studyId: string, coderId: string): Promise<boolean> {
  const row = await db
    .selectFrom("coder_status")
    .select("finished_at")
    .where("study_id", "=", studyId)
    .where("coder_id", "=", coderId)
    .executeTakeFirst();
  return !!row?.finished_at;
}

/** A coder says they have finished (or reopens): in a blind study, finishing reveals others' codings. */
export async function setFinished(db: DB, scope: StudyScope, coderId: string, finished: boolean): Promise<void> {
  await requireStudy(db, scope);
  // The database's clock, as for the units' arrival times it is compared with (ADR 070).
  const finished_at = finished ? sql<Date>`now()` : null;
  await db
    .insertInto("coder_status")
    .values({ study_id: scope.studyId, coder_id: coderId, finished_at })
    .onConflict((oc) => oc.columns(["study_id", "coder_id"]).doUpdateSet({ finished_at }))
    .execute();
}

/**
 * The codings a viewer may see on these units: their own always; other coders' only when the study
 * is not blind, or the viewer has finished. (Agreement and theme views are for after coding.)
 */
export async function codingsForUnits(db: DB, scope: StudyScope, viewerId: string, units: readonly UnitKey[]): Promise<CodingRow[]> {
  await requireStudy(db, scope);
  if (units.length === 0) return [];
  const showOthers = !(await isBlind(db, scope.studyId)) || (await isFinished(db, scope.studyId, viewerId));
  return codingsOnScreen(db, scope, units, showOthers ? undefined : viewerId);
}

/** The coders of a study: anyone who has coded, with their finished state. */
export async function listCoders(db: DB, scope: StudyScope) {
  await requireStudy(db, scope);
  return codersOfStudy(db, scope);
}

// A memo says who wrote it: their display name, or their e-mail address if they have not set one.
const memoAuthor = sql<string | null>`coalesce(nullif(app_user.display_name, ''), app_user.email)`;

export type MemoTarget = { on: "study" } | { on: "theme"; themeId: string } | { on: "coding"; codingId: string };

export async function addMemo(db: DB, scope: StudyScope, authorId: string, target: MemoTarget, text: string): Promise<string> {
  await requireStudy(db, scope);
  const clean = text.normalize("NFC").trim();
  if (!clean) throw new CodingError("empty_memo", "A memo needs some text");
  if (target.on === "theme") await requireTheme(db, scope, target.themeId);
  if (target.on === "coding") {
    if (!isUuid(target.codingId)) throw new CodingError("not_found", "No such coding");
    const c = await codingOfStudy(db, scope, target.codingId);
    if (!c) throw new CodingError("not_found", "No such coding");
  }
  const row = await db
    .insertInto("memo")
    .values({
      study_id: scope.studyId,
      theme_id: target.on === "theme" ? target.themeId : null,
      coding_id: target.on === "coding" ? target.codingId : null,
      author_id: authorId,
      text: clean,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function listMemos(db: DB, scope: StudyScope, target: MemoTarget) {
  await requireStudy(db, scope);
  let q = db
    .selectFrom("memo")
    .leftJoin("app_user", "app_user.id", "memo.author_id")
    .select(["memo.id", "memo.text", "memo.author_id", memoAuthor.as("author"), "memo.created_at", "memo.coding_id", "memo.theme_id"])
    .where("memo.study_id", "=", scope.studyId);
  if (target.on === "study") q = q.where("memo.theme_id", "is", null).where("memo.coding_id", "is", null);
  if (target.on === "theme") q = q.where("memo.theme_id", "=", target.themeId);
  if (target.on === "coding") q = q.where("memo.coding_id", "=", target.codingId);
  return q.orderBy("memo.created_at").execute();
}

/**
 * Changes a memo's text. Memos are a researcher's own notes, so only their author may change them
 * (anyone with coding:write may add one beside it).
 */
export async function editMemo(db: DB, scope: StudyScope, authorId: string, memoId: string, text: string): Promise<void> {
  await requireStudy(db, scope);
  const clean = text.normalize("NFC").trim();
  if (!clean) throw new CodingError("empty_memo", "A memo needs some text");
  if (!isUuid(memoId)) throw new CodingError("not_found", "No such memo");
  const memo = await db
    .selectFrom("memo")
    .select(["id", "author_id"])
    .where("id", "=", memoId)
    .where("study_id", "=", scope.studyId)
    .executeTakeFirst();
  if (!memo) throw new CodingError("not_found", "No such memo");
  if (memo.author_id !== authorId) throw new CodingError("not_yours", "Only a memo's author can change it");
  await db.updateTable("memo").set({ text: clean, updated_at: new Date() }).where("id", "=", memoId).execute();
}

/** The memos on these codings (the caller has already read the codings it may see), oldest first. */
export async function memosOnCodings(db: DB, scope: StudyScope, codingIds: readonly string[]) {
  if (codingIds.length === 0) return [];
  return db
    .selectFrom("memo")
    .leftJoin("app_user", "app_user.id", "memo.author_id")
    .select(["memo.id", "memo.text", "memo.author_id", memoAuthor.as("author"), "memo.created_at", "memo.updated_at", "memo.coding_id"])
    .where("memo.study_id", "=", scope.studyId)
    .where("memo.coding_id", "in", [...codingIds])
    .orderBy("memo.created_at")
    .orderBy("memo.id")
    .execute();
}
