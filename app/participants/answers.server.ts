/**
 * Saving answers, one page at a time, by the participant (self) or by a facilitator with them
 * (assisted). Every question is optional. A page is validated whole before anything is written, so
 * bad input changes nothing. Saving is naturally idempotent: the same page submitted twice (double
 * tap, back button, retry) leaves the same rows, because answers are keyed by (response, item) and
 * the page is added to sections_done only once.
 */
import { sql } from "kysely";
import type { DB } from "../../db/index";
import { recordAudit } from "../audit/log.server";
import { parseAnswer, type AnswerError, type AnswerValue } from "../instruments/messages";
import { isAnswerItem } from "../instruments/schema";
import { ParticipantError } from "./errors";
import { requireParticipantByCode } from "./enrolment.server";
import { CHECK_PAGE, hasConditions, pagesOf, pageShown, savedAnswers, type JourneyPage } from "./journey.server";
import { findParticipantStudy, questionnaireUse, today, type ParticipantStudy, type StudyUse } from "./study.server";

export type Interpreter = "none" | "in_person" | "phone" | "video";

export type RawAnswers = Record<string, string | string[] | undefined>;

export type PageValidation =
  { ok: true; values: Record<string, AnswerValue | undefined> } | { ok: false; errors: Record<string, AnswerError | "unknown_item"> };

/** Checks every answer of a page; names not on the page are "unknown_item". Writes nothing. */
export function validatePage(page: JourneyPage, raw: RawAnswers): PageValidation {
  const errors: Record<string, AnswerError | "unknown_item"> = {};
  const values: Record<string, AnswerValue | undefined> = {};
  const onPage = new Map(page.items.filter(isAnswerItem).map((item) => [item.id, item]));
  for (const name of Object.keys(raw)) if (!onPage.has(name)) errors[name] = "unknown_item";
  for (const [id, item] of onPage) {
    const parsed = parseAnswer(item, raw[id]);
    if (parsed.ok) values[id] = parsed.value;
    else errors[id] = parsed.error;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values };
}

export interface SavePageInput {
  study: ParticipantStudy;
  use: StudyUse;
  participantId: string;
  pageId: string;
  /** The answers of this page by item id; ignored when `skip` is true. */
  raw: RawAnswers;
  /**
   * "Skip these questions": the page counts as done and nothing on it is written. Answers already
   * given on it are kept (the seed study: kept "unless the person asks for them to be removed").
   */
  skip?: boolean;
  language: string;
  mode?: "self" | "assisted" | "paper";
  interpreter?: Interpreter | null;
  enteredBy?: string | null;
}

export type SavePageResult = PageValidation & { completed?: boolean };

export async function savePage(db: DB, input: SavePageInput): Promise<SavePageResult> {
  const page = pagesOf(input.study, input.use).find((p) => p.id === input.pageId);
  if (!page) throw new ParticipantError("unknown_instrument", `no page "${input.pageId}"`);
  const validation = input.skip ? ({ ok: true, values: {} } as const) : validatePage(page, input.raw);
  if (!validation.ok) return validation;
  const allPages = pagesOf(input.study, input.use);
  if ((input.mode ?? "self") === "self" && !hasConditions(allPages)) {
    return { ...validation, completed: await savePageAtOnce(db, input, page, allPages, validation.values) };
  }
  const completed = await db.transaction().execute(async (trx) => {
    const participant = await trx
      .selectFrom("participant")
      .select(["withdrawn_on"])
      .where("id", "=", input.participantId)
      .forUpdate()
      .executeTakeFirst();
    if (!participant) throw new ParticipantError("unknown_code");
    if (participant.withdrawn_on) throw new ParticipantError("withdrawn");
    const responseId = await ensureResponse(trx, input);
    const itemIds = page.items.filter(isAnswerItem).map((i) => i.id);
    const given = Object.entries(validation.values).filter((e): e is [string, AnswerValue] => e[1] !== undefined);
    // Saving a page with a question left empty removes that answer (the person cleared it);
    // skipping the page removes nothing.
    const cleared = input.skip ? [] : itemIds.filter((id) => !given.some(([g]) => g === id));
    if (cleared.length > 0) await trx.deleteFrom("answer").where("response_id", "=", responseId).where("item_id", "in", cleared).execute();
    if (given.length > 0) {
      await trx
        .insertInto("answer")
        .values(given.map(([item_id, value]) => ({ response_id: responseId, item_id, value: JSON.stringify(value), answered_on: today() })))
        .onConflict((oc) =>
          oc
            .columns(["response_id", "item_id"])
            .doUpdateSet((eb) => ({ value: eb.ref("excluded.value"), answered_on: eb.ref("excluded.answered_on") })),
        )
        .execute();
    }
    const updated = await trx
      .updateTable("response")
      .set({
        sections_done: sql<
          string[]
        >`case when ${input.pageId} = any(sections_done) then sections_done else array_append(sections_done, ${input.pageId}::text) end`,
      })
      .where("id", "=", responseId)
      .returning(["sections_done", "completed_on"])
      .executeTakeFirstOrThrow();
    // A page hidden by its conditions is never shown, so it does not hold completion back.
    const answers = hasConditions(allPages) ? await answersOfResponse(trx, responseId) : {};
    const done = allPages.every((p) => updated.sections_done.includes(p.id) || !pageShown(p, answers));
    if (done && !updated.completed_on)
      await trx.updateTable("response").set({ completed_on: today() }).where("id", "=", responseId).execute();
    return done;
  });
  return { ...validation, completed };
}

