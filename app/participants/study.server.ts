/**
 * What a participant page needs to know about a study: its languages, settings and the instrument
 * versions it uses. Published instrument versions never change, so they are cached by row id; a
 * published study is kept in memory until it changes (study-cache.server.ts, ADR 073).
 */
import type { DB } from "../../db/index";
import { getInstrumentVersionByRowId, type PublishedInstrumentVersion } from "../instruments/publish.server";
import { lookUpStudy, type StudyKey, type StudyRow } from "../studies/lookup.server";
import { parseStudySettings, type StudySettings } from "../studies/settings";
import { keptStudy } from "./study-cache.server";

export interface StudyUse {
  /** study_instrument.id */
  useId: string;
  role: "information_sheet" | "consent_form" | "questionnaire" | "topic_guide";
  timepoint: string;
  position: number;
  version: PublishedInstrumentVersion;
}

export interface ParticipantStudy {
  id: string;
  organisationId: string;
  slug: string;
  titles: Record<string, string>;
  languages: string[];
  status: "draft" | "open" | "closed";
  settings: StudySettings;
  uses: StudyUse[];
}

const versionCache = new Map<string, PublishedInstrumentVersion>();

export async function instrumentVersion(db: DB, rowId: string): Promise<PublishedInstrumentVersion> {
  const cached = versionCache.get(rowId);
  if (cached) return cached;
  const version = await getInstrumentVersionByRowId(db, rowId);
  if (!version) throw new Error(`instrument version ${rowId} not found`);
  versionCache.set(rowId, version);
  return version;
}

async function fromRow(db: DB, row: StudyRow): Promise<ParticipantStudy> {
  const useRows = await db
    .selectFrom("study_instrument")
    .select(["id", "instrument_version_id", "role", "timepoint", "position"])
    .where("study_id", "=", row.id)
    .orderBy("position")
    .execute();
  const uses: StudyUse[] = [];
  for (const use of useRows) {
    uses.push({
      useId: use.id,
      role: use.role,
      timepoint: use.timepoint,
      position: use.position,
      version: await instrumentVersion(db, use.instrument_version_id),
    });
  }
  return {
    id: row.id,
    organisationId: row.organisation_id,
    slug: row.slug,
    titles: row.titles,
    languages: row.languages,
    status: row.status,
    settings: parseStudySettings(row.settings),
    uses,
  };
}

/**
 * The study with the instrument versions it uses, or undefined. Participant pages look up by their
 * public slug; participant writes by id. Draft studies are found too: the caller decides what a
 * participant may see of them.
 */
export async function findParticipantStudy(db: DB, key: StudyKey): Promise<ParticipantStudy | undefined> {
  // Kept in memory once published (open or closed), shared by every request: hence frozen.
  return keptStudy(
    db,
    key,
    async (k) => {
      const row = await lookUpStudy(db, k);
      return row ? fromRow(db, row) : undefined;
    },
    (study) => {
      if (study.status === "draft") return false;
      Object.freeze(study.settings);
      Object.freeze(study.uses);
      Object.freeze(study);
      return true;
    },
  );
}

function latest(uses: StudyUse[]): StudyUse | undefined {
  return [...uses].sort((a, b) => b.version.version - a.version.version || b.position - a.position)[0];
}

/** The study's current information sheet (the newest version it uses). */
export function informationSheet(study: ParticipantStudy): StudyUse | undefined {
  return latest(study.uses.filter((u) => u.role === "information_sheet"));
}

/** The study's current consent form: consent to an older version is asked again for this one. */
export function currentConsentForm(study: ParticipantStudy): StudyUse | undefined {
  return latest(study.uses.filter((u) => u.role === "consent_form"));
}

/** Questionnaires open now, in the study's order. */
export function openQuestionnaires(study: ParticipantStudy): StudyUse[] {
  return study.uses.filter((u) => u.role === "questionnaire" && study.settings.open_timepoints.includes(u.timepoint));
}

export function questionnaireUse(study: ParticipantStudy, instrumentId: string, timepoint: string): StudyUse | undefined {
  return study.uses.find((u) => u.role === "questionnaire" && u.version.id === instrumentId && u.timepoint === timepoint);
}

/** Today as YYYY-MM-DD (UTC): participant records carry a date, not a moment. */
export function today(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** The time of day is stored only when the study opted in. */
export function momentIfOptedIn(study: Pick<ParticipantStudy, "settings">, now = new Date()): Date | null {
  return study.settings.date_precision === "datetime" ? now : null;
}
