/**
 * Backup and restore of the embedded database (ADR 061): the whole PGlite data folder as one gzipped
 * tarball, written 0600. PostgreSQL is backed up with its own tools (README, "Backups").
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { acquireLock, openDatabase } from "./index";
import { dumpEmbeddedDatabase, prepareDataDir, privateStorageOptions, PRIVATE_FILE_MODE, tightenTree } from "./embedded-storage";

/** A backup or restore that cannot go ahead; the message says why and what to do. Nothing was changed. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupError";
  }
}

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

function refuseOnPostgres() {
  if (process.env.DATABASE_URL) {
    throw new BackupError(
      'DATABASE_URL is set, so Tandem uses PostgreSQL: back it up with pg_dump and restore with pg_restore (README, "Backups").',
    );
  }
}

function holdsDatabase(pgdata: string) {
  return existsSync(pgdata) && readdirSync(pgdata).length > 0;
}

/**
 * Writes the embedded database in `dataDir` to `outFile`. Needs the database to itself: while the
 * server runs it holds the folder's lock, and this fails with a sentence saying so (stop it first).
 * The database is opened as it is, not migrated, so a backup taken before an upgrade is the old state.
 */
export async function backupEmbedded(dataDir: string, outFile: string): Promise<{ bytes: number }> {
  refuseOnPostgres();
  if (existsSync(outFile)) throw new BackupError(`${outFile} already exists; choose a new file name (a backup never overwrites one).`);
  if (!existsSync(path.join(dataDir, "pgdata", "PG_VERSION"))) throw new BackupError(`There is no embedded database in ${dataDir}.`);
  const handle = await openDatabase({ dataDir });
  try {
    const tarball = await dumpEmbeddedDatabase(handle.db);
    // Written under a temporary name first: a backup that stopped half-way never looks complete.
    const partial = `${outFile}.partial`;
    writeFileSync(partial, tarball, { mode: PRIVATE_FILE_MODE, flag: "wx" });
    renameSync(partial, outFile);
    return { bytes: tarball.length };
  } finally {
    await handle.close();
  }
}

/**
 * Puts the database from `file` into `dataDir`. Refuses while another process (the server) holds the
 * folder, and refuses to replace a database that is there unless `force`; then the replaced one is
 * kept beside it (`pgdata.before-restore-<time>`) for the operator to check and delete. The backup is
 * opened in a folder of its own first, so an unreadable file changes nothing.
 */
export async function restoreEmbedded(
  dataDir: string,
  file: string,
  options: { force?: boolean } = {},
): Promise<{ replacedKeptIn?: string }> {
  refuseOnPostgres();
  if (!existsSync(file) || !statSync(file).isFile()) throw new BackupError(`There is no file ${file}.`);
  const bytes = readFileSync(file);
  if (bytes.subarray(0, 2).compare(GZIP_MAGIC) !== 0) {
    throw new BackupError(`${file} is not a backup made by "cli backup" (a gzipped tar file); nothing was changed.`);
  }
  prepareDataDir(dataDir);
  const releaseLock = acquireLock(dataDir);
  try {
    const pgdata = path.join(dataDir, "pgdata");
    if (holdsDatabase(pgdata) && !options.force) {
      throw new BackupError(
        `${dataDir} already holds a database; nothing was changed. To replace it, add --force (the current one is kept beside it).`,
      );
    }
    const staging = path.join(dataDir, "pgdata.restoring");
    rmSync(staging, { recursive: true, force: true });
    try {
      await openBackupIn(dataDir, "pgdata.restoring", bytes);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      throw new BackupError(`${file} could not be read as a Tandem database (${(error as Error).message}); nothing was changed.`);
    }
    let replacedKeptIn: string | undefined;
    if (existsSync(pgdata)) {
      if (holdsDatabase(pgdata)) {
        replacedKeptIn = `${pgdata}.before-restore-${new Date().toISOString().replace(/[:.]/g, "-")}`;
        renameSync(pgdata, replacedKeptIn);
      } else {
        rmSync(pgdata, { recursive: true, force: true });
      }
    }
    renameSync(staging, pgdata);
    tightenTree(dataDir);
    return { replacedKeptIn };
  } finally {
    releaseLock();
  }
}

/** Unpacks the tarball into dataDir/folder through PGlite itself and checks that it is a Tandem database. */
async function openBackupIn(dataDir: string, folder: string, tarball: Buffer) {
  const { PGlite } = await import("@electric-sql/pglite");
  const pglite = await PGlite.create({
    ...(await privateStorageOptions(dataDir, folder)),
    loadDataDir: new Blob([new Uint8Array(tarball)], { type: "application/x-gzip" }),
  });
  try {
    await pglite.query("select count(*) from kysely_migration");
  } finally {
    await pglite.close();
  }
}
