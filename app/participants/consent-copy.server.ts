/**
 * A participant's copy of their consent (issue 17 part 3): exactly what they agreed to, as the
 * consent form version they were given says it, in their language, with each choice and its date.
 * Nothing on it names the person; the code is shown in full only when they ask (see the route).
 */
import type { DB } from "../../db/index";
import { messageKeys } from "../instruments/messages";
import { textOf } from "./render.server";
import { instrumentVersion } from "./study.server";

export interface ConsentCopyStatement {
  id: string;
  text: string;
  /** Set when the text fell back to another language than the page's. */
  lang?: string;
  required: boolean;
  /** What they chose when they consented. */
  agreedThen: boolean;
  /** What holds now: an optional choice (recording, quotes) can be changed later. */
  agreedNow: boolean;
  /** The day of the last change, when the choice now differs from the first. */
  changedOn?: string;
}

export interface ConsentCopy {
  formTitle: { text: string; lang?: string };
  formVersion: number;
  method: "online" | "paper" | "assisted";
  recordedOn: string;
  statements: ConsentCopyStatement[];
  /** Earlier consent-form versions this person also agreed to (a new version asks again). */
  earlier: { formVersion: number; recordedOn: string }[];
  withdrawnOn: string | null;
}

/**
 * The newest consent record of a participant of this study, or undefined when there is none (someone
 * enrolled on paper before their consent was entered). The study id is part of the query, so a session
 * of one study can never read a record of another.
 */
export async function consentCopy(
  db: DB,
  input: { studyId: string; participantId: string; language: string },
): Promise<ConsentCopy | undefined> {
  const records = await db
    .selectFrom("consent_record")
    .innerJoin("participant", "participant.id", "consent_record.participant_id")
    .select([
      "consent_record.id",
      "consent_record.instrument_version_id",
      "consent_record.statements",
      "consent_record.audio_recording",
      "consent_record.quotes",
      "consent_record.method",
      "consent_record.recorded_on",
      "participant.withdrawn_on",
    ])
    .where("consent_record.participant_id", "=", input.participantId)
    .where("participant.study_id", "=", input.studyId)
    .orderBy("consent_record.recorded_on", "desc")
    .orderBy("consent_record.id", "desc")
    .execute();
  const record = records[0];
  if (!record) return undefined;
  const version = await instrumentVersion(db, record.instrument_version_id);
  const changes = await db
    .selectFrom("consent_change")
    .select(["flag", "changed_on"])
    .where("consent_record_id", "=", record.id)
    .orderBy("id", "desc")
    .execute();
  const current = { audio_recording: record.audio_recording, quotes: record.quotes };
  const statements = (version.definition.statements ?? []).map((s): ConsentCopyStatement => {
    const agreedThen = record.statements[s.id] === true;
    const agreedNow = s.flag ? current[s.flag] : agreedThen;
    const changedOn = s.flag && agreedNow !== agreedThen ? changes.find((c) => c.flag === s.flag)?.changed_on : undefined;
    return {
      id: s.id,
      ...textOf(version, input.language, messageKeys.statementText(s.id)),
      required: s.required,
      agreedThen,
      agreedNow,
      ...(changedOn ? { changedOn } : {}),
    };
  });
  const earlier = [];
  for (const older of records.slice(1)) {
    earlier.push({ formVersion: (await instrumentVersion(db, older.instrument_version_id)).version, recordedOn: older.recorded_on });
  }
  return {
    formTitle: textOf(version, input.language, messageKeys.title),
    formVersion: version.version,
    method: record.method,
    recordedOn: record.recorded_on,
    statements,
    earlier,
    withdrawnOn: record.withdrawn_on,
  };
}

/** A code with all but its last two characters hidden, for a printout that may be left lying about. */
export function maskedCode(code: string): string {
  const plain = code.replace(/[^A-Za-z0-9]/g, "");
  return `${"•".repeat(Math.max(plain.length - 2, 4))}${plain.slice(-2)}`;
}

/** A calendar day (YYYY-MM-DD) written out in the page's language, e.g. "5 December 2026". */
export function longDate(day: string, language: string): string {
  const date = new Date(`${day.slice(0, 10)}T12:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  try {
    // British English: the studies are run in the UK, where "5 December 2026" is how a date is read.
    return new Intl.DateTimeFormat(language === "en" ? "en-GB" : language, { dateStyle: "long", timeZone: "UTC" }).format(date);
  } catch {
    return day.slice(0, 10);
  }
}
