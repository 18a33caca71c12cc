import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from "node:fs";
import path from "node:path";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Database } from "./schema";
import { PGliteDialect } from "./pglite-dialect";

export type { Database } from "./schema";
export type DB = Kysely<Database>;

export interface DatabaseHandle {
  db: DB;
  kind: "embedded" | "postgres";
  /** Human-readable description for start-up messages; never contains a password. */
  describe: string;
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

function openPostgres(url: string): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client can lose its server (restart, network): without a listener the pool's 'error'
  // event would crash the process. The pool discards the client and makes a new one on demand.
  pool.on("error", (error) => {
    console.error(`database: idle connection lost (${error.message})`);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
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
    mkdirSync(dataDir, { recursive: true });
    releaseLock = acquireLock(dataDir);
  }
  try {
    const pglite = await PGlite.create(inMemory ? undefined : path.join(dataDir, "pgdata"), {
      parsers: { [DATE_OID]: (value: string) => value, [INT8_OID]: (value: string) => Number(value) },
    });
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    return {
      db,
      kind: "embedded",
      describe: inMemory ? "embedded database (in memory)" : `embedded database in ${dataDir}`,
      close: async () => {
        await db.destroy();
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
function acquireLock(dataDir: string): () => void {
  const lockPath = path.join(dataDir, "tandem.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, "wx");
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
