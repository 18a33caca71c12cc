/**
 * Suggestions of what to redact in participants' free text. These are SUGGESTIONS: a researcher
 * confirms, extends or dismisses each one, so the patterns lean towards flagging too much rather
 * than too little (a missed Home Office reference can put a person at risk; a dismissed false
 * positive costs a click).
 *
 * Offsets are Unicode CODE POINT offsets (not UTF-16 units), so an emoji earlier in the text does
 * not shift a span, and the same numbers work in any language the UI is written in.
 *
 * What is flagged, and why:
 * - email: anything@domain.tld, Unicode letters allowed.
 * - url: http(s):// and www. addresses (trailing punctuation of the sentence excluded).
 * - phone: international numbers written with + or 00 (e.g. +44 7700 900123, +963 944 123 456,
 *   00963 …; 7–15 digits after the country prefix, as E.164 allows), and UK national numbers
 *   starting with 0 with 10 or 11 digits (07…, 01…, 02…, (020) …). Spaces, dots and dashes between
 *   digits are allowed; Arabic-Indic digits are read as digits.
 * - uk_postcode: full postcodes only (outward + inward code: CF10 1AA, SW1A 2AA, cf101aa), any case.
 *   Ordinals written in lower case ("B12 3rd floor") are not taken for postcodes.
 *   A district alone ("CF10") is too coarse to identify anyone and too common in prose to flag.
 * - date_of_birth: EVERY full date (day, month and year): 12/03/1990, 12-03-90, 1990-03-12,
 *   12 March 1990, March 12, 1990, 12fed o Fawrth 1990 (Welsh), ١٢ آذار ١٩٩٠ (Arabic, Levantine
 *   and Egyptian month names). We cannot tell a date of birth from the date someone arrived or had
 *   an interview, and each of those can identify a person as surely; month + year alone is not flagged.
 * - home_office_reference: one letter followed by 7 digits (B1234567, the Home Office reference
 *   format on letters); UANs (1234-5678-9012-3456, dashes or spaces); and whatever follows
 *   "HO ref"/"Home Office reference" (only the identifier is flagged, the label is kept for context).
 * - port_reference: GWF followed by 9 digits (GWF012345678; strictly a visa application number,
 *   grouped here because it is an entry/travel reference and the kinds are fixed), and port
 *   references written as three letters, up to two digits, then /digits/digits (LHR/12345/2024,
 *   ABC12/345/2023), which is how port and case references appear in participants' notes.
 * - name: each name in the study's own list, case-insensitively, as a whole word (Unicode letters,
 *   so "Sam" does not match inside "Samira"); several-word names allow any spacing. Arabic names
 *   also match with short vowels/tatweel written in, with any alef/hamza form (أ إ آ ا), ى for ي and
 *   ه for ة, Persian ی and ک for ي and ك, and after an attached و ف ب ل ك ("وأحمد" flags أحمد). Names of
 *   one character are ignored. Given the study's scripts, a name is also matched in each other
 *   script (app/coding/name-scripts.ts): "Ahmed" flags أحمد, محمد flags "Mohammed".
 *
 * Where spans overlap, the more specific kind wins in the order above (an e-mail address that
 * contains a name is one email span), then the longer span.
 */

import { arabicNameInLatin, latinNameInArabic, scriptOfName, type NameScript } from "./name-scripts";

export type RedactionKind =
  "email" | "phone" | "url" | "uk_postcode" | "date_of_birth" | "home_office_reference" | "port_reference" | "name";

export interface RedactionCandidate {
  kind: RedactionKind;
  /** Code point offset of the first character. */
  start: number;
  /** Code point offset just after the last character. */
  end: number;
  text: string;
}

export interface FindRedactionOptions {
  /** Names from the study's own list (participants, family members, staff, places if wanted). */
  names?: string[];
  /**
   * The scripts the study's languages are written in (scriptsOfLanguages). Each name is matched in
   * every one of them: a name in Latin letters in Arabic-script text and the reverse
   * (app/coding/name-scripts.ts). Without it, names are matched in the script they are written in only.
   */
  scripts?: readonly NameScript[];
}

