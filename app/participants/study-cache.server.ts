/**
 * A published study's settings and instrument uses, kept in process memory (issue 15; ADR 073).
 * Every participant request used to read study and study_instrument again: a third of the
 * statements of a participant's journey. What is kept is only what researchers set up, never
 * anything about a participant: sessions, consent, withdrawal and answers are read on every request.
 *
 * When is a kept study forgotten?
 * - At once, in the process that changes it: the database counts every write to study or
 *   study_instrument made through it (db/study-changes.ts).
 * - Within REVISION_CHECK_MS, in every other process (another app server, the command line, a
 *   statement typed into psql): a trigger counts every such write in study_revision (migration
 *   0018), and a request reads that row when it was last read longer ago than that; if it moved,
 *   everything kept is forgotten.
 * A study read while a change was being made is not kept if anything was forgotten meanwhile
 * (`generation`), so an old copy cannot outlive the change that was made while it was read.
 */
import type { DB } from "../../db/index";
import { studyChangesOf } from "../../db/study-changes";
import type { StudyKey } from "../studies/lookup.server";

/** How old the last read of study_revision may be: a change elsewhere is seen within this. */
export const REVISION_CHECK_MS = 500;

interface Kept<T> {
  /** Counted up whenever everything kept is forgotten. */
  generation: number;
  /** study_revision.revision as last read, and when that read began. */
  revision: number | undefined;
  checkedAt: number;
  checking: Promise<void> | undefined;
  /** The process's own change count (db/study-changes.ts) when last looked at. */
  localCount: number;
  byId: Map<string, T>;
  bySlug: Map<string, T>;
}

const kept = new WeakMap<object, Kept<unknown>>();

function forget(state: Kept<unknown>) {
  state.generation++;
  state.byId.clear();
  state.bySlug.clear();
}

async function checkRevision(db: DB, state: Kept<unknown>): Promise<void> {
  if (Date.now() - state.checkedAt < REVISION_CHECK_MS) return;
  // One read for all the requests that arrive while it runs.
  state.checking ??= (async () => {
    const started = Date.now();
    const row = await db.selectFrom("study_revision").select("revision").where("id", "=", 1).executeTakeFirst();
    const revision = row ? Number(row.revision) : -1;
    if (revision !== state.revision) {
      forget(state);
      state.revision = revision;
    }
    state.checkedAt = started;
  })().finally(() => {
    state.checking = undefined;
  });
  await state.checking;
}

/**
 * `load(key)` through the process's memory: the kept study when it is still current, else what
 * `load` reads, kept if `keep` says so. A key with an organisation finds only that organisation's
 * study, as the look-up does. A database that was not opened by openDatabase (a transaction) is
 * always read.
 */
export async function keptStudy<T extends { id: string; slug: string; organisationId: string }>(
  db: DB,
  key: StudyKey,
  load: (key: StudyKey) => Promise<T | undefined>,
  keep: (study: T) => boolean,
): Promise<T | undefined> {
  const changes = studyChangesOf(db);
  if (!changes) return load(key);
  let state = kept.get(db) as Kept<T> | undefined;
  if (!state) {
    state = {
      generation: 0,
      revision: undefined,
      checkedAt: 0,
      checking: undefined,
      localCount: changes.count,
      byId: new Map(),
      bySlug: new Map(),
    };
    kept.set(db, state);
  }
  const seeLocalChanges = () => {
    if (state.localCount === changes.count) return;
    forget(state);
    state.localCount = changes.count;
  };
  seeLocalChanges();
  await checkRevision(db, state);
  seeLocalChanges();
  const found = "id" in key ? state.byId.get(key.id) : state.bySlug.get(key.slug);
  if (found) return key.organisationId === undefined || found.organisationId === key.organisationId ? found : undefined;
  const generation = state.generation;
  const count = changes.count;
  const study = await load(key);
  if (study && keep(study) && generation === state.generation && count === changes.count) {
    state.byId.set(study.id, study);
    state.bySlug.set(study.slug, study);
  }
  return study;
}
