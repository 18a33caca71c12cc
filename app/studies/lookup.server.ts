/**
 * The one place a study is looked up (issue 13, item 4). Every other module asks here, by id or by
 * slug, with the organisation when the asker belongs to one: a study of another organisation is then
 * simply not found. Participant pages look up by slug alone (the address is public); workspace
 * pages, the consent gate and the command line add the organisation.
 */
import type { DB } from "../../db/index";
import { isUuid } from "../security/ids";

export type StudyKey = ({ id: string } | { slug: string }) & { organisationId?: string };

const studyColumns = ["id", "organisation_id", "slug", "titles", "languages", "status", "settings", "created_at"] as const;

/** The study's row, or undefined. Keys are checked for shape first: a malformed one finds nothing. */
export async function lookUpStudy(db: DB, key: StudyKey) {
  let query = db.selectFrom("study").select(studyColumns);
  if ("id" in key) {
    if (!isUuid(key.id)) return undefined;
    query = query.where("id", "=", key.id);
  } else if (/^[a-z0-9-]{1,80}$/.test(key.slug)) query = query.where("slug", "=", key.slug);
  else return undefined;
  if (key.organisationId !== undefined) query = query.where("organisation_id", "=", key.organisationId);
  return query.executeTakeFirst();
}

export type StudyRow = NonNullable<Awaited<ReturnType<typeof lookUpStudy>>>;

/** A study known to exist (its id came from a row that references it). */
export async function studyById(db: DB, id: string): Promise<StudyRow> {
  const study = await lookUpStudy(db, { id });
  if (!study) throw new Error(`study ${id} not found`);
  return study;
}

/** The scope a gated read or an audited command takes, for a study named by slug (the command line). */
export async function studyScopeBySlug(db: DB, slug: string) {
  const study = await lookUpStudy(db, { slug });
  return study ? { organisationId: study.organisation_id, studyId: study.id, slug: study.slug } : undefined;
}
