import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { languageCodes, sourceLanguage, type LanguageCode } from "./languages";
import { requestLanguage } from "./request.server";

export type Catalogue = Record<string, string>;

const cataloguesDir = () => path.resolve(process.env.TANDEM_ROOT ?? process.cwd(), "app/i18n/catalogues");

/** Every area's catalogue for one language, read once. */
export function readCatalogues(): Record<LanguageCode, Record<string, Catalogue>> {
  const result = {} as Record<LanguageCode, Record<string, Catalogue>>;
  const dir = cataloguesDir();
  for (const language of languageCodes) result[language] = {};
  for (const area of readdirSync(dir, { withFileTypes: true })) {
    if (!area.isDirectory()) continue;
    for (const language of languageCodes) {
      const file = path.join(dir, area.name, `${language}.json`);
      if (existsSync(file)) result[language][area.name] = JSON.parse(readFileSync(file, "utf8"));
    }
  }
  return result;
}

/** The areas a participant meets: the frame of every page (common) and the study's pages (participant). */
export const participantAreas = ["common", "participant"] as const;

/**
 * The languages a study can offer participants: those with a catalogue for every participant-facing
 * area. A language can ship these without the workspace areas (Pashto and Sorani do, see
 * docs/decisions/004-more-languages.md): any other page asked for in it shows English for each
 * message its catalogues lack, through the fallback in messagesFor.
 */
export function participantLanguages(all = readCatalogues()): LanguageCode[] {
  return languageCodes.filter((code) => participantAreas.every((area) => all[code][area] !== undefined));
}

let workspaceLanguages: Set<LanguageCode> | undefined;

/**
 * The language a workspace page is shown in: the one asked for if it has the workspace catalogue,
 * else English — so a page that is English throughout says lang="en", not the participant-only
 * language it was asked for (a screen reader would read English words with Pashto rules).
 */
export function workspaceLanguage(requested: LanguageCode): LanguageCode {
  if (!workspaceLanguages) {
    const all = readCatalogues();
    workspaceLanguages = new Set(languageCodes.filter((code) => all[code].workspace !== undefined));
  }
  return workspaceLanguages.has(requested) ? requested : sourceLanguage;
}

let cache: Map<LanguageCode, Catalogue> | undefined;
/** Area-limited catalogues, by language and areas; emptied with `cache`. */
let limited = new Map<string, Catalogue>();

/**
 * The merged messages for a language, areas optionally limited. Keys missing from a translation fall
 * back to English, and so does a whole area the language has no catalogue for, so an unfinished or
 * partial translation shows English rather than a raw key; the catalogue tests keep that from
 * happening in the areas a language ships.
 */
export function messagesFor(language: LanguageCode, areas?: string[]): Catalogue {
  if (!cache || process.env.NODE_ENV !== "production") {
    cache = new Map();
    limited = new Map();
    const all = readCatalogues();
    for (const code of languageCodes) {
      const merged: Catalogue = {};
      for (const [, messages] of Object.entries(all[sourceLanguage])) Object.assign(merged, messages);
      for (const [, messages] of Object.entries(all[code])) Object.assign(merged, messages);
      cache.set(code, merged);
    }
  }
  const merged = cache.get(language)!;
  if (!areas) return merged;
  // The same object for the same areas, so what is built from it (a translate function) is reused.
  const key = `${language}:${areas.join(",")}`;
  let catalogue = limited.get(key);
  if (!catalogue) {
    catalogue = Object.fromEntries(Object.entries(merged).filter(([k]) => areas.some((area) => k.startsWith(`${area}.`))));
    limited.set(key, catalogue);
  }
  return catalogue;
}

/**
 * The language a page is shown in, from the request alone (`?lang=`, then the cookie): under
 * /research, one the workspace is translated into. Needs no database, so an error page can use it.
 */
export function pageLanguage(request: Request): LanguageCode {
  const requested = requestLanguage(request);
  return new URL(request.url).pathname.startsWith("/research") ? workspaceLanguage(requested) : requested;
}

/**
 * The messages a hydrated page's loader returns as `clientMessages` (app/i18n/hydration.ts): the
 * frame's areas (common, workspace) and the page's own, in the page's language. Nothing else of
 * the 60 KB catalogue travels (ADR 073).
 */
export function clientMessages(request: Request, areas: string[]): Catalogue {
  return messagesFor(pageLanguage(request), ["common", "workspace", ...areas]);
}
