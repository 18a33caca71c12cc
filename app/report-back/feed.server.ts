/**
 * The Atom feed (RFC 4287) of an organisation's published entries. Built from the same gated read as
 * the pages (loadEntry), so a withdrawn quote or a changed count is gone from the feed on its next fetch.
 */
import type { DB } from "../../db/index";
import { makeTranslate } from "../i18n/intl";
import { messagesFor } from "../i18n/catalogues.server";
import type { LanguageCode } from "../i18n/languages";
import { entryPath, feedPath, listPath } from "./page.server";
import { listPublishedEntries, loadEntry, textIn, themePeopleForRequest, type PublicEntry } from "./public.server";

const xml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
// Characters XML 1.0 does not allow, should any reach us in participants' words.
// eslint-disable-next-line no-control-regex
const clean = (s: string) => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "");

function entryHtml(entry: PublicEntry, language: string, t: (k: string, v?: Record<string, string | number | Date>) => string): string {
  const text = entry.texts[language] ?? Object.values(entry.texts)[0]!;
  const parts: string[] = [];
  parts.push(`<h2>${xml(t("reportback.weAsked"))}</h2><p>${xml(text.asked)}</p>`);
  if (entry.themes.length) {
    parts.push(`<h2>${xml(t("reportback.youSaid"))}</h2>`);
    for (const theme of entry.themes) {
      const label = textIn(theme.labels, language);
      const people = "exact" in theme.people ? t("reportback.people", { count: theme.people.exact }) : t("reportback.peopleFewerThanFive");
      parts.push(`<h3>${xml(label?.value ?? "")}</h3><p>${xml(people)}</p>`);
      for (const q of theme.quotes) {
        parts.push(`<blockquote lang="${xml(q.language)}"><p>${xml(q.text)}</p></blockquote>`);
        const translation = q.language !== language ? q.translations[language] : undefined;
        if (translation) parts.push(`<p>${xml(t("reportback.translation"))} ${xml(translation)}</p>`);
      }
    }
  }
  const notDoing = entry.actionStatus === "not_doing";
  parts.push(
    `<h2>${xml(t(notDoing ? "reportback.weDidNot" : "reportback.weDid"))}</h2><p>${xml(notDoing ? text.notDoingReason || text.did : text.did)}</p>`,
  );
  parts.push(`<p>${xml(t("reportback.status.label"))}: ${xml(t(`reportback.status.${entry.actionStatus}`))}</p>`);
  return clean(parts.join(""));
}

export async function atomFeed(
  db: DB,
  organisation: { id: string; slug: string; name: string },
  origin: string,
  language: LanguageCode,
): Promise<string> {
  const t = makeTranslate(language, messagesFor(language, ["common", "reportback"]));
  const listed = await listPublishedEntries(db, organisation.id);
  // one gated count of people per study for the whole feed, not one per entry
  const themePeople = themePeopleForRequest(db);
  const entries = (await Promise.all(listed.map((e) => loadEntry(db, organisation.id, e.slug, { themePeople })))).filter(
    (e): e is PublicEntry => e !== null && e.languages.length > 0,
  );
  const abs = (path: string) => new URL(path, origin).toString();
  const updatedOf = (e: PublicEntry) =>
    [e.publishedAt, e.changes[0]?.changedAt, e.updatedAt]
      .filter((d): d is string => !!d)
      .sort()
      .at(-1)!;
  const feedUpdated = entries.map(updatedOf).sort().at(-1) ?? new Date(0).toISOString();
  const lines = [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${language}">`,
    `<title>${xml(t("reportback.feed.title", { organisation: organisation.name }))}</title>`,
    `<id>${xml(abs(listPath(organisation.slug)))}</id>`,
    `<link rel="self" type="application/atom+xml" href="${xml(abs(feedPath(organisation.slug)))}"/>`,
    `<link rel="alternate" type="text/html" href="${xml(abs(listPath(organisation.slug)))}"/>`,
    `<updated>${feedUpdated}</updated>`,
    `<author><name>${xml(organisation.name)}</name></author>`,
  ];
  for (const entry of entries) {
    const chosen = entry.texts[language] ? language : entry.languages[0]!.code;
    const text = entry.texts[chosen]!;
    const url = abs(entryPath(organisation.slug, entry.slug));
    lines.push(
      `<entry xml:lang="${chosen}">`,
      `<title>${xml(clean(text.title))}</title>`,
      `<id>${xml(url)}</id>`,
      `<link rel="alternate" type="text/html" href="${xml(url)}"/>`,
      ...entry.languages
        .filter((l) => l.code !== chosen)
        .map((l) => `<link rel="alternate" type="text/html" hreflang="${l.code}" href="${xml(`${url}?lang=${l.code}`)}"/>`),
      `<published>${entry.firstPublishedAt ?? updatedOf(entry)}</published>`,
      `<updated>${updatedOf(entry)}</updated>`,
      `<summary>${xml(clean(text.asked))}</summary>`,
      `<content type="html">${xml(entryHtml(entry, chosen, makeTranslate(chosen as LanguageCode, messagesFor(chosen as LanguageCode, ["common", "reportback"]))))}</content>`,
      `</entry>`,
    );
  }
  lines.push(`</feed>`);
  return lines.join("\n");
}
