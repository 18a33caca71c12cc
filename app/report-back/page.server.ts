/**
 * What every public report-back route does first: find the organisation (404 otherwise), settle the
 * page's language among those offered, and load that language's messages. Public pages send no
 * JavaScript and are never cached: quotes and counts are live with consent.
 */
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { messagesFor } from "../i18n/catalogues.server";
import { getLanguage, type LanguageCode } from "../i18n/languages";
import { makeTranslate } from "../i18n/intl";
import { requestLanguage } from "../i18n/request.server";
import { findOrganisation } from "./public.server";

export const PUBLIC_HEADERS = { "Cache-Control": "no-store" } as const;

export async function publicOrganisation(args: LoaderFunctionArgs) {
  const org = await findOrganisation(args.context.db, args.params.org ?? "");
  if (!org) throw new Response("Not found", { status: 404 });
  return org;
}

/**
 * The page's language among those offered; the messages to render it with. When the language the
 * request asked for (by ?lang= or the cookie) is not offered, the page redirects to ?lang= the one it
 * will show, so the document's own lang and dir (set by the root) agree with its words.
 */
export function pageLanguage(request: Request, offered: readonly string[]) {
  const language = requestLanguage(request, offered.length ? offered : undefined);
  if (requestLanguage(request) !== language) {
    const url = new URL(request.url);
    throw redirect(`${url.pathname}?lang=${language}`, { headers: PUBLIC_HEADERS });
  }
  const explicit = new URL(request.url).searchParams.has("lang");
  return { language, dir: getLanguage(language).dir, explicit, messages: messagesFor(language, ["common", "reportback"]) };
}

export function translatorFor(language: LanguageCode) {
  return makeTranslate(language, messagesFor(language, ["common", "reportback"]));
}

export const listPath = (org: string) => `/o/${org}/you-said-we-did`;
export const entryPath = (org: string, entry: string) => `/o/${org}/you-said-we-did/${entry}`;
export const feedPath = (org: string) => `/o/${org}/you-said-we-did/feed.xml`;
export const withLang = (path: string, language: string | null) => (language ? `${path}?lang=${language}` : path);
