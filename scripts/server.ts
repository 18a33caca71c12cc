import { createHmac, randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import type { Server } from "node:http";
import { isIP } from "node:net";
import { constants as zlibConstants } from "node:zlib";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import "../app/context";
import compression from "compression";
import express, { type NextFunction, type Request, type Response } from "express";
import { sql } from "kysely";
import type { DatabaseHandle } from "../db/index";
import type { Secrets } from "../app/security/secrets.server";
import { QUICK_EXIT_URL } from "../app/participants/quick-exit";
import { createRequestHandler } from "./remix-handler";
import { scheduleDailyRetention } from "../app/studies/retention-schedule.server";

export interface ServerOptions {
  database: DatabaseHandle;
  secrets: Secrets;
  port?: number;
  host?: string;
  /** Where request lines go; tests capture them to prove nothing personal is logged. */
  log?: (line: string) => void;
  build?: ServerBuild;
  /**
   * Which reverse proxies to believe about X-Forwarded-* (HTTPS detection and the client address):
   * a number of hops, or the proxies' addresses and subnets (parseTrustProxy reads TRUST_PROXY).
   */
  trustProxy?: TrustProxy;
  production?: boolean;
  /** Extra express routes mounted before the app (tests use it for a deliberately slow request). */
  mount?: (app: express.Express) => void;
  /**
   * Ends the process after a fatal database fault, once requests in flight are answered (a supervisor
   * restarts it). Tests pass their own to watch it happen.
   */
  exit?: (code: number) => void;
  /** Erase studies' data on their retention date once a day (npm start turns it on; tests do not). */
  dailyRetention?: boolean;
}

/** Hops to trust (1: the address the nearest proxy saw), or the proxies' addresses and subnets. */
export type TrustProxy = number | string[];

/** Thrown for a TRUST_PROXY that does not say which proxies to trust. */
export class TrustProxySettingError extends Error {
  constructor(value: string) {
    super(
      `TRUST_PROXY=${JSON.stringify(value)} is not understood. Set it to the number of reverse proxies in front of Tandem ` +
        `(usually 1), or to their addresses or subnets separated by commas (for example 127.0.0.1 or 10.0.0.0/8,loopback). ` +
        `"true" is refused: trusting every hop lets any client choose its own address and walk past the rate limits.`,
    );
    this.name = "TrustProxySettingError";
  }
}

const PROXY_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

/** Reads TRUST_PROXY: unset, empty or 0 trusts no proxy; a whole number or a list of addresses is taken; anything else is refused. */
export function parseTrustProxy(value: string | undefined): TrustProxy | undefined {
  const text = value?.trim() ?? "";
  if (text === "" || text === "0") return undefined;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 0 && hops <= 10) return hops;
    throw new TrustProxySettingError(text);
  }
  const entries = text.split(",").map((entry) => entry.trim());
  for (const entry of entries) {
    const [address, bits, ...rest] = entry.split("/");
    const family = isIP(address ?? "");
    const validBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (PROXY_NAMES.has(entry)) continue;
    if (!family || !validBits || rest.length) throw new TrustProxySettingError(text);
  }
  return entries;
}

export interface RunningServer {
  url: string;
  server: Server;
  /** Stops taking connections, lets in-flight requests finish, then closes the database. */
  close(): Promise<void>;
}

export async function loadBuild(root = process.cwd()): Promise<ServerBuild> {
  return (await import(pathToFileURL(path.join(root, "build", "index.js")).href)) as ServerBuild;
}

