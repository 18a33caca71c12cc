import { existsSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from "node:fs";
import path from "node:path";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Database } from "./schema";
import { PGliteDialect } from "./pglite-dialect";
import { attachEmbeddedStorage, prepareDataDir, privateStorageOptions } from "./embedded-storage";
import { DatabaseFaults } from "./faults";
import { registerStudyChanges, StudyChangesPlugin, type StudyChanges } from "./study-changes";

export type { Database } from "./schema";
export type DB = Kysely<Database>;

export interface DatabaseHandle {
  db: DB;
  kind: "embedded" | "postgres";
  /** Human-readable description for start-up messages; never contains a password. */
  describe: string;
  /** Faults seen while running; the server exits on an embedded storage failure (db/faults.ts). */
  faults?: DatabaseFaults;
  close(): Promise<void>;
}

/** Thrown when another process already holds the embedded database. */
export class EmbeddedDatabaseHeldError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database in ${dataDir} is in use by another Tandem process (pid ${pid}). ` +
        `Stop the server first, or set DATABASE_URL to use PostgreSQL, which many processes can share.`,
    );
    this.name = "EmbeddedDatabaseHeldError";
  }
}

// DATE columns stay 'YYYY-MM-DD' strings: turning them into JS Dates would shift them by the
// server's time zone, and participant records deliberately carry a date, not a moment.
const DATE_OID = 1082;
const INT8_OID = 20;
pg.types.setTypeParser(DATE_OID, (value) => value);
pg.types.setTypeParser(INT8_OID, (value) => Number(value));

export function defaultDataDir() {
  return path.resolve(process.env.DATA_DIR ?? ".data");
}

export interface OpenOptions {
  /** postgres://… ; when absent, the embedded database is used. */
  url?: string;
  /** Folder for the embedded database; `memory://` keeps it in memory (tests). */
  dataDir?: string;
}

export async function openDatabase(options: OpenOptions = {}): Promise<DatabaseHandle> {
  const url = options.url ?? process.env.DATABASE_URL;
  if (url) return openPostgres(url);
  return openEmbedded(options.dataDir ?? defaultDataDir());
}

/** A database whose writes to the studies a participant page keeps are counted (db/study-changes.ts). */
function watched(open: (plugins: StudyChangesPlugin[]) => DB): DB {
  const changes: StudyChanges = { count: 0 };
  const db = open([new StudyChangesPlugin(changes)]);
  registerStudyChanges(db, changes);
  return db;
}

function openPostgres(url: string): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // A client can lose its server (restart, network) while idle in the pool or while checked out
  // between two statements of a request. The pool listens on idle clients only (its 'error' event);
  // a checked-out client without a listener would turn `Connection terminated unexpectedly` into an
  // uncaught 'error' event and end the process. So every client gets its own listener when it is
  // made. A client that has failed is no longer queryable, and the pool discards it when it is
  // released; the statement running on it rejects, and the request answers 503 (db/faults.ts).
  let lastLogged = 0;
  const lost = (error: Error) => {
    // One line per burst: a restart drops every client at once.
    if (Date.now() - lastLogged < 5_000) return;
    lastLogged = Date.now();
    console.error(`database: connection lost (${error.message}); requests answer 503 until it is back`);
  };
  pool.on("connect", (client) => client.on("error", lost));
  pool.on("error", lost);
  const db = watched((plugins) => new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins }));
  const target = new URL(url);
  return {
    db,
    kind: "postgres",
    describe: `PostgreSQL at ${target.hostname}:${target.port || 5432}${target.pathname}`,
    close: () => db.destroy(),
  };
}

async function openEmbedded(dataDir: string): Promise<DatabaseHandle> {
  const { PGlite } = await import("@electric-sql/pglite");
  const inMemory = dataDir.startsWith("memory://");
  let releaseLock = () => {};
  if (!inMemory) {
    prepareDataDir(dataDir);
    releaseLock = acquireLock(dataDir);
  }
  try {
    const pglite = await PGlite.create(inMemory ? undefined : path.join(dataDir, "pgdata"), {
      ...(inMemory ? {} : await privateStorageOptions(dataDir)),
      parsers: { [DATE_OID]: (value: string) => value, [INT8_OID]: (value: string) => Number(value) },
    });
    const faults = new DatabaseFaults();
    const db = watched(
      (plugins) => new Kysely<Database>({ dialect: new PGliteDialect(pglite, { onError: (error) => faults.observe(error) }), plugins }),
    );
    const storage = await attachEmbeddedStorage(db, inMemory ? undefined : dataDir, pglite);
    return {
      db,
      kind: "embedded",
      faults,
      describe: inMemory ? "embedded database (in memory)" : `embedded database in ${dataDir}`,
      close: async () => {
        await storage.beforeClose();
        await db.destroy();
        storage.afterClose();
        releaseLock();
      },
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}

/**
 * PGlite keeps the whole database in one process. Two processes writing the same folder would corrupt
 * it, so the folder carries a lock file with the holder's pid; a lock left by a dead process is taken over.
 */
export function acquireLock(dataDir: string): () => void {
  const lockPath = path.join(dataDir, "tandem.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, "wx", 0o600);
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        if (existsSync(lockPath) && readFileSync(lockPath, "utf8") === String(process.pid)) rmSync(lockPath);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number(readFileSync(lockPath, "utf8"));
      if (pid && isAlive(pid)) throw new EmbeddedDatabaseHeldError(dataDir, pid);
      rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Could not lock the embedded database in ${dataDir}.`);
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
