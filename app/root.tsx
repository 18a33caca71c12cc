import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useMatches, useRouteError, useRouteLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import baseStyles from "./styles/base.css";
import { ErrorPage } from "./errors/ErrorPage";
import { useDocumentFacts } from "./errors/document-context";
import { messagesFor, pageLanguage } from "./i18n/catalogues.server";
import { clientMessagesOf } from "./i18n/hydration";
import { getLanguage, type LanguageCode } from "./i18n/languages";
import { I18nProvider } from "./i18n/react";
import { useNonce } from "./security/nonce";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: baseStyles }];

/**
 * The page's language only. The catalogue is not loader data: the server renders with its own copy,
 * and a page that hydrates sends its areas' messages from its own loader (app/i18n/hydration.ts).
 * The whole catalogue (60 KB, every area) used to be serialised twice and parsed once per request.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const language = pageLanguage(request);
  // A data request (`?_data=root`) is a browser moving from a hydrated page to another without a
  // reload (see shouldRevalidate): the page it lands on may send no messages, or other areas than the
  // one it left, so the root sends the whole catalogue then. A document request never carries it.
  if (context.dataRequest) return { language, clientMessages: messagesFor(language) };
  return { language };
}

/**
 * The root's data is fetched again when the browser moves to another page (for that page's messages,
 * above), never for a form or fetcher posting to the page it is on (the coding page's codings), where
 * nothing of the root's changes.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ currentUrl, nextUrl, formMethod, defaultShouldRevalidate }) => {
  if (formMethod && formMethod.toUpperCase() !== "GET" && currentUrl.pathname === nextUrl.pathname) return false;
  if (currentUrl.pathname !== nextUrl.pathname) return true;
  return defaultShouldRevalidate;
};

/**
 * Route modules opt in to client JavaScript with `handle = { hydrate: true }`, and then return
 * `clientMessages` (catalogues.server.ts) from their loader; participant and public pages never do.
 */
export interface RouteHandle {
  hydrate?: boolean;
  /** A route that decides its own language (e.g. a study's chosen language) returns it as `data.language`. */
}

export function Layout({ children }: { children: ReactNode }) {
  const root = useRouteLoaderData<typeof loader>("root");
  const facts = useDocumentFacts();
  const matches = useMatches();
  const nonce = useNonce();
  // Without the root loader's data (an error page the root loader did not run for), the renderer's
  // own reading of the request's language; and no scripts, which would hydrate without messages.
  const fallback = root ? undefined : facts.i18n();
  const language = root ? (root.language as LanguageCode) : fallback!.language;
  const messages = clientMessagesOf(matches) ?? fallback?.messages ?? facts.catalogue(language);
  const hydrate = root !== undefined && matches.some((m) => (m.handle as RouteHandle | undefined)?.hydrate);
  const { dir } = getLanguage(language);
  return (
    <html lang={language} dir={dir}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <Meta />
        <Links />
      </head>
      <body>
        <I18nProvider language={language} messages={messages}>
          {children}
        </I18nProvider>
        {hydrate ? (
          <>
            <ScrollRestoration nonce={nonce} />
            <Scripts nonce={nonce} />
          </>
        ) : null}
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />;
}