export function contentSecurityPolicy(nonce: string) {
  return [
    "default-src 'self'",
    `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self'",
    // Charts render SVG with style attributes; no inline <style> or script is allowed.
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    // The quick exit's form is redirected to the neutral site (app/participants/quick-exit.ts).
    `form-action 'self' ${new URL(QUICK_EXIT_URL).origin}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join("; ");
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => console.log(line));
  const build = options.build ?? (await loadBuild());
  const db = options.database.db;
  const production = options.production ?? process.env.NODE_ENV === "production";
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const app = express();
  app.disable("x-powered-by");
  // Never `true`: express would then take the left-most X-Forwarded-For, which the client writes.
  if (typeof options.trustProxy === "number" || Array.isArray(options.trustProxy)) {
    if (typeof options.trustProxy === "number" && !(Number.isInteger(options.trustProxy) && options.trustProxy > 0)) {
      throw new TrustProxySettingError(String(options.trustProxy));
    }
    app.set("trust proxy", options.trustProxy);
  } else if (options.trustProxy !== undefined) {
    throw new TrustProxySettingError(String(options.trustProxy));
  }

  // Set once the embedded database has failed to write to its files: /healthz says so, and the
  // process exits for its supervisor to restart it (PGlite stays broken until then).
  let fatal: string | undefined;
  // Requests that arrived before that: the exit waits for them. Later ones are still answered (reads
  // may work; a failed write answers 503) on connections that close, and are not waited for.
  let inFlight = 0;
  let whenDrained: (() => void) | undefined;
  app.use((_req, res, next) => {
    if (fatal) {
      res.setHeader("Connection", "close");
      return next();
    }
    inFlight++;
    res.on("close", () => {
      if (--inFlight === 0) whenDrained?.();
      // While shutting down, a keep-alive connection that has just gone idle would hold close()
      // open until its timeout.
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
    next();
  });

  // The request log names the method, path, status and duration: never the address, the user
  // agent, cookies or the query string, any of which could identify a participant or carry what they typed.
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log(`${req.method} ${req.path} ${res.statusCode} ${ms.toFixed(1)}ms`);
    });
    next();
  });

  // Brotli's window at 256 KB instead of 4 MB: every page is far smaller, so the output is the same
  // bytes, and each response no longer sets up a 4 MB window (a third of the compression's CPU).
  app.use(compression({ brotli: { params: { [zlibConstants.BROTLI_PARAM_LGWIN]: 18 } } }));

  app.use((req, res, next) => {
    const nonce = randomBytes(16).toString("base64");
    res.locals.nonce = nonce;
    res.setHeader("Content-Security-Policy", contentSecurityPolicy(nonce));
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Referrer-Policy", "no-referrer");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
    if (production) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    next();
  });

  // Healthy means the database can write: a one-row upsert in a transaction of its own
  // (migration 0013), bounded in time so a hung database reads as unhealthy rather than hanging the probe.
  app.get("/healthz", async (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    if (fatal) {
      res.status(503).type("text/plain").send(`unhealthy: ${fatal}`);
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        db
          .transaction()
          .execute((trx) =>
            sql`insert into health_probe (id, checked_at) values (1, now()) on conflict (id) do update set checked_at = excluded.checked_at`.execute(
              trx,
            ),
          ),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("no answer within 3 s")), 3_000))),
      ]);
      res.status(200).type("text/plain").send("ok");
    } catch (error) {
      res
        .status(503)
        .type("text/plain")
        .send(fatal ? `unhealthy: ${fatal}` : `database unavailable: cannot write (${(error as Error).message})`);
    } finally {
      clearTimeout(timer);
    }
  });

  options.mount?.(app);

  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  // Only for what public/ holds at its top level (favicon.ico, quick-exit.js): a page's address
  // would otherwise cost a file-system look-up on every request (issue 15; ADR 073).
  const publicNames = new Set(existsSync("public") ? readdirSync("public") : []);
  const servePublic = express.static("public", { maxAge: "1h" });
  app.use((req, res, next) => (publicNames.has(req.path.split("/")[1] ?? "") ? servePublic(req, res, next) : next()));

  // The server's own refusals (403, 405, 413) are the app's kind, translated error page when the
  // build offers one (app/entry.server.tsx, errorDocument), plain text otherwise.
  app.locals.errorDocument = (build.entry.module as { errorDocument?: ErrorDocument }).errorDocument;
  app.use(onlyPageMethods);
  app.use(rejectCrossSiteWrites);
  app.use(limitRequestBodies);

  app.all(
    "*",
    createRequestHandler({
      build,
      mode: production ? "production" : "development",
      bodyLimit,
      tooLarge,
      getLoadContext: (req, res): AppLoadContext => ({
        db,
        secrets: options.secrets,
        nonce: res.locals.nonce as string,
        clientKey: clientKeyOf(req, options.secrets),
        // In production Tandem is only ever reached over HTTPS (README), so cookies are Secure and
        // __Host- prefixed whatever the proxy says: a proxy that forgets X-Forwarded-Proto must not
        // make them travel in clear.
        secureCookies: production,
        dataRequest: typeof req.query._data === "string",
      }),
    }),
  );

  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(options.port ?? 3000, options.host ?? "127.0.0.1", () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  let closing: Promise<void> | undefined;
  const stopRetention = options.dailyRetention ? scheduleDailyRetention(db, log) : () => {};
  const running: RunningServer = {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    server,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        stopRetention();
        server.close(() => resolve());
        server.closeIdleConnections();
        // Requests still running after ten seconds are cut off so that shutdown always ends.
        setTimeout(() => server.closeAllConnections(), 10_000).unref();
      }).then(() => options.database.close())),
  };

  // After a storage failure PGlite can fail every later write until it is restarted, while reads
  // still work: staying up would look healthy and lose what people submit. So: say so on /healthz,
  // log one line, finish the requests in flight, and exit non-zero for the supervisor to restart.
  options.database.faults?.onStorageFailure((error) => {
    if (fatal) return;
    fatal = `the embedded database could not write to its files (${error.message})`;
    log(`fatal: ${fatal}; finishing requests in flight, then exiting so that the supervisor restarts Tandem`);
    const stop = () =>
      void running.close().then(
        () => exit(1),
        () => exit(1),
      );
    if (inFlight === 0) stop();
    else whenDrained = stop;
  });
  return running;
}