/**
 * savePage as one statement (ADR 073): a participant's own page of a set whose pages do not depend
 * on answers. The same rows and the same rules as the transaction below, in one round trip instead
 * of eight: the participant's row is locked first (FOR UPDATE), so a withdrawal either finished
 * before (nothing is written) or waits for this; the response is created or marked with this page,
 * and completed once every page is done; answers emptied on the page are removed, answers given are
 * written. One statement is one transaction.
 */
async function savePageAtOnce(
  db: DB,
  input: SavePageInput,
  page: JourneyPage,
  allPages: JourneyPage[],
  values: Record<string, AnswerValue | undefined>,
): Promise<boolean> {
  const day = today();
  const given = Object.entries(values).filter((e): e is [string, AnswerValue] => e[1] !== undefined);
  const cleared = input.skip
    ? []
    : page.items
        .filter(isAnswerItem)
        .filter((item) => !given.some(([id]) => id === item.id))
        .map((item) => item.id);
  const every = sql`array[${sql.join(allPages.map((p) => p.id))}]::text[]`;
  const pageId = sql`${input.pageId}::text`;
  const clearing =
    cleared.length > 0
      ? sql`, cleared as (delete from answer using r where answer.response_id = r.id and answer.item_id in (${sql.join(cleared)}))`
      : sql``;
  const writing =
    given.length > 0
      ? sql`, given as (
          insert into answer (response_id, item_id, value, answered_on)
          select r.id, g.item_id, g.value, ${day}::date
          from r, (values ${sql.join(given.map(([id, value]) => sql`(${id}::text, ${JSON.stringify(value)}::jsonb)`))}) as g(item_id, value)
          on conflict (response_id, item_id) do update set value = excluded.value, answered_on = excluded.answered_on)`
      : sql``;
  const result = await sql<{ withdrawn: boolean; sections_done: string[] | null }>`
    with p as (select id, withdrawn_on from participant where id = ${input.participantId} for update),
    r as (
      insert into response (participant_id, study_id, instrument_version_id, timepoint, language, mode, interpreter, entered_by, started_on, completed_on, sections_done)
      select p.id, ${input.study.id}, ${input.use.version.rowId}, ${input.use.timepoint}, ${input.language}, 'self', null, null, ${day}::date,
        case when ${every} <@ array[${pageId}] then ${day}::date end, array[${pageId}]
      from p where p.withdrawn_on is null
      on conflict (participant_id, instrument_version_id, timepoint) do update set
        sections_done = case when ${pageId} = any(response.sections_done) then response.sections_done
          else array_append(response.sections_done, ${pageId}) end,
        completed_on = coalesce(response.completed_on,
          case when ${every} <@ array_append(response.sections_done, ${pageId}) then ${day}::date end)
      returning id, sections_done)${clearing}${writing}
    select p.withdrawn_on is not null as withdrawn, r.sections_done from p left join r on true`.execute(db);
  const row = result.rows[0];
  if (!row) throw new ParticipantError("unknown_code");
  if (row.withdrawn || !row.sections_done) throw new ParticipantError("withdrawn");
  return allPages.every((p) => row.sections_done!.includes(p.id));
}

/**
 * "These are my answers": the person has seen their answers to the set on "Check your answers".
 * Recorded like a page (in sections_done, once), so resuming does not show the check again; a set
 * whose every page was skipped still has its response row, so it is created if need be.
 */
export async function confirmAnswers(
  db: DB,
  input: { study: ParticipantStudy; use: StudyUse; participantId: string; language: string },
): Promise<void> {
  // One statement, as savePageAtOnce: the participant locked first, then the response marked.
  const check = sql`${CHECK_PAGE}::text`;
  const result = await sql<{ withdrawn: boolean }>`
    with p as (select id, withdrawn_on from participant where id = ${input.participantId} for update),
    r as (
      insert into response (participant_id, study_id, instrument_version_id, timepoint, language, mode, interpreter, entered_by, started_on, completed_on, sections_done)
      select p.id, ${input.study.id}, ${input.use.version.rowId}, ${input.use.timepoint}, ${input.language}, 'self', null, null, ${today()}::date, null, array[${check}]
      from p where p.withdrawn_on is null
      on conflict (participant_id, instrument_version_id, timepoint) do update set
        sections_done = case when ${check} = any(response.sections_done) then response.sections_done
          else array_append(response.sections_done, ${check}) end
      returning id)
    select p.withdrawn_on is not null as withdrawn from p`.execute(db);
  const row = result.rows[0];
  if (!row) throw new ParticipantError("unknown_code");
  if (row.withdrawn) throw new ParticipantError("withdrawn");
}

