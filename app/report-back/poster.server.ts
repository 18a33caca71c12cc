/**
 * How an entry fits its one-page A4 poster, decided on the server from the lengths of its words
 * (docs/decisions/051-poster-fit.md). The page ships no script, so the browser cannot measure and
 * shrink: we estimate each column's height from character counts at each type size and choose.
 *
 * To fit, the poster first drops quotes, then steps the type down a size at a time. It never cuts the
 * words: "we did" is what the poster is for. When even the smallest size is too long, the poster
 * prints at that size onto a second sheet rather than hiding words, and the editor's preview warns.
 */
import type { PublicEntry } from "./public.server";

/** At most two languages side by side on an A4 poster: more would not be readable across a room. */
export const POSTER_LANGUAGES = 2;
/** At most this many quotes on a poster (the first of each theme), before any are dropped to fit. */
export const POSTER_QUOTES = 2;

/**
 * Body type sizes in points, largest first, named by their size (names that are not integers, so
 * that object key order stays largest first); the classes are in report-back.css.
 * A short entry prints large enough to read across a room and to fill the sheet (ADR 050's "large
 * type"). The steps are about an eighth apart so that the chosen size leaves little of the sheet
 * empty (ADR 051); 15 pt is the smallest size at which quotes are kept.
 */
export const POSTER_SIZES = { "24pt": 24, "21pt": 21, "19pt": 19, "17pt": 17, "15pt": 15, "13pt": 13, "11pt": 11, "10pt": 10 } as const;
/** Sizes at which quotes are printed. */
const QUOTE_SIZES: readonly PosterSize[] = ["24pt", "21pt", "19pt", "17pt", "15pt"];
const SMALLEST_QUOTE_SIZE: PosterSize = "15pt";
export type PosterSize = keyof typeof POSTER_SIZES;

export interface PosterFit {
  size: PosterSize;
  /** How many of the poster's quotes to print. */
  quotes: number;
  /** False when the words do not fit one sheet even at the smallest size without quotes. */
  fits: boolean;
}

// A4 less 12 mm margins is 186 × 273 mm; the poster is 268 mm tall, of which the footer (a 38 mm QR
// code, its padding and rule) takes about 46 mm. Columns are 8 mm apart.
export const PAGE_WIDTH_MM = 186;
const COLUMN_GAP_MM = 8;
const COLUMNS_HEIGHT_MM = 268 - 46;
const MM_PER_PT = 25.4 / 72;
// A list's items are indented by the browser's 40 px.
const LIST_INDENT_MM = 10.6;
// Average advance of a character in ems and the share of a line lost to wrapping between words, as
// measured in Chromium with Noto Sans (`npx tsx scripts/calibrate-poster.ts` prints the comparison): a little
// generous, because an overestimate only costs a size, while an underestimate spills the poster onto
// a second sheet. Arabic-script letters join, and average about three quarters of a Latin letter.
const CHAR_EM = 0.5;
const BOLD_CHAR_EM = 0.56;
const WRAP_LOSS = 0.94;
const ARABIC_SCRIPT_SHARE = 0.78;
const ARABIC_SCRIPT = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/u;

/** The poster's languages: the page's, then the next the entry is written in. */
export function posterLanguages(entry: Pick<PublicEntry, "languages">, language: string): string[] {
  return [language, ...entry.languages.map((l) => l.code).filter((c) => c !== language)].slice(0, POSTER_LANGUAGES);
}

/** The quotes a poster may print, in its order (the first quote of each theme). */
export function posterQuotes(entry: Pick<PublicEntry, "themes">) {
  return entry.themes.flatMap((th) => th.quotes.slice(0, 1)).slice(0, POSTER_QUOTES);
}

/** A text's width in Latin-letter equivalents. */
function length(s: string): number {
  let width = 0;
  for (const ch of s.replace(/\s+/g, " ").trim()) width += ARABIC_SCRIPT.test(ch) ? ARABIC_SCRIPT_SHARE : 1;
  return width;
}