/**
 * Cross-site request defence for every state change, in one place: a browser sends Origin (or
 * Sec-Fetch-Site) with a POST, and a POST from another site is refused before any route runs.
 * Workspace forms carry a session-bound token as well (app/auth), and cookies are SameSite=Lax.
 */
/**
 * Remix reads a form body whole before an action can look at it, so an oversized post is refused
 * here, before it is read. Participant and public forms carry at most a few long answers (1 MB is
 * far beyond any real page); the workspace takes transcript uploads.
 */
export const BODY_LIMITS = { participant: 1024 * 1024, workspace: 25 * 1024 * 1024 };

/**
 * The rate limits' name for a client: a keyed hash of its address as `trust proxy` reads it (the
 * socket's peer, or the address the nearest trusted proxy saw). The address itself goes no further.
 */
export function clientKeyOf(req: Request, secrets: Secrets) {
  return createHmac("sha256", secrets.clientKey)
    .update(req.ip ?? req.socket.remoteAddress ?? "unknown")
    .digest("hex")
    .slice(0, 32);
}

function bodyLimit(req: Request) {
  return req.path.startsWith("/research") ? BODY_LIMITS.workspace : BODY_LIMITS.participant;
}

// Connection: close, because the rest of the body is never read: the socket is closed once this is sent.
function tooLarge(res: Response, limit: number) {
  if (res.headersSent) return;
  res.setHeader("Connection", "close");
  refuse(
    res,
    413,
    `That was more than this page can take at once (over ${Math.round(limit / 1024 / 1024)} MB). Go back, shorten it and try again.`,
  );
}

type ErrorDocument = (input: { path: string; cookie?: string; status: number }) => string;

function refuse(res: Response, status: number, text: string) {
  const errorDocument = res.app.locals.errorDocument as ErrorDocument | undefined;
  if (errorDocument) {
    try {
      res
        .status(status)
        .type("html")
        .send(errorDocument({ path: res.req.originalUrl, cookie: res.req.get("cookie"), status }));
      return;
    } catch {
      // fall through to the plain answer: a refusal must never become a 500
    }
  }
  res.status(status).type("text/plain").send(text);
}

// A declared length over the limit is refused before anything is read; a body without one (chunked)
// is counted as it streams, and stopped at the limit (scripts/remix-handler.ts).
function limitRequestBodies(req: Request, res: Response, next: NextFunction) {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
  const limit = bodyLimit(req);
  const length = Number(req.get("content-length") ?? 0);
  if (Number.isFinite(length) && length > limit) return tooLarge(res, limit);
  next();
}

/** Pages are read (GET, HEAD) and their forms posted (POST); nothing else reaches a route. */
export const PAGE_METHODS = ["GET", "HEAD", "POST"];

function onlyPageMethods(req: Request, res: Response, next: NextFunction) {
  if (PAGE_METHODS.includes(req.method)) return next();
  res.setHeader("Allow", PAGE_METHODS.join(", "));
  refuse(res, 405, "This address does not take that method.");
}

function rejectCrossSiteWrites(req: Request, res: Response, next: NextFunction) {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
  const origin = req.get("origin");
  const site = req.get("sec-fetch-site");
  const ownOrigin = `${req.protocol}://${req.get("host")}`;
  // Sec-Fetch-Site, when the browser sends it, is authoritative: under our no-referrer policy
  // Chromium sends `Origin: null` with same-origin form posts, so Origin alone would refuse every
  // form a participant submits without JavaScript. Without Sec-Fetch-Site, Origin decides.
  const crossSite = site ? site !== "same-origin" && site !== "none" : origin !== undefined && origin !== ownOrigin;
  // Remix refuses an action whose Origin host differs from X-Forwarded-Host (or Host), by throwing:
  // a 500. Whatever Sec-Fetch-Site says, such an Origin is someone else's, so it is refused here, as 403.
  if (crossSite || (origin !== undefined && origin !== "null" && originHost(origin) !== remixHost(req))) {
    refuse(res, 403, "Cross-site form submissions are not accepted.");
    return;
  }
  // Remix's own action check compares Origin with Host and aborts on `null`; the browser has already
  // told us (Sec-Fetch-Site) that this is our own page, so the opaque Origin carries nothing more.
  if (origin === "null" && site === "same-origin") delete req.headers.origin;
  next();
}

function originHost(origin: string) {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

// The host Remix's own check compares Origin with (@remix-run/server-runtime, throwIfPotentialCSRFAttack).
function remixHost(req: Request) {
  return req.get("x-forwarded-host")?.split(",")[0]?.trim() || req.get("host");
}
