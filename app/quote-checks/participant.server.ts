/**
 * What the "my quotes" pages show a person (docs/decisions/078-quote-checks.md): each quote of theirs
 * that was chosen, in the words they used, with a translation into the page's language where a
 * researcher made one, the theme it illustrates and where it will appear, in the page's language
 * where the entry has it. Read through app/consent/own-quotes.server.ts (the gate's read of a person's
 * own words); this module only chooses languages and shapes the pages' data.
 */
import type { DB } from "../../db/index";
import { ownQuotes, type OwnQuote, type QuotePiece } from "../consent/own-quotes.server";
import { recordSilence } from "../consent/quote-checks.server";
import type { StudyScope } from "../consent/scope.server";
import { isUuid } from "../security/ids";

export type ParticipantScope = StudyScope & { organisationSlug: string };

/** The scope a participant page reads in: the page's study, its organisation (for public links). */
export async function participantScope(db: DB, study: { id: string; organisationId: string }): Promise<ParticipantScope> {
  const organisation = await db.selectFrom("organisation").select("slug").where("id", "=", study.organisationId).executeTakeFirstOrThrow();
  return { organisationId: study.organisationId, studyId: study.id, organisationSlug: organisation.slug };
}

/** Text with the language it is in when that is not the page's (a fallback), so a page can mark it. */
export interface Localised {
  text: string;
  lang?: string;
}

export interface QuotePlaceView {
  kind: "entry" | "export";
  /** The entry's title (an export has none). */
  title: Localised | null;
  /** The public page of a published entry. */
  href: string | null;
}

export interface QuoteView {
  id: string;
  status: OwnQuote["status"];
  outcome: OwnQuote["outcome"];
  silence: OwnQuote["silence"];
  dueOn: string;
  answeredVia: OwnQuote["answeredVia"];
  language: string;
  pieces: (Pick<QuotePiece, "text" | "space" | "leftOut"> & { index: number })[];
  translation: Localised | null;
  themes: Localised[];
  places: QuotePlaceView[];
}

function pick(byLanguage: Record<string, string>, language: string, fallback?: string): Localised | null {
  for (const code of [language, "en", ...Object.keys(byLanguage)]) {
    const text = byLanguage[code];
    if (text) return code === language ? { text } : { text, lang: code };
  }
  return fallback ? { text: fallback } : null;
}

function view(quote: OwnQuote, language: string, organisationSlug: string): QuoteView {
  const themes: Localised[] = [];
  for (const place of quote.places) {
    const label =
      place.kind === "entry" ? pick(place.themeLabels, language, place.themeName) : place.themeName ? { text: place.themeName } : null;
    if (label && !themes.some((t) => t.text === label.text)) themes.push(label);
  }
  const places: QuotePlaceView[] = [];
  for (const place of quote.places) {
    if (place.kind === "export") {
      if (!places.some((p) => p.kind === "export")) places.push({ kind: "export", title: null, href: null });
      continue;
    }
    const href = place.published ? `/o/${organisationSlug}/you-said-we-did/${place.entrySlug}` : null;
    if (!places.some((p) => p.kind === "entry" && p.title?.text === pick(place.titles, language)?.text))
      places.push({ kind: "entry", title: pick(place.titles, language, place.entrySlug), href });
  }
  const translation = quote.language !== language && quote.translations[language] ? { text: quote.translations[language]! } : null;
  return {
    id: quote.id,
    status: quote.status,
    outcome: quote.outcome,
    silence: quote.silence,
    dueOn: quote.dueOn,
    answeredVia: quote.answeredVia,
    language: quote.language,
    pieces: quote.pieces.map((p, index) => ({ text: p.text, space: p.space, leftOut: p.leftOut, index })),
    translation,
    themes,
    places,
  };
}

/** A quote waiting for the person's answer: asked and not yet answered (silence does not close it). */
export const toCheck = (q: Pick<QuoteView, "status">) => q.status === "awaiting" || q.status === "lapsed";

/**
 * The person's quotes, to check and already checked, in the page's language. Silence past its day is
 * recorded first (in the audit log), so the page and the log agree.
 */
export async function myQuotes(db: DB, scope: ParticipantScope, participantId: string, language: string) {
  await recordSilence(db, scope);
  const quotes = (await ownQuotes(db, scope, participantId)).filter((q) => q.places.length > 0 || q.status !== "awaiting");
  return quotes.map((q) => view(q, language, scope.organisationSlug));
}

/** One quote of the person's, or null (not theirs, not this study's, or no longer quotable). */
export async function myQuote(
  db: DB,
  scope: ParticipantScope,
  participantId: string,
  checkId: string,
  language: string,
): Promise<QuoteView | null> {
  if (!isUuid(checkId)) return null;
  await recordSilence(db, scope);
  const [quote] = await ownQuotes(db, scope, participantId, { checkId });
  return quote ? view(quote, language, scope.organisationSlug) : null;
}

/** How many quotes wait for the person (for sending them to the list when they come in with their code). */
export async function quotesWaiting(db: DB, scope: StudyScope, participantId: string): Promise<number> {
  const quotes = await ownQuotes(db, scope, participantId);
  return quotes.filter((q) => toCheck(q) && q.places.length > 0).length;
}
