/**
 * Importing answers typed from paper forms. The whole file is checked first and every problem is
 * reported as `row N, column C: message` (row 1 is the header, as a spreadsheet numbers them; C is
 * the column's header, or its position when the header itself is the problem). If there is any
 * problem, nothing is imported. See docs/decisions/013-paper-import.md.
 *
 * A paper form is dated by when the person filled it in, not when someone typed it up: an optional
 * `collected_on` column (YYYY-MM-DD) dates each row's response and answers; without it, or with the
 * cell empty, the row is dated the day of the import.
 */
import Papa from "papaparse";
import type { DB } from "../../db/index";
import { recordAudit } from "../audit/log.server";
import { parseAnswer, type AnswerError, type AnswerValue } from "../instruments/messages";
import { isAnswerItem } from "../instruments/schema";
import { normaliseParticipantCode } from "./code";
import { findParticipantByCode } from "./enrolment.server";
import { pagesOf } from "./journey.server";
import { findParticipantStudy, today, type ParticipantStudy, type StudyUse } from "./study.server";

export const CODE_COLUMN = "participant_code";
/** The optional column with the day the paper form was filled in. */
export const DATE_COLUMN = "collected_on";

const ANSWER_MESSAGES: Record<AnswerError, string> = {
  not_answerable: "this item takes no answer",
  not_an_option: "not one of the item's answer codes",
  not_a_number: "not a number",
  not_an_integer: "not a whole number",
  out_of_range: "out of range",
  too_long: "text too long",
  invalid_characters: "contains control characters or broken text",
  multiple_values: "more than one value",
};

export interface ImportPlanRow {
  participantId: string;
  /** The language the paper form was in: --language, else the language the person's code was issued in. */
  language: string;
  /** The day the form was filled in (YYYY-MM-DD): the row's collected_on, else the import day. */
  collectedOn: string;
  values: Record<string, AnswerValue | undefined>;
}

export interface ImportCheck {
  problems: string[];
  rows: ImportPlanRow[];
  study?: ParticipantStudy;
  use?: StudyUse;
}

export class ImportSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImportSetupError";
  }
}

/**
 * Why a collected_on cell cannot date a response, or null when it can. A date after today is a typo
 * (or the wrong format read the other way round); one before the study was created cannot be an
 * answer to it.
 */
function collectionDateProblem(cell: string, bounds: { earliest: string; latest: string }): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(cell);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!date || date.toISOString().slice(0, 10) !== cell)
    return `not a date written as YYYY-MM-DD, e.g. 2026-03-14 (${JSON.stringify(cell)})`;
  if (cell > bounds.latest) return `${cell} is after today (${bounds.latest}); the form cannot have been filled in yet`;
  if (cell < bounds.earliest) return `${cell} is before the study was created (${bounds.earliest})`;
  return null;
}

function columnName(index: number, header: string | undefined) {
  return header && header.trim() !== "" ? header.trim() : String(index + 1);
}

