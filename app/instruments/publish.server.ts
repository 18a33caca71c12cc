import path from "node:path";
import type { DB } from "../../db/index";
import { formatProblem, instrumentsDir, loadInstrumentsFromDir, versionHashes, type LoadedInstrumentVersion } from "./load.server";
import {
  instrumentDefinitionSchema,
  translationsSchema,
  type InstrumentDefinition,
  type InstrumentKind,
  type Translations,
} from "./schema";

export interface VersionRef {
  id: string;
  version: number;
  contentHash: string;
}

export interface PublishResult {
  /** Versions inserted by this call. */
  published: VersionRef[];
  /** Versions already published with the same content hash: left alone. */
  unchanged: VersionRef[];
}

export interface ChangedVersion {
  id: string;
  version: number;
  publishedHash: string;
  currentHash: string;
  files: string[];
}

/**
 * A version's files differ from what was published. Consents and answers point at published versions,
 * so a published version never changes; the fix is to restore it and make the edit in a new version.
 */
export class PublishedVersionChangedError extends Error {
  constructor(readonly changed: ChangedVersion[]) {
    super(changed.map(describeChange).join(" "));
    this.name = "PublishedVersionChangedError";
  }
}

function describeChange(change: ChangedVersion): string {
  const folder = change.files[0] ? path.dirname(change.files[0]) : `instruments/${change.id}/${change.version}`;
  const next = path.join(path.dirname(folder), String(change.version + 1));
  return (
    `${folder} has changed since it was published (hash ${change.publishedHash.slice(0, 12)}… ≠ ${change.currentHash.slice(0, 12)}…). ` +
    `Published versions are immutable: restore it, and put your edits in ${next} (or a later free version number).`
  );
}

/** The instrument files have problems; `instruments check` lists them. */
export class InstrumentProblemsError extends Error {
  constructor(readonly problems: { file: string; line: number; message: string }[]) {
    super(`The instruments have ${problems.length} problem(s):\n${problems.map(formatProblem).join("\n")}`);
    this.name = "InstrumentProblemsError";
  }
}

/**
 * Publishes loaded versions in one transaction: new versions are inserted, versions already published
 * with the same hash are left alone, and if any published version's hash differs nothing at all is
 * written and PublishedVersionChangedError is thrown. Safe to run concurrently (the unique
 * (instrument_id, version) key decides; the loser compares hashes like everyone else).
 */
export async function publishInstruments(db: DB, versions: readonly LoadedInstrumentVersion[]): Promise<PublishResult> {
  return db.transaction().execute(async (trx) => {
    const published: VersionRef[] = [];
    const unchanged: VersionRef[] = [];
    const changed: ChangedVersion[] = [];
    const existing = versions.length
      ? await trx
          .selectFrom("instrument_version")
          .select(["instrument_id", "version", "content_hash"])
          .where("instrument_id", "in", [...new Set(versions.map((v) => v.id))])
          .execute()
      : [];
    const known = new Map(existing.map((row) => [`${row.instrument_id}@${row.version}`, row.content_hash] as const));
    const toInsert: LoadedInstrumentVersion[] = [];
    for (const version of versions) {
      const ref = { id: version.id, version: version.version, contentHash: version.contentHash };
      const publishedHash = known.get(`${version.id}@${version.version}`);
      if (publishedHash === undefined) toInsert.push(version);
      else if (publishedHash === version.contentHash) unchanged.push(ref);
      else changed.push({ ...ref, publishedHash, currentHash: version.contentHash, files: version.files });
    }
    if (changed.length > 0) throw new PublishedVersionChangedError(changed);

    for (const version of toInsert) {
      const inserted = await trx
        .insertInto("instrument_version")
        .values({
          instrument_id: version.id,
          version: version.version,
          kind: version.kind,
          content_hash: version.contentHash,
          definition: JSON.stringify(version.definition),
          translations: JSON.stringify(version.translations),
        })
        .onConflict((oc) => oc.columns(["instrument_id", "version"]).doNothing())
        .returning("id")
        .executeTakeFirst();
      const ref = { id: version.id, version: version.version, contentHash: version.contentHash };
      if (inserted) {
        published.push(ref);
        continue;
      }
      // Another process published this version between our read and our insert.
      const row = await trx
        .selectFrom("instrument_version")
        .select("content_hash")
        .where("instrument_id", "=", version.id)
        .where("version", "=", version.version)
        .executeTakeFirstOrThrow();
      if (row.content_hash !== version.contentHash) {
        throw new PublishedVersionChangedError([
          { ...ref, publishedHash: row.content_hash, currentHash: version.contentHash, files: version.files },
        ]);
      }
      unchanged.push(ref);
    }
    return { published, unchanged };
  });
}

