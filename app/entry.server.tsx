import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { renderToString } from "react-dom/server";
import { NonceProvider } from "./security/nonce";

/**
 * Every page is rendered to one complete string and sent whole. Participant pages carry no
 * JavaScript and no page defers data, so there is nothing to stream into later, and a complete page
 * is one round trip. Not renderToPipeableStream: React 18.3's streaming renderer flushes its whole
 * 2048-byte buffer when a multi-byte character does not fit, so pages in Arabic, Farsi or any text
 * outside ASCII carried NUL bytes at bytes 2047, 4095, … (react issue #31134); inside a <textarea>
 * or an attribute a NUL becomes U+FFFD, and an earlier answer shown again for editing came back
 * altered (docs/decisions/062-user-text-isolation-and-error-pages.md). A JavaScript string is
 * encoded to UTF-8 once, by Response, so no character can be cut.
 */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const html = renderToString(
    <NonceProvider value={loadContext.nonce}>
      <RemixServer context={remixContext} url={request.url} nonce={loadContext.nonce} />
    </NonceProvider>,
  );
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  // The streaming renderer wrote the doctype itself before <html>; the string renderer does not.
  return new Response(`<!DOCTYPE html>${html}`, { headers: responseHeaders, status: responseStatusCode });
}

export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  // Unknown pages are answered with a 404 page; they are not server errors.
  if (isRouteErrorResponse(error) && error.status < 500) return;
  // Only the path: query strings can carry what a person typed.
  console.error(`error: ${new URL(request.url).pathname}:`, error instanceof Error ? error.stack : error);
}
