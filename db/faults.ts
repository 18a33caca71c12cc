/**
 * What counts as "the database is unavailable", in one place (docs/decisions/058-database-faults-and-health.md).
 *
 * A request that fails because the database cannot be reached, or cannot write, is not the app's bug:
 * the server answers it with 503 (scripts/remix-handler.ts turns such an error, thrown from any loader
 * or action, into a thrown 503 Response, so the root ErrorBoundary sees
 * `isRouteErrorResponse(error) && error.status === 503` and can say so kindly), and service resumes by
 * itself once the database is back.
 */

/** Thrown (or recognised) when the database cannot be reached or cannot write. */
export class DatabaseUnavailableError extends Error {
  constructor(message = "The database is unavailable.", options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DatabaseUnavailableError";
  }
}

// Node's socket errors when the server is down, restarting or unreachable.
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);
// SQLSTATEs outside class 08 (connection exception) and 58 (system error) that mean "not now":
// admin_shutdown, crash_shutdown, cannot_connect_now (starting or shutting down), too_many_connections,
// disk_full, insufficient_resources, out_of_memory, io_error.
const UNAVAILABLE_STATES = new Set(["57P01", "57P02", "57P03", "53300", "53100", "53000", "53200", "58030"]);
// node-postgres and the embedded database say these in words only.
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|is not queryable|PGlite is closed|driver has already been destroyed/i;
// PostgreSQL's own wording when a relation file cannot be created, opened, written or grown (md.c, fd.c).
// Some of these carry a SQLSTATE outside class 58 (EISDIR gives 42809), so the words decide too.
const STORAGE_MESSAGES =
  /could not (create|open|write|extend|read|fsync|truncate|seek)\b[^"]*\b(file|block)|could not write to file|could not extend file/i;

function causes(error: unknown): unknown[] {
  const seen: unknown[] = [];
  const queue = [error];
  while (queue.length && seen.length < 10) {
    const next = queue.shift();
    if (next === null || next === undefined || seen.includes(next)) continue;
    seen.push(next);
    if (typeof next === "object") {
      const { cause, errors } = next as { cause?: unknown; errors?: unknown };
      if (cause) queue.push(cause);
      if (Array.isArray(errors)) queue.push(...errors);
    }
  }
  return seen;
}

function field(error: unknown, name: "code" | "message"): string {
  const value = typeof error === "object" && error !== null ? (error as Record<string, unknown>)[name] : undefined;
  return typeof value === "string" ? value : "";
}

/** The database could not write to its files (SQLSTATE class 58, or PostgreSQL's file-access wording). */
export function isStorageFailure(error: unknown): boolean {
  return causes(error).some((e) => {
    const code = field(e, "code");
    return /^58/.test(code) || STORAGE_MESSAGES.test(field(e, "message"));
  });
}

/** The error says the database is unreachable, restarting, or cannot write now: answer 503, not 500. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (isStorageFailure(error)) return true;
  return causes(error).some((e) => {
    if (e instanceof DatabaseUnavailableError) return true;
    const code = field(e, "code");
    return /^08/.test(code) || UNAVAILABLE_STATES.has(code) || NETWORK_CODES.has(code) || UNAVAILABLE_MESSAGES.test(field(e, "message"));
  });
}

/**
 * Faults a database handle reports while it runs. On the embedded database a storage failure can leave
 * PGlite broken until it is restarted, so the server listens here, reports itself unhealthy and exits
 * for its supervisor to restart it.
 */
export class DatabaseFaults {
  storageFailure: Error | undefined;
  private readonly listeners = new Set<(error: Error) => void>();

  onStorageFailure(listener: (error: Error) => void): () => void {
    this.listeners.add(listener);
    if (this.storageFailure) listener(this.storageFailure);
    return () => this.listeners.delete(listener);
  }

  /** Called by the embedded database's driver with every failed query; only the first storage failure is told on. */
  observe(error: unknown) {
    if (this.storageFailure || !isStorageFailure(error)) return;
    this.storageFailure = error instanceof Error ? error : new Error(String(error));
    for (const listener of this.listeners) listener(this.storageFailure);
  }
}