async function answersOfResponse(trx: DB, responseId: string): Promise<Record<string, AnswerValue>> {
  const rows = await trx.selectFrom("answer").select(["item_id", "value"]).where("response_id", "=", responseId).execute();
  return Object.fromEntries(rows.map((r) => [r.item_id, r.value as AnswerValue]));
}

async function ensureResponse(trx: DB, input: SavePageInput): Promise<string> {
  await trx
    .insertInto("response")
    .values({
      participant_id: input.participantId,
      study_id: input.study.id,
      instrument_version_id: input.use.version.rowId,
      timepoint: input.use.timepoint,
      language: input.language,
      mode: input.mode ?? "self",
      interpreter: input.interpreter ?? null,
      entered_by: input.enteredBy ?? null,
      started_on: today(),
      completed_on: null,
    })
    .onConflict((oc) => oc.columns(["participant_id", "instrument_version_id", "timepoint"]).doNothing())
    .execute();
  const row = await trx
    .selectFrom("response")
    .select("id")
    .where("participant_id", "=", input.participantId)
    .where("instrument_version_id", "=", input.use.version.rowId)
    .where("timepoint", "=", input.use.timepoint)
    .executeTakeFirstOrThrow();
  if (input.mode === "assisted") {
    await trx
      .updateTable("response")
      .set({ mode: "assisted", interpreter: input.interpreter ?? null, entered_by: input.enteredBy ?? null })
      .where("id", "=", row.id)
      .execute();
  }
  return row.id;
}

/** The saved answers of one questionnaire at one timepoint (kept here for the routes' imports). */
export { savedAnswers };

/**
 * A facilitator enters answers with a participant (assisted mode), page by page or all at once:
 * `raw` may hold items of any pages, keyed by item id. Records that the response was assisted,
 * whether an interpreter was used and how, and who entered it. Validates everything first; returns
 * the errors by item id and writes nothing if there is any.
 */
export async function enterAssistedAnswers(
  db: DB,
  input: {
    studyId: string;
    code: string;
    codeHashKey: Buffer | string;
    instrumentId: string;
    timepoint: string;
    raw: RawAnswers;
    interpreter: Interpreter;
    enteredBy: string;
    language: string;
  },
): Promise<PageValidation> {
  const study = await findParticipantStudy(db, { id: input.studyId });
  if (!study) throw new ParticipantError("unknown_code", "no such study");
  const use = questionnaireUse(study, input.instrumentId, input.timepoint);
  if (!use) throw new ParticipantError("unknown_instrument", `the study does not use ${input.instrumentId} at ${input.timepoint}`);
  const participant = await requireParticipantByCode(db, input);
  if (participant.withdrawn_on) throw new ParticipantError("withdrawn");
  const pages = pagesOf(study, use);
  const known = new Set(pages.flatMap((p) => p.items.filter(isAnswerItem).map((i) => i.id)));
  const errors: Record<string, AnswerError | "unknown_item"> = {};
  for (const name of Object.keys(input.raw)) if (!known.has(name)) errors[name] = "unknown_item";
  const perPage = pages.map((page) => {
    const raw = Object.fromEntries(Object.entries(input.raw).filter(([k]) => page.items.some((i) => i.id === k)));
    return { page, raw, validation: validatePage(page, raw) };
  });
  for (const p of perPage) if (!p.validation.ok) Object.assign(errors, p.validation.errors);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const values: Record<string, AnswerValue | undefined> = {};
  for (const p of perPage) {
    if (Object.keys(p.raw).length === 0) continue;
    const result = await savePage(db, {
      study,
      use,
      participantId: participant.id,
      pageId: p.page.id,
      raw: p.raw,
      language: input.language,
      mode: "assisted",
      interpreter: input.interpreter,
      enteredBy: input.enteredBy,
    });
    if (result.ok) Object.assign(values, result.values);
  }
  await recordAudit(db, {
    actorUserId: input.enteredBy,
    organisationId: study.organisationId,
    action: "responses_imported",
    subject: study.slug,
    detail: { assisted: true, instrument: input.instrumentId, timepoint: input.timepoint, interpreter: input.interpreter },
  });
  return { ok: true, values };
}