/** Estimated height in mm of one language's column at body size `pt`, with the first `quotes` quotes. */
export function columnHeight(entry: PublicEntry, language: string, width: number, pt: number, quotes: number): number {
  const text = entry.texts[language] ?? Object.values(entry.texts)[0];
  if (!text) return 0;
  const block = (chars: number, size: number, lineHeight: number, em = CHAR_EM, inset = 0) => {
    const perLine = Math.max(1, Math.floor(((width - inset) * WRAP_LOSS) / (size * MM_PER_PT * em)));
    return Math.max(1, Math.ceil(chars / perLine)) * size * lineHeight * MM_PER_PT;
  };
  const body = (chars: number, inset = 0) => block(chars, pt, 1.3, CHAR_EM, inset) + 2;
  const heading = block(12, pt * 1.13, 1.3, BOLD_CHAR_EM) + 5 + 0.5;
  let mm = block(20, pt * 0.93, 1.3, BOLD_CHAR_EM) + 2; // kicker
  mm += block(length(text.title), pt * 1.73, 1.15, BOLD_CHAR_EM) + 4;
  mm += heading + body(length(text.asked));
  if (entry.themes.length) {
    mm += heading;
    // a theme's line: its public label and "N people raised this"
    for (const theme of entry.themes)
      mm += block(length(theme.labels[language] ?? theme.labels.en ?? "") + 32, pt, 1.3, CHAR_EM, LIST_INDENT_MM);
    mm += 2;
    for (const q of posterQuotes(entry).slice(0, quotes))
      mm += body(length(q.language !== language ? (q.translations[language] ?? q.text) : q.text) + 2, 7) + 4;
  }
  const did = entry.actionStatus === "not_doing" ? text.notDoingReason || text.did : text.did;
  mm += heading + body(length(did));
  mm += body(60); // status, progress and next review
  return mm;
}

/**
 * The largest poster that fits: the largest type at which every quote fits (down to 15 pt), then
 * fewer quotes at 15 pt, then smaller type without quotes. Judged on the tallest language column.
 */
export function fitPoster(entry: PublicEntry, languages: readonly string[]): PosterFit {
  const width = languages.length > 1 ? (PAGE_WIDTH_MM - COLUMN_GAP_MM * (languages.length - 1)) / languages.length : PAGE_WIDTH_MM;
  const available = posterQuotes(entry).length;
  const tallest = (pt: number, quotes: number) => Math.max(0, ...languages.map((l) => columnHeight(entry, l, width, pt, quotes)));
  const sizes = Object.keys(POSTER_SIZES) as PosterSize[];
  for (const size of QUOTE_SIZES)
    if (tallest(POSTER_SIZES[size], available) <= COLUMNS_HEIGHT_MM) return { size, quotes: available, fits: true };
  for (let quotes = available - 1; quotes >= 0; quotes--) {
    if (tallest(POSTER_SIZES[SMALLEST_QUOTE_SIZE], quotes) <= COLUMNS_HEIGHT_MM) return { size: SMALLEST_QUOTE_SIZE, quotes, fits: true };
  }
  for (const size of sizes.filter((s) => !QUOTE_SIZES.includes(s)))
    if (tallest(POSTER_SIZES[size], 0) <= COLUMNS_HEIGHT_MM) return { size, quotes: 0, fits: true };
  return { size: sizes.at(-1)!, quotes: 0, fits: false };
}

/** Each language's poster (that language and the next), for the editor: which would not fit one sheet. */
export function postersThatDoNotFit(entry: PublicEntry): string[][] {
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const { code } of entry.languages) {
    const languages = posterLanguages(entry, code);
    const key = [...languages].sort().join(" ");
    if (seen.has(key)) continue;
    seen.add(key);
    if (!fitPoster(entry, languages).fits) out.push(languages);
  }
  return out;
}
