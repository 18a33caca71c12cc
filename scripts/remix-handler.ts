import { Readable } from "node:stream";
import {
  createReadableStreamFromReadable,
  createRequestHandler as createRemixHandler,
  writeReadableStreamToWritable,
  type AppLoadContext,
  type ServerBuild,
} from "@remix-run/node";
import type { NextFunction, Request, Response } from "express";
import { isDatabaseUnavailable } from "../db/faults";

/**
 * Remix's own express adapter, with two changes (docs/decisions/059-proxies-and-request-limits.md):
 *
 * - The request body Remix reads is counted as it streams. A body without Content-Length (chunked)
 *   used to be read whole whatever its size; now, at `bodyLimit(req)` bytes, the client gets 413,
 *   reading stops and the connection is closed.
 * - An error that says the database is unavailable (db/faults.ts), thrown from any loader or action,
 *   becomes a thrown 503 Response: the page is the root ErrorBoundary with
 *   `isRouteErrorResponse(error) && error.status === 503`, the status is 503, not 500.
 */
export function createRequestHandler(options: {
  build: ServerBuild;
  mode: "production" | "development";
  getLoadContext: (req: Request, res: Response) => AppLoadContext;
  bodyLimit: (req: Request) => number;
  tooLarge: (res: Response, limit: number) => void;
}) {
  const handleRequest = createRemixHandler(answerDatabaseFaultsWith503(options.build), options.mode);
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const controller = new AbortController();
      let answered = false;
      const init: RequestInit & { duplex?: "half" } = {
        method: req.method,
        headers: createRemixHeaders(req.headers),
        signal: controller.signal,
      };
      if (req.method !== "GET" && req.method !== "HEAD") {
        const limit = options.bodyLimit(req);
        init.body = createReadableStreamFromReadable(
          limitedBody(req, limit, () => {
            answered = true;
            options.tooLarge(res, limit);
            controller.abort();
          }),
        );
        init.duplex = "half";
      }
      res.on("close", () => {
        if (!res.writableFinished) controller.abort();
      });
      const request = new globalThis.Request(remixUrl(req), init);
      const response = await handleRequest(request, options.getLoadContext(req, res)).catch((error: unknown) => {
        if (answered) return undefined;
        throw error;
      });
      if (answered || !response) return;
      if (response.status === 503 && !response.headers.has("Retry-After")) response.headers.set("Retry-After", "10");
      // A route that answered without reading the whole body (a redirect, a 405): Node would read
      // the rest to keep the connection, however large; closing it reads nothing more.
      if (init.body && !req.complete) res.setHeader("Connection", "close");
      await sendRemixResponse(res, response);
    } catch (error) {
      next(error);
    }
  };
}

function createRemixHeaders(requestHeaders: Request["headers"]) {
  const headers = new Headers();
  for (const [key, values] of Object.entries(requestHeaders)) {
    if (Array.isArray(values)) for (const value of values) headers.append(key, value);
    else if (values) headers.set(key, values);
  }
  return headers;
}

async function sendRemixResponse(res: Response, response: globalThis.Response) {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [key, value] of response.headers.entries()) res.append(key, value);
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}

// As @remix-run/express builds it: req.hostname honours `trust proxy`, the port comes from
// X-Forwarded-Host or Host.
function remixUrl(req: Request) {
  const [, forwardedPort] = req.get("X-Forwarded-Host")?.split(":") ?? [];
  const [, hostPort] = req.get("host")?.split(":") ?? [];
  const port = [forwardedPort, hostPort].map((p) => Number.parseInt(p ?? "", 10)).find((p) => Number.isSafeInteger(p));
  return new URL(`${req.protocol}://${req.hostname}${port ? `:${port}` : ""}${req.originalUrl}`).href;
}

/**
 * The request's body as a stream that ends in an error once more than `limit` bytes have arrived.
 * Nothing is dropped below the limit; above it, reading stops (the socket is paused, then closed
 * after the 413 has gone out), so a 100 MB upload costs the server at most the limit.
 */
export function limitedBody(req: Readable, limit: number, onTooLarge: () => void): Readable {
  let received = 0;
  let started = false;
  const out = new Readable({
    read() {
      if (!started) {
        started = true;
        req.on("data", onData);
        req.on("end", () => out.destroyed || out.push(null));
        req.on("error", (error) => out.destroy(error));
      }
      req.resume();
    },
  });
  function onData(chunk: Buffer) {
    if (out.destroyed) return;
    received += chunk.length;
    if (received > limit) {
      req.pause();
      req.off("data", onData);
      onTooLarge();
      out.destroy(new BodyTooLargeError(limit));
      return;
    }
    if (!out.push(chunk)) req.pause();
  }
  return out;
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body over ${limit} bytes`);
    this.name = "BodyTooLargeError";
  }
}

type RouteFunction = (args: unknown) => Promise<unknown>;

function answerDatabaseFaultsWith503(build: ServerBuild): ServerBuild {
  const guard = (fn: RouteFunction | undefined) =>
    fn &&
    (async (args: unknown) => {
      try {
        return await fn(args);
      } catch (error) {
        if (!(error instanceof globalThis.Response) && isDatabaseUnavailable(error)) {
          throw new globalThis.Response("The database is unavailable for a moment.", {
            status: 503,
            statusText: "Service Unavailable",
            headers: { "Content-Type": "text/plain; charset=utf-8", "Retry-After": "10" },
          });
        }
        throw error;
      }
    });
  const routes = Object.fromEntries(
    Object.entries(build.routes).map(([id, route]) => {
      const module = route.module as unknown as Record<string, unknown>;
      return [
        id,
        {
          ...route,
          module: {
            ...module,
            loader: guard(module.loader as RouteFunction | undefined),
            action: guard(module.action as RouteFunction | undefined),
          },
        },
      ];
    }),
  );
  return { ...build, routes } as ServerBuild;
}
