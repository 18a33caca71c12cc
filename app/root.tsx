import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useMatches,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import baseStyles from "./styles/base.css";
import { messagesFor, workspaceLanguage } from "./i18n/catalogues.server";
import { getLanguage, sourceLanguage, type LanguageCode } from "./i18n/languages";
import { I18nProvider, useT } from "./i18n/react";
import { requestLanguage } from "./i18n/request.server";
import { useNonce } from "./security/nonce";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: baseStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const requested = requestLanguage(request);
  const language = new URL(request.url).pathname.startsWith("/research") ? workspaceLanguage(requested) : requested;
  return { language, messages: messagesFor(language) };
}

/** Route modules opt in to client JavaScript with `handle = { hydrate: true }`; participant and public pages never do. */
export interface RouteHandle {
  hydrate?: boolean;
  /** A route that decides its own language (e.g. a study's chosen language) returns it as `data.language`. */
}

export function Layout({ children }: { children: ReactNode }) {
  const root = useRouteLoaderData<typeof loader>("root");
  const matches = useMatches();
  const nonce = useNonce();
  const hydrate = matches.some((m) => (m.handle as RouteHandle | undefined)?.hydrate);
  const language = (root?.language ?? sourceLanguage) as LanguageCode;
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
        <I18nProvider language={language} messages={root?.messages ?? {}}>
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
  const error = useRouteError();
  const t = useT();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <main id="main" className="page">
      <h1>{t(notFound ? "common.notFound.title" : "common.error.title")}</h1>
      <p>{t(notFound ? "common.notFound.body" : "common.error.body")}</p>
      <p>
        <a href="/">{t("common.back")}</a>
      </p>
    </main>
  );
}