/**
 * True when every version in the folder is already published with exactly its files' content
 * (versionHashes): publishing would change nothing, and `npm start` need not parse and check them
 * again. False for anything else (a new version, an edited one, a folder that needs the full
 * check's messages), and the caller loads and publishes as before.
 */
export async function publishedAsTheyAre(db: DB, dir: string): Promise<boolean> {
  const hashes = versionHashes(dir);
  if (!hashes || hashes.length === 0) return false;
  const rows = await db
    .selectFrom("instrument_version")
    .select(["instrument_id", "version", "content_hash"])
    .where("instrument_id", "in", [...new Set(hashes.map((h) => h.id))])
    .execute();
  const published = new Map(rows.map((row) => [`${row.instrument_id}@${row.version}`, row.content_hash] as const));
  return hashes.every((h) => published.get(`${h.id}@${h.version}`) === h.contentHash);
}

/** Loads, checks and publishes the instruments folder; throws InstrumentProblemsError on any problem. */
export async function publishInstrumentsFromDir(db: DB, dir: string = instrumentsDir()): Promise<PublishResult> {
  const { versions, problems } = loadInstrumentsFromDir(dir);
  if (problems.length > 0) throw new InstrumentProblemsError(problems);
  return publishInstruments(db, versions);
}

export interface PublishedInstrumentVersion {
  /** instrument_version.id: what consents, answers and study_instrument rows reference. */
  rowId: string;
  id: string;
  version: number;
  kind: InstrumentKind;
  contentHash: string;
  definition: InstrumentDefinition;
  translations: Translations;
  publishedAt: Date;
}

const columns = ["id", "instrument_id", "version", "kind", "content_hash", "definition", "translations", "published_at"] as const;

type Row = {
  id: string;
  instrument_id: string;
  version: number;
  kind: string;
  content_hash: string;
  definition: unknown;
  translations: Record<string, unknown>;
  published_at: Date;
};

function fromRow(row: Row): PublishedInstrumentVersion {
  // Re-parsed so the app gets typed data; the schema only ever grows, so old versions still parse.
  const definition = instrumentDefinitionSchema.safeParse(row.definition);
  const translations = translationsSchema.safeParse(row.translations);
  if (!definition.success || !translations.success) {
    throw new Error(
      `Published instrument ${row.instrument_id} v${row.version} no longer matches the instrument schema ` +
        `(${(definition.error ?? translations.error)!.issues[0]?.message}). The schema must stay backward compatible.`,
    );
  }
  return {
    rowId: row.id,
    id: row.instrument_id,
    version: row.version,
    kind: definition.data.kind,
    contentHash: row.content_hash,
    definition: definition.data,
    translations: translations.data,
    publishedAt: row.published_at,
  };
}

export async function getInstrumentVersion(db: DB, id: string, version: number): Promise<PublishedInstrumentVersion | undefined> {
  const row = await db
    .selectFrom("instrument_version")
    .select(columns)
    .where("instrument_id", "=", id)
    .where("version", "=", version)
    .executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

/** By instrument_version.id, as referenced from consents, answers and study_instrument. */
export async function getInstrumentVersionByRowId(db: DB, rowId: string): Promise<PublishedInstrumentVersion | undefined> {
  const row = await db.selectFrom("instrument_version").select(columns).where("id", "=", rowId).executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

export async function latestInstrumentVersion(db: DB, id: string): Promise<PublishedInstrumentVersion | undefined> {
  const row = await db
    .selectFrom("instrument_version")
    .select(columns)
    .where("instrument_id", "=", id)
    .orderBy("version", "desc")
    .limit(1)
    .executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

export interface PublishedSummary {
  id: string;
  version: number;
  kind: string;
  contentHash: string;
  languages: string[];
  publishedAt: Date;
}

/** Every published version, newest version of each instrument last; for lists, not rendering. */
export async function listPublishedVersions(db: DB): Promise<PublishedSummary[]> {
  const rows = await db
    .selectFrom("instrument_version")
    .select(["instrument_id", "version", "kind", "content_hash", "translations", "published_at"])
    .orderBy("instrument_id")
    .orderBy("version")
    .execute();
  return rows.map((row) => ({
    id: row.instrument_id,
    version: row.version,
    kind: row.kind,
    contentHash: row.content_hash,
    languages: Object.keys(row.translations).sort(),
    publishedAt: row.published_at,
  }));
}
