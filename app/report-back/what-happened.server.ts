/**
 * "What happened to what I said" (issue 17 item 2, docs/decisions/078-quote-checks.md): a person who
 * took part, with their code and nothing else, sees the study's published "you said, we did" entries
 * in their language, each entry's status and milestones, and where their own words are quoted.
 *
 * The entries are the public pages' own (`loadEntry`: published, reviewed languages, quotes and counts
 * through the consent gate at this request), of the study the code belongs to only — never another
 * study's or organisation's. Which quotes are the person's is asked of the gate by coding id
 * (`ownCodingIds`); nothing is stored about the visit.
 */
import type { DB } from "../../db/index";
import type { ActionStatus, LanguageText } from "../../db/tables/report-back";
import { ownCodingIds } from "../consent/own-quotes.server";
import { entryPath } from "./page.server";
import { loadEntry, themePeopleForRequest, type PublicEntry } from "./public.server";

export interface Localised {
  text: string;
  lang?: string;
}

export interface HeardEntry {
  slug: string;
  href: string;
  title: Localised;
  actionStatus: ActionStatus;
  progress: number;
  milestones: { label: Localised | null; dueOn: string; doneOn: string | null }[];
  /** The person's own words quoted in this entry, as the public page shows them. */
  ownQuotes: { text: string; language: string; theme: Localised | null }[];
}

function pick(byLanguage: LanguageText, language: string): Localised | null {
  for (const code of [language, "en", ...Object.keys(byLanguage)]) {
    const text = byLanguage[code];
    if (text) return code === language ? { text } : { text, lang: code };
  }
  return null;
}

function entryView(entry: PublicEntry, language: string, own: ReadonlySet<string>): HeardEntry {
  const titles = Object.fromEntries(Object.entries(entry.texts).map(([code, text]) => [code, text.title]));
  const shown = entry.languages.some((l) => l.code === language) ? language : (entry.languages[0]?.code ?? language);
  return {
    slug: entry.slug,
    href: `${entryPath(entry.organisation.slug, entry.slug)}?lang=${shown}`,
    title: pick(titles, language) ?? { text: entry.slug },
    actionStatus: entry.actionStatus,
    progress: entry.progress,
    milestones: entry.milestones.map((m) => ({ label: pick(m.labels, language), dueOn: m.dueOn, doneOn: m.doneOn })),
    ownQuotes: entry.themes.flatMap((theme) =>
      theme.quotes
        .filter((q) => own.has(q.codingId))
        .map((q) => ({ text: q.text, language: q.language, theme: pick(theme.labels, language) })),
    ),
  };
}

/** The study's published entries, newest first, with the person's own quotes marked. */
export async function whatHappened(
  db: DB,
  scope: { organisationId: string; studyId: string },
  participantId: string,
  language: string,
): Promise<HeardEntry[]> {
  const rows = await db
    .selectFrom("report_entry")
    .select("slug")
    .where("organisation_id", "=", scope.organisationId)
    .where("study_id", "=", scope.studyId)
    .where("state", "=", "published")
    .orderBy("first_published_at", "desc")
    .execute();
  const themePeople = themePeopleForRequest(db);
  const entries = (await Promise.all(rows.map((r) => loadEntry(db, scope.organisationId, r.slug, { themePeople })))).filter(
    (e): e is PublicEntry => e !== null && e.languages.length > 0,
  );
  const own = await ownCodingIds(
    db,
    scope,
    participantId,
    entries.flatMap((e) => e.themes.flatMap((t) => t.quotes.map((q) => q.codingId))),
  );
  return entries.map((e) => entryView(e, language, own));
}
