/**
 * How the embedded database (PGlite) keeps its files on disk: private to the account that runs
 * Tandem (ADR 002, issue 11 item 7), and, after a participant's erasure, without the erased words
 * (ADR 060). db/index.ts calls this module at three points: before opening, when opened, when closing.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import type { PGlite, PGliteOptions } from "@electric-sql/pglite";
import type { Kysely } from "kysely";

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;
const GROUP_AND_OTHER = 0o077;

/**
 * Creates the data folder (0700) or tightens an existing one: every folder 0700 and every file 0600,
 * as PostgreSQL itself requires of its data directory. A folder made by an older Tandem (0755, files
 * 0666) is fixed here on the next start. Symbolic links are left alone (chmod would follow them).
 */
export function prepareDataDir(dataDir: string) {
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  tightenTree(dataDir);
}

export function tightenTree(root: string) {
  const stat = lstatSync(root);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    if ((stat.mode & 0o777) !== PRIVATE_DIR_MODE) chmodSync(root, PRIVATE_DIR_MODE);
    for (const entry of readdirSync(root)) tightenTree(path.join(root, entry));
  } else if ((stat.mode & 0o777) !== PRIVATE_FILE_MODE) {
    chmodSync(root, PRIVATE_FILE_MODE);
  }
}

/** Emscripten's NODEFS, as much of it as is patched here. */
interface NodeFsOps {
  node_ops: {
    mknod(parent: unknown, name: string, mode: number, dev: number): unknown;
    setattr(node: unknown, attr: { mode?: number }): void;
  };
  stream_ops: { setattr?(stream: unknown, attr: { mode?: number }): void };
}

/**
 * PGlite options for a file-backed database in `<dataDir>/pgdata`.
 *
 * Files: PGlite runs PostgreSQL in WebAssembly over Emscripten's NODEFS, which creates host files
 * with the modes asked for inside its virtual system. PGlite's build ends up with 0666 files and 0755
 * folders (its initdb also allows group access), and the process umask does not help (measured: the
 * same 0666 files under umask 077). So NODEFS's create and chmod are wrapped to drop the
 * group and other bits before they reach the host: new relation files, WAL segments and anything
 * PostgreSQL makes later are born 0600 (folders 0700), with no moment of being readable by others.
 *
 * WAL: `wal_recycle=off` makes PostgreSQL delete a finished WAL segment instead of renaming it for
 * reuse, so the erasure scrub (below) can remove every segment that held erased words (ADR 060).
 */
export async function privateStorageOptions(dataDir: string, folder = "pgdata"): Promise<Pick<PGliteOptions, "fs" | "startParams">> {
  const { NodeFS } = await import("@electric-sql/pglite/nodefs");
  // NodeFS would make the folder itself with the default mode.
  mkdirSync(path.join(dataDir, folder), { recursive: true, mode: PRIVATE_DIR_MODE });
  const { PGlite } = await import("@electric-sql/pglite");
  class PrivateNodeFS extends NodeFS {
    override async init(pg: PGlite, opts: Parameters<InstanceType<typeof NodeFS>["init"]>[1]) {
      const { emscriptenOpts } = await super.init(pg, opts);
      const preRun = [...((emscriptenOpts.preRun as ((mod: unknown) => void)[] | undefined) ?? [])];
      preRun.push((mod) => withoutGroupAndOtherBits((mod as { NODEFS?: NodeFsOps }).NODEFS));
      return { emscriptenOpts: { ...emscriptenOpts, preRun } };
    }
  }
  return {
    fs: new PrivateNodeFS(path.join(dataDir, folder)),
    startParams: [...PGlite.defaultStartParams, "-c", "wal_recycle=off"],
  };
}

function withoutGroupAndOtherBits(nodefs: NodeFsOps | undefined) {
  // A PGlite upgrade that changes Emscripten's internals must not silently lose this: refuse to open.
  if (!nodefs?.node_ops?.mknod || !nodefs.node_ops.setattr) {
    throw new Error("The embedded database cannot make its files private (PGlite's file system changed); see db/embedded-storage.ts.");
  }
  const { node_ops, stream_ops } = nodefs;
  const mknod = node_ops.mknod;
  node_ops.mknod = (parent, name, mode, dev) => mknod(parent, name, mode & ~GROUP_AND_OTHER, dev);
  const nodeSetattr = node_ops.setattr;
  node_ops.setattr = (node, attr) => nodeSetattr(node, privateAttr(attr));
  const streamSetattr = stream_ops.setattr;
  if (streamSetattr) stream_ops.setattr = (stream, attr) => streamSetattr(stream, privateAttr(attr));
}

function privateAttr<T extends { mode?: number }>(attr: T): T {
  return attr.mode === undefined ? attr : { ...attr, mode: attr.mode & ~GROUP_AND_OTHER };
}

// ---------------------------------------------------------------------------------------------
// Erasure on disk (ADR 060). Deleting rows leaves their bytes in the table files (dead tuples,
// freed space, statistics samples) and in the write-ahead log until those are rewritten. After an
// erasure on the embedded database, the scrub rewrites every table that can hold a participant's
// words, refreshes statistics that sampled them, and retires the WAL segments that recorded them.

interface EmbeddedStorage {
  dataDir: string;
  pglite?: PGlite;
  /** The scrub under way, so that a second erasure or closing waits for it instead of overlapping. */
  running?: Promise<void>;
}

// One registry for every copy of this module in the process: the server (scripts/, compiled or run
// through tsx) opens the database, and the app's build (build/index.js, which carries its own copy of
// this file) erases through it. With a registry per copy, an erasure made on a page found no storage
// and was never scrubbed from disk.
const REGISTRY = Symbol.for("tandem.embedded-storage");
const storages = ((globalThis as Record<symbol, unknown>)[REGISTRY] ??= new WeakMap<object, EmbeddedStorage>()) as WeakMap<
  object,
  EmbeddedStorage
