/**
 * A contact line as researchers type it ("Call 0800 132 737 (free)", "research@example.org") cut into
 * plain text, phone numbers and e-mail addresses, so each can be rendered as a link that reads the
 * same way in every language: a phone number's digit groups, in an Arabic or Farsi sentence, are
 * otherwise laid out right to left ("737 132 0800"). See docs/decisions/064-quick-exit-and-participant-language.md.
 */
export type ContactPart =
  { kind: "text"; text: string } | { kind: "tel"; text: string; href: string } | { kind: "email"; text: string; href: string };

// Latin, Arabic-Indic and Persian digits: a Farsi contact line is often typed in Persian digits.
const D = "[0-9\u0660-\u0669\u06F0-\u06F9]";
const PHONE = new RegExp(`(?:\\+\\s?)?\\(?${D}+\\)?(?:[ \\u00A0-]?\\(?${D}+\\)?)*`, "g");
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
/** Numbers short enough to be mistaken for anything else are links only when they are these. */
const SHORT_NUMBERS = new Set(["999", "111", "112", "911"]);

export function latinDigits(text: string): string {
  return text
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06f0));
}

/** A run of digits is a phone number when it has six digits or more (116 123, 0800 132 737), or is an emergency number. */
function phoneHref(match: string): string | undefined {
  const international = match.trim().startsWith("+");
  // "+44 (0)29 …": the bracketed trunk zero is dialled only from inside the country.
  const digits = latinDigits(international ? match.replace(/\(0\)/, "") : match).replace(/[^0-9]/g, "");
  if (digits.length < 6 && !SHORT_NUMBERS.has(digits)) return undefined;
  if (digits.length > 15) return undefined;
  return `tel:${international ? "+" : ""}${digits}`;
}

export function contactParts(text: string): ContactPart[] {
  const found: { start: number; end: number; part: ContactPart }[] = [];
  for (const m of text.matchAll(EMAIL)) {
    found.push({ start: m.index!, end: m.index! + m[0].length, part: { kind: "email", text: m[0], href: `mailto:${m[0]}` } });
  }
  for (const m of text.matchAll(PHONE)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (found.some((f) => start < f.end && end > f.start)) continue;
    const href = phoneHref(m[0]);
    if (href) found.push({ start, end, part: { kind: "tel", text: m[0], href } });
  }
  found.sort((a, b) => a.start - b.start);
  const parts: ContactPart[] = [];
  let at = 0;
  for (const f of found) {
    if (f.start > at) parts.push({ kind: "text", text: text.slice(at, f.start) });
    parts.push(f.part);
    at = f.end;
  }
  if (at < text.length) parts.push({ kind: "text", text: text.slice(at) });
  return parts;
}