/** Checks a CSV against the study, instrument and timepoint; writes nothing. */
export async function checkResponseImport(
  db: DB,
  input: {
    studyId: string;
    instrumentId: string;
    version?: number;
    timepoint: string;
    csv: string;
    codeHashKey: Buffer | string;
    language?: string;
    /** The moment of the import (tests pin it); defaults to now. */
    now?: Date;
  },
): Promise<ImportCheck> {
  const study = await findParticipantStudy(db, { id: input.studyId });
  if (!study) throw new ImportSetupError("no such study");
  const importDay = today(input.now);
  const created = await db.selectFrom("study").select("created_at").where("id", "=", study.id).executeTakeFirstOrThrow();
  const dateBounds = { earliest: today(new Date(created.created_at)), latest: importDay };
  if (input.language !== undefined && !study.languages.includes(input.language)) {
    throw new ImportSetupError(`the study "${study.slug}" is not offered in "${input.language}" (it offers ${study.languages.join(", ")})`);
  }
  const uses = study.uses.filter(
    (u) => u.role === "questionnaire" && u.version.id === input.instrumentId && u.timepoint === input.timepoint,
  );
  const use =
    input.version === undefined
      ? uses.sort((a, b) => b.version.version - a.version.version)[0]
      : uses.find((u) => u.version.version === input.version);
  if (!use) {
    throw new ImportSetupError(
      `the study "${study.slug}" does not use ${input.instrumentId}${input.version ? `@${input.version}` : ""} at timepoint "${input.timepoint}"`,
    );
  }
  const items = new Map(
    pagesOf(study, use)
      .flatMap((p) => p.items)
      .filter(isAnswerItem)
      .map((item) => [item.id, item]),
  );
  const parsed = Papa.parse<string[]>(input.csv.replace(/^\uFEFF/, ""), { skipEmptyLines: "greedy" });
  const problems: string[] = [];
  for (const error of parsed.errors) problems.push(`row ${(error.row ?? 0) + 1}, column 1: ${error.message}`);
  const [header, ...data] = parsed.data;
  if (!header || header.length === 0) return { problems: [...problems, "row 1, column 1: the file is empty"], rows: [], study, use };
  if (header[0]?.trim() !== CODE_COLUMN)
    problems.push(`row 1, column ${columnName(0, header[0])}: the first column must be "${CODE_COLUMN}"`);
  const seenColumns = new Set<string>();
  let dateIndex: number | undefined;
  header.forEach((name, index) => {
    if (index === 0) return;
    const id = name.trim();
    if (id === DATE_COLUMN) dateIndex ??= index;
    else if (!items.has(id))
      problems.push(
        `row 1, column ${columnName(index, name)}: not a question of ${use.version.id} v${use.version.version} at "${use.timepoint}"`,
      );
    if (seenColumns.has(id)) problems.push(`row 1, column ${columnName(index, name)}: this column appears twice`);
    seenColumns.add(id);
  });

  const rows: ImportPlanRow[] = [];
  const seenCodes = new Map<string, number>();
  for (const [offset, cells] of data.entries()) {
    const rowNumber = offset + 2;
    if (cells.length !== header.length) {
      problems.push(`row ${rowNumber}, column ${CODE_COLUMN}: has ${cells.length} cells, the header has ${header.length}`);
      continue;
    }
    const code = normaliseParticipantCode(cells[0] ?? "");
    let participantId: string | undefined;
    let participantLanguage = study.languages[0] ?? "en";
    if (!code.ok) {
      problems.push(
        `row ${rowNumber}, column ${CODE_COLUMN}: not a participant code (${code.reason === "check" ? "a character is wrong or two are swapped" : code.reason === "length" ? "wrong length" : "contains characters a code cannot have"})`,
      );
    } else {
      const earlier = seenCodes.get(code.code);
      if (earlier) problems.push(`row ${rowNumber}, column ${CODE_COLUMN}: the same code is on row ${earlier}`);
      seenCodes.set(code.code, rowNumber);
      const found = await findParticipantByCode(db, { studyId: study.id, code: code.code, codeHashKey: input.codeHashKey });
      const participant = found && {
        ...found,
        consented:
          (await db.selectFrom("consent_record").select("id").where("participant_id", "=", found.id).executeTakeFirst()) !== undefined,
      };
      if (!participant) problems.push(`row ${rowNumber}, column ${CODE_COLUMN}: no participant with this code in the study`);
      else if (participant.withdrawn_on)
        problems.push(`row ${rowNumber}, column ${CODE_COLUMN}: this participant has withdrawn; nothing more can be recorded for them`);
      else if (!participant.consented) problems.push(`row ${rowNumber}, column ${CODE_COLUMN}: this participant has no recorded consent`);
      else {
        participantId = participant.id;
        participantLanguage = participant.language;
      }
    }
    const dateCell = dateIndex === undefined ? "" : (cells[dateIndex] ?? "").trim();
    const dateProblem = dateCell === "" ? null : collectionDateProblem(dateCell, dateBounds);
    if (dateProblem) problems.push(`row ${rowNumber}, column ${DATE_COLUMN}: ${dateProblem}`);
    const collectedOn = dateCell === "" || dateProblem ? importDay : dateCell;
    const values: Record<string, AnswerValue | undefined> = {};
    header.forEach((name, index) => {
      if (index === 0 || index === dateIndex) return;
      const item = items.get(name.trim());
      if (!item) return;
      const result = parseAnswer(item, item.type === "multiple_choice" ? (cells[index] ?? "").split(/[;|]/) : cells[index]);
      if (result.ok) values[item.id] = result.value;
      else problems.push(`row ${rowNumber}, column ${name.trim()}: ${ANSWER_MESSAGES[result.error]} (${JSON.stringify(cells[index])})`);
    });
    if (participantId) rows.push({ participantId, language: input.language ?? participantLanguage, collectedOn, values });
  }
  if (data.length === 0) problems.push("row 2, column 1: the file has no rows of answers");
  return { problems, rows, study, use };
}

