import { createHmac, randomBytes } from "node:crypto";
import type { Server } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import "../app/context";
import compression from "compression";
import express, { type NextFunction, type Request, type Response } from "express";
import { sql } from "kysely";
import type { DatabaseHandle } from "../db/index";
import type { Secrets } from "../app/security/secrets.server";

export interface ServerOptions {
  database: DatabaseHandle;
  secrets: Secrets;
  port?: number;
  host?: string;
  /** Where request lines go; tests capture them to prove nothing personal is logged. */
  log?: (line: string) => void;
  build?: ServerBuild;
  /** Trust X-Forwarded-* from a reverse proxy (for HTTPS detection and the client address). */
  trustProxy?: boolean;
  production?: boolean;
  /** Extra express routes mounted before the app (tests use it for a deliberately slow request). */
  mount?: (app: express.Express) => void;
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
    "form-action 'self'",
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
  const app = express();
  app.disable("x-powered-by");
  if (options.trustProxy) app.set("trust proxy", true);

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

  app.use(compression());

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

  app.get("/healthz", async (_req, res) => {
    try {
      await Promise.race([
        sql`select 1`.execute(db),
        new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 3_000)),
      ]);
      res.status(200).type("text/plain").send("ok");
    } catch {
      res.status(503).type("text/plain").send("database unavailable");
    }
  });

  options.mount?.(app);

  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h" }));

  app.use(rejectCrossSiteWrites);
  app.use(limitRequestBodies);

  app.all(
    "*",
    createRequestHandler({
      build,
      mode: production ? "production" : "development",
      getLoadContext: (req, res): AppLoadContext => ({
        db,
        secrets: options.secrets,
        nonce: res.locals.nonce as string,
        clientKey: createHmac("sha256", options.secrets.clientKey)
          .update(req.ip ?? req.socket.remoteAddress ?? "unknown")
          .digest("hex")
          .slice(0, 32),
        secureCookies: production && req.secure,
      }),
    }),
  );

  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(options.port ?? 3000, options.host ?? "127.0.0.1", () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    server,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Requests still running after ten seconds are cut off so that shutdown always ends.
        setTimeout(() => server.closeAllConnections(), 10_000).unref();
      }).then(() => options.database.close())),
  };
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

function limitRequestBodies(req: Request, res: Response, next: NextFunction) {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
  const limit = req.path.startsWith("/research") ? BODY_LIMITS.workspace : BODY_LIMITS.participant;
  const length = Number(req.get("content-length") ?? 0);
  if (Number.isFinite(length) && length > limit) {
    res.setHeader("Connection", "close");
    res
      .status(413)
      .type("text/plain")
      .send(`That was more than this page can take at once (over ${Math.round(limit / 1024 / 1024)} MB). Go back, shorten it and try again.`);
    return;
  }
  next();
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
  if (crossSite) {
    res.status(403).type("text/plain").send("Cross-site form submissions are not accepted.");
    return;
  }
  // Remix's own action check compares Origin with Host and aborts on `null`; the browser has already
  // told us (Sec-Fetch-Site) that this is our own page, so the opaque Origin carries nothing more.
  if (origin === "null" && site === "same-origin") delete req.headers.origin;
  next();
}
