import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useMatches, useRouteError, useRouteLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import baseStyles from "./styles/base.css";
import { ErrorPage } from "./errors/ErrorPage";
import { useDocumentFacts } from "./errors/document-context";
import { messagesFor, pageLanguage } from "./i18n/catalogues.server";
import { clientMessagePrefixes, clientMessages } from "./i18n/client-messages";
import { getLanguage, type LanguageCode } from "./i18n/languages";
import { I18nProvider } from "./i18n/react";
import { useNonce } from "./security/nonce";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: baseStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const language = pageLanguage(request);
  return { language, messages: clientMessages(messagesFor(language), new URL(request.url).pathname) };
}

/**
 * A page that carries only its own messages (app/i18n/client-messages.ts) fetches the root's again
 * when the browser moves to a page that needs others; its own forms and fetchers leave them be.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ currentUrl, nextUrl, formMethod, defaultShouldRevalidate }) => {
  const current = clientMessagePrefixes(currentUrl.pathname);
  if (current !== clientMessagePrefixes(nextUrl.pathname)) return true;
  if (current && formMethod && formMethod.toUpperCase() !== "GET" && currentUrl.pathname === nextUrl.pathname) return false;
  return defaultShouldRevalidate;
};

/** Route modules opt in to client JavaScript with `handle = { hydrate: true }`; participant and public pages never do. */
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
  const { language, messages } = root ? { language: root.language as LanguageCode, messages: root.messages } : facts.i18n();
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
