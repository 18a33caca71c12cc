/**
 * What every participant route does first: find the study, settle the language, read the session.
 * Routes stay thin: they call this, then one domain function, then render.
 */
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { messagesFor } from "../i18n/catalogues.server";
import { makeTranslate, type Translate } from "../i18n/intl";
import { isLanguageCode, type LanguageCode } from "../i18n/languages";
import { LANGUAGE_COOKIE, readCookie, requestLanguage } from "../i18n/request.server";
import { currentConsentForm, findParticipantStudy, type ParticipantStudy } from "./study.server";
import { readParticipantSession, type ParticipantSession } from "./session.server";

export interface ParticipantRequest {
  study: ParticipantStudy;
  language: LanguageCode;
  t: Translate;
  session: ParticipantSession | null;
}

/** Participant pages are never cached: a shared phone's back button must not show someone's answers. */
export const noStore = { "Cache-Control": "no-store" };

export function participantHeaders() {
  return noStore;
}

export function notFound(): never {
  throw new Response("Not found", { status: 404, headers: noStore });
}

export async function participantRequest(
  { request, params, context }: Pick<LoaderFunctionArgs, "request" | "params" | "context">,
  options: { chooseLanguageFirst?: boolean } = { chooseLanguageFirst: true },
): Promise<ParticipantRequest> {
  const slug = params.study ?? "";
  const study = await findParticipantStudy(context.db, { slug });
  if (!study || study.status === "draft") notFound();
  const language = requestLanguage(request, study.languages);
  // The page must be in the language <html lang> announces (the root reads the cookie or ?lang=);
  // when the person has not chosen one of the study's languages yet, they choose first.
  const chosen = new URL(request.url).searchParams.get("lang") ?? readCookie(request, LANGUAGE_COOKIE);
  if (options.chooseLanguageFirst !== false && (!isLanguageCode(chosen) || chosen !== language)) {
    // Someone coming back on a new phone (to carry on, withdraw or change a choice) chooses the
    // language and then lands where they were going, not on the information sheet.
    const url = new URL(request.url);
    const next = request.method === "GET" ? safeNext(study.slug, url.pathname + url.search) : undefined;
    // A language the study does not offer (?lang=ps) is kept, so the chooser says so in that language.
    const asked = url.searchParams.get("lang");
    const query = new URLSearchParams();
    if (isLanguageCode(asked) && !study.languages.includes(asked)) query.set("lang", asked);
    if (next) query.set("next", next);
    throw redirect(`/s/${study.slug}${query.size > 0 ? `?${query}` : ""}`, { headers: noStore });
  }
  const session = await readParticipantSession(context.db, request, {
    studyId: study.id,
    secure: context.secureCookies,
    consentFormVersionId: currentConsentForm(study)?.version.rowId ?? null,
  });
  return { study, language, t: makeTranslate(language, messagesFor(language)), session };
}

/**
 * Where to go after choosing the language: only a page of this same study's participant journey
 * (a path under /s/<slug>/, plain segments, at most a `to=` target), so the parameter can never send
 * anyone to another site or another study. Anything else is ignored (undefined).
 */
export function safeNext(slug: string, value: string | null | undefined): string | undefined {
  const prefix = `/s/${slug}/`;
  const schema = z
    .string()
    .max(300)
    .regex(/^\/s\/[a-z0-9-]+(\/[A-Za-z0-9_-]+)+(\?to=[a-z]+)?$/)
    .refine((path) => path.startsWith(prefix));
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

export function studyTitle(study: ParticipantStudy, language: string): string {
  return study.titles[language] ?? study.titles.en ?? Object.values(study.titles)[0] ?? study.slug;
}

/** The per-language study setting, falling back to English (settings are written by researchers). */
export interface StudyContact {
  text: string;
  lang?: string;
}

export function contactFrom(contact: Record<string, string>, language: string): StudyContact {
  if (contact[language] !== undefined) return { text: contact[language]! };
  const fallback = contact.en !== undefined ? "en" : Object.keys(contact)[0];
  return fallback === undefined ? { text: "" } : { text: contact[fallback]!, lang: fallback };
}

export function inLanguage(value: Record<string, string>, language: string): string {
  return value[language] ?? value.en ?? Object.values(value)[0] ?? "";
}

/** A form's text fields (first value); reserved names start with "_". */
export async function readForm(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    return new FormData();
  }
}

export function supportIn(study: ParticipantStudy, language: string) {
  return study.settings.support.map((s) => ({
    name: inLanguage(s.name, language),
    description: inLanguage(s.description, language),
    contact: inLanguage(s.contact, language),
  }));
}

/** The study's contact line in the language, or in English marked as such (a screen reader reads it as English). */
export function contactIn(study: ParticipantStudy, language: string): StudyContact {
  return contactFrom(study.settings.contact, language);
}

/**
 * Loader data every participant page carries for its <title>. Titles stay in the browser's history
 * (and its suggestions) after the visit: they name the page and a neutral site name, never the study,
 * whose title says who it is for ("… for sanctuary seekers"). ADR 064.
 */
export function pageTitle(t: Translate, key: string, _study: ParticipantStudy, _language: string) {
  return neutralTitle(t(key));
}

export function neutralTitle(page: string) {
  return `${page} – Tandem`;
}
