import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { renderToString } from "react-dom/server";
// The router @remix-run/react itself is built on (a dependency of it, the same module): the frame of
// a participant's error page reads the address through it. With its file name: the package has no
// "exports" map, and Node itself (the compiled server, ADR 077) resolves no path without one.
import { StaticRouter } from "react-router-dom/server.js";
import { ErrorPageContent } from "./errors/ErrorPage";
import { I18nProvider } from "./i18n/react";
import { getLanguage, type LanguageCode } from "./i18n/languages";
import baseStyles from "./styles/base.css";
import { DocumentFactsProvider } from "./errors/document-context";
import { messagesFor, pageLanguage } from "./i18n/catalogues.server";
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
  const facts = {
    status: responseStatusCode,
    i18n: () => {
      const language = pageLanguage(request);
      return { language, messages: messagesFor(language) };
    },
    catalogue: (language: LanguageCode) => messagesFor(language),
  };
  const html = renderToString(
    <NonceProvider value={loadContext.nonce}>
      <DocumentFactsProvider value={facts}>
        <RemixServer context={remixContext} url={request.url} nonce={loadContext.nonce} />
      </DocumentFactsProvider>
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

/**
 * A whole error page for a request refused before Remix sees it (scripts/server.ts: 405 for another
 * method, 403 for a cross-site post, 413 for a body over the limit), in the language its address or
 * cookie asks for, with the same words and frame as the pages Remix renders. The server reaches it as
 * `build.entry.module.errorDocument`; it needs no database.
 */
export function errorDocument(input: { path: string; cookie?: string; status: number }): string {
  const request = new Request(new URL(input.path, "http://tandem.invalid"), { headers: input.cookie ? { cookie: input.cookie } : {} });
  const language = pageLanguage(request);
  const { dir } = getLanguage(language);
  const html = renderToString(
    <html lang={language} dir={dir}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <link rel="stylesheet" href={baseStyles} />
      </head>
      <body>
        <I18nProvider language={language} messages={messagesFor(language)}>
          <StaticRouter location={input.path}>
            <ErrorPageContent status={input.status} pathname={new URL(request.url).pathname} />
          </StaticRouter>
        </I18nProvider>
      </body>
    </html>,
  );
  return `<!DOCTYPE html>${html}`;
}