// Digits as people type them: ASCII, Arabic-Indic and Extended Arabic-Indic (Persian/Urdu keyboards).
const D = "[0-9\\u0660-\\u0669\\u06F0-\\u06F9]";
// Unicode word boundaries: no letter, combining mark or digit immediately before/after.
const ZERO = "[0\\u0660\\u06F0]";
const B = "(?<![\\p{L}\\p{M}\\p{N}])";
const E = "(?![\\p{L}\\p{M}\\p{N}])";

function asciiDigits(s: string): string {
  return s.replace(/[\u0660-\u0669\u06F0-\u06F9]/g, (d) => {
    const c = d.charCodeAt(0);
    return String(c - (c >= 0x06f0 ? 0x06f0 : 0x0660));
  });
}

function digitCount(s: string): number {
  return (asciiDigits(s).match(/[0-9]/g) ?? []).length;
}

interface Rule {
  kind: RedactionKind;
  regex: RegExp;
  /** Which named group is the span (default: the whole match). */
  group?: string;
  /** Adjust or reject a match: return the accepted text (a prefix of the match) or null. */
  accept?: (text: string) => string | null;
}

const EN_MONTHS =
  "january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec";
// Welsh months with their soft-mutated forms ("o Fawrth", "ym mis Fai").
const CY_MONTHS =
  "ionawr|chwefror|mawrth|fawrth|ebrill|mai|fai|mehefin|fehefin|gorffennaf|orffennaf|awst|medi|fedi|hydref|tachwedd|dachwedd|rhagfyr|ragfyr";
// Egyptian/Gulf (Gregorian loan) and Levantine/Iraqi (Syriac) month names, longest first.
const AR_MONTHS = [
  "كانون الثاني",
  "كانون الأول",
  "كانون الاول",
  "تشرين الأول",
  "تشرين الاول",
  "تشرين الثاني",
  "يناير",
  "فبراير",
  "مارس",
  "أبريل",
  "إبريل",
  "ابريل",
  "مايو",
  "يونيو",
  "يونيه",
  "يوليو",
  "يوليه",
  "أغسطس",
  "اغسطس",
  "سبتمبر",
  "أكتوبر",
  "اكتوبر",
  "نوفمبر",
  "ديسمبر",
  "شباط",
  "آذار",
  "اذار",
  "نيسان",
  "أيار",
  "ايار",
  "حزيران",
  "تموز",
  "آب",
  "اب",
  "أيلول",
  "ايلول",
].join("|");
const ORDINAL = "(?:st|nd|rd|th|af|il|ydd|edd|fed|ed|eg|ain)?";
const YEAR = `${D}{4}`;

function validDayMonth(day: number, month: number): boolean {
  return day >= 1 && day <= 31 && month >= 1 && month <= 12;
}