>;
const PENDING_FILE = "erasure-scrub-pending";

/**
 * Called by db/index.ts once a file-backed embedded database is open (in memory there is no disk
 * to scrub). A scrub left pending by a crash between an erasure and its scrub runs now.
 */
export async function attachEmbeddedStorage(db: Kysely<any>, dataDir: string | undefined, pglite?: PGlite) {
  if (!dataDir) return { beforeClose: async () => {}, afterClose: () => {} };
  const storage: EmbeddedStorage = { dataDir, pglite };
  storages.set(db, storage);
  if (existsSync(pendingPath(storage))) await scrub(db, storage);
  return {
    /** A clean stop finishes a scrub that is under way or pending, then makes the folder private once more. */
    beforeClose: async () => {
      await storage.running;
      if (existsSync(pendingPath(storage))) await scrub(db, storage).catch(() => {});
    },
    afterClose: () => tightenTree(dataDir),
  };
}

/**
 * Before an erasure's transaction: records that a scrub is owed, so that a crash after the commit
 * still gets one at the next start. Nothing on PostgreSQL or in memory.
 */
export function erasureStarting(db: Kysely<any>) {
  const storage = storages.get(db);
  if (storage) writeFileSync(pendingPath(storage), new Date().toISOString(), { mode: PRIVATE_FILE_MODE });
}

/**
 * After an erasure's transaction has committed (never inside it: VACUUM cannot run in a
 * transaction, and a rolled-back erasure has nothing to scrub). Idempotent. On PostgreSQL this does
 * nothing: see ADR 060 for what holds there. A failure is logged, not thrown: the erasure itself is
 * done, and the pending mark makes the scrub run again when the database closes or next opens.
 */
export async function erasureCommitted(db: Kysely<any>) {
  const storage = storages.get(db);
  if (!storage) return;
  try {
    await scrub(db, storage);
  } catch (error) {
    console.error(
      `database: the erased words could not yet be scrubbed from disk (${(error as Error).message}); retried at the next stop or start`,
    );
  }
}

/**
 * The whole database folder as PGlite's gzipped tarball, after a checkpoint so that the table files
 * are current (db/embedded-backup.ts). Queued behind running queries like any other statement.
 */
export async function dumpEmbeddedDatabase(db: Kysely<any>): Promise<Buffer> {
  const storage = storages.get(db);
  if (!storage?.pglite) throw new Error("Only a file-backed embedded database can be dumped.");
  await storage.running;
  await sql`checkpoint`.execute(db);
  const tarball = await storage.pglite.dumpDataDir("gzip");
  return Buffer.from(await tarball.arrayBuffer());
}

async function scrub(db: Kysely<any>, storage: EmbeddedStorage) {
  const previous = storage.running ?? Promise.resolve();
  const run = previous.catch(() => {}).then(() => scrubNow(db, storage));
  storage.running = run;
  try {
    await run;
  } finally {
    if (storage.running === run) storage.running = undefined;
  }
}

async function scrubNow(db: Kysely<any>, storage: EmbeddedStorage) {
  const tables = await tablesHoldingParticipantData(db);
  if (tables.length > 0) {
    const list = tables.map((table) => `public.${quoteIdent(table)}`).join(", ");
    // VACUUM FULL writes each table (with its TOAST table and indexes) afresh without dead rows and
    // empties the old files; a plain VACUUM only marks the space free, leaving the words in it.
    await sql.raw(`vacuum full ${list}`).execute(db);
    // ANALYZE keeps sample values (most common values, histogram bounds) in pg_statistic. Where a
    // table has statistics they are taken again, and pg_statistic itself is rewritten.
    const sampled = await sql<{ table: string }>`
      select distinct c.relname as "table" from pg_statistic s join pg_class c on c.oid = s.starelid
      join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relname = any(${tables})`.execute(db);
    if (sampled.rows.length > 0) {
      await sql.raw(`analyze ${sampled.rows.map((row) => `public.${quoteIdent(row.table)}`).join(", ")}`).execute(db);
      await sql.raw("vacuum full pg_catalog.pg_statistic").execute(db);
    }
  }
  // The WAL still holds the deleted rows (and full-page images of their pages). A checkpoint makes
  // the segments before it unnecessary; switching segments and checkpointing again lets PostgreSQL
  // remove all of them (deleted, not recycled: wal_recycle=off, set in privateStorageOptions).
  await sql`checkpoint`.execute(db);
  await sql`select pg_switch_wal()`.execute(db);
  await sql`checkpoint`.execute(db);
  rmSync(pendingPath(storage), { force: true });
}

/**
 * participant and every table that references it, directly or through other tables (answers through
 * responses, codings through segments …), from the foreign keys themselves, so a table added later
 * is covered without a list to keep.
 */
async function tablesHoldingParticipantData(db: Kysely<any>): Promise<string[]> {
  const result = await sql<{ table: string }>`
    with recursive holding(oid) as (
      select c.oid from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relname = 'participant'
      union
      select con.conrelid from pg_constraint con join holding h on con.confrelid = h.oid where con.contype = 'f'
    )
    select c.relname as "table" from holding h join pg_class c on c.oid = h.oid order by c.relname`.execute(db);
  return result.rows.map((row) => row.table);
}

function pendingPath(storage: EmbeddedStorage) {
  return path.join(storage.dataDir, PENDING_FILE);
}

function quoteIdent(name: string) {
  return `"${name.replaceAll('"', '""')}"`;
}
