/**
 * Instrument text as plain blocks for participant pages. Text falls back to English where a
 * translation lacks a message; such a block carries lang="en" so screen readers say it right.
 */
import { localise, messageKeys, type Localiser } from "../instruments/messages";
import type { PublishedInstrumentVersion } from "../instruments/publish.server";
import type { Item, Section } from "../instruments/schema";

type Text = { text: string; lang?: string };

export type TextBlock =
  | {
      kind: "h1" | "h2" | "h3" | "p" | "contact";
      text: string;
      /** Set when the text is not in the page's language (an English fallback). */
      lang?: string;
    }
  | { kind: "ul" | "ol"; entries: Text[] };

// A published version never changes (ADR 003), so its localiser (the English message map and the
// compiled messages) is built once per language and kept as long as the version object is: about
// forty strings on a WHO-5 page used to build forty localisers (issue 15; ADR 073).
const localisers = new WeakMap<PublishedInstrumentVersion, Map<string, Localiser>>();

export function localiser(version: PublishedInstrumentVersion, language: string): Localiser {
  let byLanguage = localisers.get(version);
  if (!byLanguage) localisers.set(version, (byLanguage = new Map()));
  let found = byLanguage.get(language);
  if (!found) byLanguage.set(language, (found = localise(version.definition, version.translations, language)));
  return found;
}

export function textOf(version: PublishedInstrumentVersion, language: string, key: string): { text: string; lang?: string } {
  const detail = localiser(version, language).detail(key);
  return detail.fallback ? { text: detail.text, lang: detail.language } : { text: detail.text };
}

/**
 * Non-question items (headings, texts, lists, prompts, the study contact) as blocks. A heading item is
 * one level below the heading it sits under (`headingLevel`), so the page's outline has no gaps.
 */
export function itemBlock(
  version: PublishedInstrumentVersion,
  language: string,
  item: Item,
  contact: { text: string; lang?: string },
  headingLevel: "h2" | "h3" = "h2",
): TextBlock | undefined {
  switch (item.type) {
    case "heading":
      return { kind: headingLevel, ...textOf(version, language, messageKeys.itemText(item.id)) };
    case "list":
      return {
        kind: item.numbered ? "ol" : "ul",
        entries: item.entries.map((e) => textOf(version, language, messageKeys.listEntry(item.id, e.id))),
      };
    case "text":
    case "prompt":
      return { kind: "p", ...textOf(version, language, messageKeys.itemText(item.id)) };
    case "study_contact":
      return { kind: "contact", ...contact };
    default:
      return undefined;
  }
}

export function sectionBlocks(version: PublishedInstrumentVersion, language: string, section: Section): TextBlock[] {
  const blocks: TextBlock[] = [];
  if (section.title) blocks.push({ kind: "h2", ...textOf(version, language, messageKeys.sectionTitle(section.id)) });
  if (section.intro) blocks.push({ kind: "p", ...textOf(version, language, messageKeys.sectionIntro(section.id)) });
  return blocks;
}

/** A whole text instrument (the information sheet): title, description, then every section. */
export function renderInstrumentText(
  version: PublishedInstrumentVersion,
  language: string,
  contact: { text: string; lang?: string },
): TextBlock[] {
  const blocks: TextBlock[] = [{ kind: "h1", ...textOf(version, language, messageKeys.title) }];
  if (version.definition.description) blocks.push({ kind: "p", ...textOf(version, language, messageKeys.description) });
  for (const section of version.definition.sections ?? []) {
    blocks.push(...sectionBlocks(version, language, section));
    for (const item of section.items) {
      const block = itemBlock(version, language, item, contact, section.title ? "h3" : "h2");
      if (block) blocks.push(block);
    }
  }
  return blocks;
}