/**
 * Checks, then imports in one transaction. Each row becomes a paper response (all pages done) whose
 * answers are the row's non-empty cells; an empty cell is a skipped question.
 */
export async function importResponses(
  db: DB,
  input: Parameters<typeof checkResponseImport>[1] & { importedBy?: string | null },
): Promise<{ imported: number; answers: number; problems: string[] }> {
  const check = await checkResponseImport(db, input);
  if (check.problems.length > 0 || !check.study || !check.use) return { imported: 0, answers: 0, problems: check.problems };
  const { study, use } = check;
  const pageIds = pagesOf(study, use).map((p) => p.id);
  let answers = 0;
  await db.transaction().execute(async (trx) => {
    for (const row of check.rows) {
      await trx
        .insertInto("response")
        .values({
          participant_id: row.participantId,
          study_id: study.id,
          instrument_version_id: use.version.rowId,
          timepoint: use.timepoint,
          language: row.language,
          mode: "paper",
          interpreter: null,
          entered_by: input.importedBy ?? null,
          sections_done: pageIds,
          started_on: row.collectedOn,
          completed_on: row.collectedOn,
        })
        .onConflict((oc) =>
          oc
            .columns(["participant_id", "instrument_version_id", "timepoint"])
            .doUpdateSet({ sections_done: pageIds, completed_on: row.collectedOn, language: row.language }),
        )
        .execute();
      const response = await trx
        .selectFrom("response")
        .select("id")
        .where("participant_id", "=", row.participantId)
        .where("instrument_version_id", "=", use.version.rowId)
        .where("timepoint", "=", use.timepoint)
        .executeTakeFirstOrThrow();
      const given = Object.entries(row.values).filter((e): e is [string, AnswerValue] => e[1] !== undefined);
      const skipped = Object.keys(row.values).filter((id) => row.values[id] === undefined);
      if (skipped.length > 0)
        await trx.deleteFrom("answer").where("response_id", "=", response.id).where("item_id", "in", skipped).execute();
      if (given.length > 0) {
        await trx
          .insertInto("answer")
          .values(
            given.map(([item_id, value]) => ({
              response_id: response.id,
              item_id,
              value: JSON.stringify(value),
              answered_on: row.collectedOn,
            })),
          )
          .onConflict((oc) =>
            oc
              .columns(["response_id", "item_id"])
              .doUpdateSet((eb) => ({ value: eb.ref("excluded.value"), answered_on: eb.ref("excluded.answered_on") })),
          )
          .execute();
      }
      answers += given.length;
    }
    await recordAudit(trx, {
      actorUserId: input.importedBy ?? null,
      organisationId: study.organisationId,
      action: "responses_imported",
      subject: study.slug,
      detail: { instrument: use.version.id, version: use.version.version, timepoint: use.timepoint, rows: check.rows.length, answers },
    });
  });
  return { imported: check.rows.length, answers, problems: [] };
}
