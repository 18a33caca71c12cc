import type { PGlite } from "@electric-sql/pglite";
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from "kysely";

/**
 * Kysely dialect for embedded PGlite.
 *
 * PGlite is one Postgres backend with one session, so a transaction and an unrelated query from a
 * concurrent request must never interleave on it. The driver hands out its single connection under a
 * FIFO lock: Kysely holds a connection for a whole transaction, so a transaction is exclusive, and
 * ordinary queries queue behind it. (The published kysely-pglite-dialect does not yet support PGlite 0.5.)
 */
export interface PGliteDialectOptions {
  /** Told of every failed query (db/faults.ts decides which are storage failures). */
  onError?: (error: unknown) => void;
}

export class PGliteDialect implements Dialect {
  constructor(
    private readonly pglite: PGlite,
    private readonly options: PGliteDialectOptions = {},
  ) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PGliteDriver(this.pglite, this.options);
  }
  createIntrospector(db: Kysely<any>) {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}

class PGliteDriver implements Driver {
  private queue: Promise<void> = Promise.resolve();
  private readonly connection: PGliteConnection;
  constructor(
    private readonly pglite: PGlite,
    options: PGliteDialectOptions,
  ) {
    this.connection = new PGliteConnection(pglite, options.onError);
  }
  async init() {}
  async acquireConnection(): Promise<DatabaseConnection> {
    let release!: () => void;
    const turn = new Promise<void>((resolve) => (release = resolve));
    const previous = this.queue;
    this.queue = previous.then(() => turn);
    await previous;
    this.connection.release = release;
    return this.connection;
  }
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    const isolation = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : "";
    await connection.executeQuery(CompiledQuery.raw(`begin${isolation}`));
  }
  async commitTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw("commit"));
  }
  async rollbackTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw("rollback"));
  }
  async releaseConnection(connection: DatabaseConnection) {
    (connection as PGliteConnection).release?.();
  }
  async destroy() {
    // Wait for queued work so that closing never cuts a transaction in half.
    await this.queue;
    if (!this.pglite.closed) await this.pglite.close();
  }
}

class PGliteConnection implements DatabaseConnection {
  release?: () => void;
  constructor(
    private readonly pglite: PGlite,
    private readonly onError?: (error: unknown) => void,
  ) {}
  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    let result;
    try {
      result = await this.pglite.query<R>(compiled.sql, compiled.parameters as unknown[], {
        rowMode: "object",
      });
    } catch (error) {
      this.onError?.(error);
      throw error;
    }
    const command = (result as { command?: string }).command;
    const affected = result.affectedRows;
    return {
      rows: result.rows,
      ...(affected !== undefined && command !== "SELECT" ? { numAffectedRows: BigInt(affected) } : {}),
    };
  }
  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("Streaming queries are not supported on the embedded database.");
  }
}