/** Trailing sentence punctuation is not part of a URL; a closing bracket is, only if it opened inside. */
function trimUrl(url: string): string {
  let u = url;
  for (;;) {
    const before = u;
    u = u.replace(/[.,;:!?'"،؛…]+$/u, "");
    if (u.endsWith(")") && (u.match(/\(/g) ?? []).length < (u.match(/\)/g) ?? []).length) u = u.slice(0, -1);
    if (u.endsWith("]") && (u.match(/\[/g) ?? []).length < (u.match(/\]/g) ?? []).length) u = u.slice(0, -1);
    if (u === before) return u;
  }
}

/** Drop trailing digit groups until the digit count fits (a number followed by an unrelated figure). */
function fitPhone(text: string, min: number, max: number, prefixDigits = 0): string | null {
  let t = text;
  while (digitCount(t) - prefixDigits > max) {
    const shorter = t.replace(new RegExp(`[\\s.-]?${D}+$`, "u"), "");
    if (shorter === t) return null;
    t = shorter;
  }
  return digitCount(t) - prefixDigits >= min ? t : null;
}

const RULES: Rule[] = [
  {
    kind: "email",
    regex: new RegExp(
      `(?<![\\p{L}\\p{N}._%+-])[\\p{L}\\p{N}_%+-](?:[\\p{L}\\p{N}._%+-]*[\\p{L}\\p{N}_%+-])?@[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]*[\\p{L}\\p{N}])?(?:\\.[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]*[\\p{L}\\p{N}])?)*\\.\\p{L}{2,}${E}`,
      "giu",
    ),
  },
  {
    kind: "url",
    regex: /(?:\bhttps?:\/\/|(?<![\p{L}\p{N}@./])www\.)[^\s<>"«»]+/giu,
    accept: (t) => {
      const u = trimUrl(t);
      return /^(?:https?:\/\/|www\.)./iu.test(u) ? u : null;
    },
  },
  {
    kind: "home_office_reference",
    regex: new RegExp(`${B}\\d{4}([-\\s])\\d{4}\\1\\d{4}\\1\\d{4}${E}`, "gu"),
  },
  {
    kind: "home_office_reference",
    regex: new RegExp(
      `${B}(?:H\\.?O\\.?|Home\\s+Office)\\s*ref(?:erence)?\\.?(?:\\s*(?:no\\.?|number|#))?\\s*[:#.-]?\\s*(?<id>[A-Z]{0,3}\\d[\\d/-]*\\d)${E}`,
      "giud",
    ),
    group: "id",
  },
  { kind: "home_office_reference", regex: new RegExp(`${B}[A-Z]\\d{7}${E}`, "giu") },
  { kind: "port_reference", regex: new RegExp(`${B}GWF\\d{9}${E}`, "giu") },
  { kind: "port_reference", regex: new RegExp(`${B}[A-Z]{3}\\d{0,2}\\/\\d{1,8}\\/\\d{1,4}${E}`, "giu") },
  {
    // Day-month-year or month-day-year with / - or . between.
    kind: "date_of_birth",
    regex: new RegExp(`${B}(?<a>${D}{1,2})(?<sep>[/.-])(?<b>${D}{1,2})\\k<sep>(?<y>${D}{4}|${D}{2})${E}`, "gu"),
    accept: (t) => {
      const [a, b] = asciiDigits(t).split(/[/.-]/).map(Number);
      return validDayMonth(a!, b!) || validDayMonth(b!, a!) ? t : null;
    },
  },
  {
    kind: "date_of_birth",
    regex: new RegExp(`${B}${D}{4}(?<sep>[/.-])${D}{1,2}\\k<sep>${D}{1,2}${E}`, "gu"),
    accept: (t) => {
      const [y, m, d] = asciiDigits(t).split(/[/.-]/).map(Number);
      return y! >= 1900 && y! <= 2100 && validDayMonth(d!, m!) ? t : null;
    },
  },
  {
    kind: "date_of_birth",
    regex: new RegExp(`${B}${D}{1,2}${ORDINAL}\\s+(?:(?:of|o)\\s+)?(?:${EN_MONTHS}|${CY_MONTHS})\\.?,?\\s+${YEAR}${E}`, "giu"),
    accept: (t) => (validDayMonth(Number(asciiDigits(t).match(/^[0-9]+/)![0]), 1) ? t : null),
  },
  {
    kind: "date_of_birth",
    regex: new RegExp(`${B}(?:${EN_MONTHS})\\.?\\s+${D}{1,2}${ORDINAL},?\\s+${YEAR}${E}`, "giu"),
    accept: (t) => (validDayMonth(Number(asciiDigits(t).match(/[0-9]+/)![0]), 1) ? t : null),
  },
  {
    kind: "date_of_birth",
    regex: new RegExp(`${B}${D}{1,2}\\s+(?:من\\s+)?(?:${AR_MONTHS})(?:\\s*،\\s*|\\s+)(?:(?:عام|سنة)\\s+)?${YEAR}(?:\\s?م)?${E}`, "gu"),
    accept: (t) => (validDayMonth(Number(asciiDigits(t).match(/^[0-9]+/)![0]), 1) ? t : null),
  },
  {
    // The inward code's letters never include C I K M O or V (Royal Mail PAF).
    kind: "uk_postcode",
    regex: new RegExp(`${B}[A-Z]{1,2}\\d[A-Z\\d]?\\s?\\d[ABD-HJLNP-UW-Z]{2}${E}`, "giu"),
    // "B12 3rd floor", "room 4 2nd": a lower-case ordinal is far likelier than a postcode typed in lower case.
    accept: (t) => (/\d(?:st|nd|rd|th)$/.test(t) ? null : t),
  },
  {
    kind: "phone",
    regex: new RegExp(`(?<![\\p{L}\\p{M}\\p{N}+])(?:\\+|00)${D}{1,3}(?:[\\s.-]?\\(${D}{1,4}\\))?(?:[\\s.-]?${D}){6,14}${E}`, "gu"),
    accept: (t) => fitPhone(t, 7, 15, t.startsWith("+") ? 0 : 2),
  },
  {
    kind: "phone",
    regex: new RegExp(`${B}(?:\\(${ZERO}${D}{2,4}\\)|${ZERO}${D}{2,4})(?:[\\s.-]?${D}){5,9}${E}`, "gu"),
    accept: (t) => fitPhone(t, 10, 11),
  },
];

const PRIORITY: Record<RedactionKind, number> = {
  email: 0,
  url: 1,
  home_office_reference: 2,
  port_reference: 3,
  date_of_birth: 4,
  uk_postcode: 5,
  phone: 6,
  name: 7,
};

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

const ARABIC_LETTER = /[\u0620-\u064A\u0671-\u06D3]/u;
const ARABIC_MARKS = "[\\u0640\\u064B-\\u065F\\u0670]*"; // tatweel, harakat, superscript alef
const ARABIC_VARIANTS: Record<string, string> = {
  ا: "[اأإآٱ]",
  أ: "[اأإآٱ]",
  إ: "[اأإآٱ]",
  آ: "[اأإآٱ]",
  ٱ: "[اأإآٱ]",
  ي: "[يىی]",
  ى: "[يىی]",
  ی: "[يىی]",
  ك: "[كک]",
  ک: "[كک]",
  ة: "[ةه]",
  ه: "[هة]",
};

function characterPattern(ch: string): string {
  if (ARABIC_LETTER.test(ch)) return (ARABIC_VARIANTS[ch] ?? escapeRegex(ch)) + ARABIC_MARKS;
  if (ch === "'" || ch === "’" || ch === "ʼ") return "['’ʼ]";
  if (ch === "-" || ch === "‐") return "[-‐]";
  // Text pasted from some systems keeps "ŵ" as w + combining circumflex.
  const decomposed = ch.normalize("NFD");
  return decomposed === ch ? escapeRegex(ch) : `(?:${escapeRegex(ch)}|${escapeRegex(decomposed)})`;
}

/** The name as written, and as read in each other script the study uses. */
function nameRules(name: string, scripts: readonly NameScript[]): Rule[] {
  const rules = [nameRule(name)];
  const written = scriptOfName(name);
  if (written === "latin" && scripts.includes("arabic")) {
    const pattern = latinNameInArabic(name);
    if (pattern) rules.push({ kind: "name", regex: new RegExp(`${B}(?:[وفبلك]{1,2})?(?<name>${pattern})${E}`, "giud"), group: "name" });
  }
  if (written === "arabic" && scripts.includes("latin")) {
    const pattern = arabicNameInLatin(name);
    if (pattern) rules.push({ kind: "name", regex: new RegExp(`${B}(?<name>${pattern})${E}`, "giud"), group: "name" });
  }
  return rules.filter((r): r is Rule => r !== null);
}

function nameRule(name: string): Rule | null {
  const clean = name
    .normalize("NFC")
    // eslint-disable-next-line no-misleading-character-class -- Arabic tatweel and harakat, removed one by one
    .replace(/[\u0640\u064B-\u065F\u0670]/g, "")
    .trim();
  if ([...clean].length < 2) return null;
  const body = clean
    .split(/\s+/u)
    .map((part) => [...part].map(characterPattern).join(""))
    .join("[\\s\\u00A0]+");
  // Arabic writes "and", "so", "with", "for" and "like" joined to the next word.
  const proclitic = ARABIC_LETTER.test(clean[0]!) ? "(?:[وفبلك]{1,2})?" : "";
  return { kind: "name", regex: new RegExp(`${B}${proclitic}(?<name>${body})${E}`, "giud"), group: "name" };
}

/** UTF-16 index → code point index, for every index 0..length. */
function codePointIndex(text: string): Uint32Array {
  const map = new Uint32Array(text.length + 1);
  let cp = 0;
  for (let i = 0; i < text.length; i++) {
    map[i] = cp;
    const c = text.charCodeAt(i);
    const isHighSurrogate = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length;
    const next = text.charCodeAt(i + 1);
    if (isHighSurrogate && next >= 0xdc00 && next <= 0xdfff) {
      map[i + 1] = cp;
      i++;
    }
    cp++;
  }
  map[text.length] = cp;
  return map;
}

export function findRedactionCandidates(text: string, options: FindRedactionOptions = {}): RedactionCandidate[] {
  const rules = [...RULES, ...(options.names ?? []).flatMap((name) => nameRules(name, options.scripts ?? []))];
  type Found = { kind: RedactionKind; from: number; to: number };
  const found: Found[] = [];
  for (const rule of rules) {
    rule.regex.lastIndex = 0;
    for (const match of text.matchAll(rule.regex)) {
      let from = match.index;
      let matched = match[0];
      if (rule.group) {
        const span = match.indices?.groups?.[rule.group];
        if (!span) continue;
        [from] = span;
        matched = text.slice(span[0], span[1]);
      }
      const accepted = rule.accept ? rule.accept(matched) : matched;
      if (accepted === null || accepted === "") continue;
      found.push({ kind: rule.kind, from, to: from + accepted.length });
    }
  }
  found.sort((a, b) => PRIORITY[a.kind] - PRIORITY[b.kind] || b.to - b.from - (a.to - a.from) || a.from - b.from);
  const chosen: Found[] = [];
  for (const f of found) {
    if (chosen.every((c) => f.to <= c.from || f.from >= c.to)) chosen.push(f);
  }
  chosen.sort((a, b) => a.from - b.from);
  const cp = codePointIndex(text);
  return chosen.map((f) => ({ kind: f.kind, start: cp[f.from]!, end: cp[f.to]!, text: text.slice(f.from, f.to) }));
}

/**
 * The marker that replaces a redacted span: `[redacted: home office reference]`. Neutral wording
 * (not "[name removed]") so a quote reads as edited rather than as someone's words being erased,
 * and the kind stays visible so readers know what sort of detail was there. Kinds that researchers
 * add themselves (e.g. "place") are shown as given.
 */
export function redactionMarker(kind: string): string {
  return `[redacted: ${kind.replace(/_/g, " ")}]`;
}

/**
 * Replaces each span (code point offsets) with its marker. Overlapping spans are merged into one
 * marker naming each kind once ("[redacted: name, phone]"). Throws RangeError for a span outside
 * the text or with end <= start, since silently skipping one would publish what it covered.
 */
export function applyRedactions(text: string, redactions: ReadonlyArray<{ start: number; end: number; kind: string }>): string {
  const chars = Array.from(text);
  const spans = redactions
    .map((r) => {
      if (!Number.isInteger(r.start) || !Number.isInteger(r.end) || r.start < 0 || r.end > chars.length || r.end <= r.start) {
        throw new RangeError(`redaction ${r.start}-${r.end} is outside the text (${chars.length} characters)`);
      }
      return { start: r.start, end: r.end, kinds: [r.kind] };
    })
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: typeof spans = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.start < last.end) {
      last.end = Math.max(last.end, s.end);
      for (const k of s.kinds) if (!last.kinds.includes(k)) last.kinds.push(k);
    } else merged.push({ ...s, kinds: [...s.kinds] });
  }
  let out = "";
  let at = 0;
  for (const s of merged) {
    out += chars.slice(at, s.start).join("") + redactionMarker(s.kinds.join(", "));
    at = s.end;
  }
  return out + chars.slice(at).join("");
}
