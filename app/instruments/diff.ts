import { instrumentMessages, SOURCE_LANGUAGE } from "./messages";
import type { InstrumentDefinition, Translations } from "./schema";

/** What a diff needs of a version: a loaded one (from the folder) or a published one (from the DB). */
export interface DiffableVersion {
  id: string;
  version: number;
  definition: InstrumentDefinition;
  translations: Translations;
}

export interface PropertyChange {
  /** e.g. "scale.max", "options.daily", "show_if", "section" */
  property: string;
  from: unknown;
  to: unknown;
}

export interface ChangedPart {
  id: string;
  changes: PropertyChange[];
}

export interface PartDiff {
  added: string[];
  removed: string[];
  /** Parts in both versions whose structure (not their texts) changed. */
  changed: ChangedPart[];
}

export interface TextChange {
  key: string;
  language: string;
  change: "added" | "removed" | "changed";
  from?: string;
  to?: string;
}

export interface InstrumentDiff {
  id: string;
  from: number;
  to: number;
  /** Top-level properties other than texts and parts (kind). */
  instrument: PropertyChange[];
  sections: PartDiff;
  items: PartDiff;
  statements: PartDiff;
  measures: PartDiff;
  /** Changed texts per message key and language ("en" for the base file). */
  texts: TextChange[];
  languages: { added: string[]; removed: string[]; reviewChanged: { language: string; from: string; to: string }[] };
}

// Texts are compared through message keys, so structural comparison leaves them out.
const TEXT_PROPERTIES = new Set(["text", "hint", "title", "intro", "label", "name", "attribution", "licence", "source", "description"]);

/**
 * What changed between two versions of an instrument: parts added, removed and restructured (type,
 * options, scale, show_if, section, scoring…), every changed text per language, and translation review
 * changes. Parts are matched by id, so a reordered list is reported as an order change only.
 */
export function diffInstrumentVersions(a: DiffableVersion, b: DiffableVersion): InstrumentDiff {
  const instrument: PropertyChange[] = [];
  if (a.definition.kind !== b.definition.kind) instrument.push({ property: "kind", from: a.definition.kind, to: b.definition.kind });

  const sectionsA = a.definition.sections ?? [];
  const sectionsB = b.definition.sections ?? [];
  const sections = diffParts(
    sectionsA.map((s) => ({ id: s.id, value: { ...s, items: s.items.map((i) => i.id) } })),
    sectionsB.map((s) => ({ id: s.id, value: { ...s, items: s.items.map((i) => i.id) } })),
  );
  const itemsOf = (sectionList: typeof sectionsA) =>
    sectionList.flatMap((s) => s.items.map((item) => ({ id: item.id, value: { ...item, section: s.id } })));
  const items = diffParts(itemsOf(sectionsA), itemsOf(sectionsB));
  const statements = diffParts(
    (a.definition.statements ?? []).map((s) => ({ id: s.id, value: s })),
    (b.definition.statements ?? []).map((s) => ({ id: s.id, value: s })),
  );
  const measures = diffParts(
    (a.definition.measures ?? []).map((m) => ({ id: m.id, value: m })),
    (b.definition.measures ?? []).map((m) => ({ id: m.id, value: m })),
  );
  const orderA = (a.definition.statements ?? []).map((s) => s.id).filter((id) => (b.definition.statements ?? []).some((s) => s.id === id));
  const orderB = (b.definition.statements ?? []).map((s) => s.id).filter((id) => orderA.includes(id));
  if (orderA.join() !== orderB.join()) instrument.push({ property: "statements order", from: orderA, to: orderB });
  const sectionOrderA = sectionsA.map((s) => s.id).filter((id) => sectionsB.some((s) => s.id === id));
  const sectionOrderB = sectionsB.map((s) => s.id).filter((id) => sectionOrderA.includes(id));
  if (sectionOrderA.join() !== sectionOrderB.join()) instrument.push({ property: "sections order", from: sectionOrderA, to: sectionOrderB });

  const texts: TextChange[] = [];
  const englishA = instrumentMessages(a.definition);
  const englishB = instrumentMessages(b.definition);
  texts.push(...diffMessages(englishA, englishB, SOURCE_LANGUAGE));
  const languagesA = Object.keys(a.translations).sort();
  const languagesB = Object.keys(b.translations).sort();
  const reviewChanged: InstrumentDiff["languages"]["reviewChanged"] = [];
  for (const language of [...new Set([...languagesA, ...languagesB])].sort()) {
    const ta = a.translations[language];
    const tb = b.translations[language];
    if (ta && tb) {
      texts.push(...diffMessages(ta.messages, tb.messages, language));
      const from = describeReview(ta.review);
      const to = describeReview(tb.review);
      if (from !== to) reviewChanged.push({ language, from, to });
    }
  }
  return {
    id: b.id,
    from: a.version,
    to: b.version,
    instrument,
    sections,
    items,
    statements,
    measures,
    texts,
    languages: {
      added: languagesB.filter((l) => !languagesA.includes(l)),
      removed: languagesA.filter((l) => !languagesB.includes(l)),
      reviewChanged,
    },
  };
}

function describeReview(review: Translations[string]["review"]) {
  return review.status === "reviewed" ? `reviewed by ${review.reviewed_by}` : review.status;
}

function diffParts(a: { id: string; value: object }[], b: { id: string; value: object }[]): PartDiff {
  const byIdA = new Map(a.map((p) => [p.id, p.value] as const));
  const byIdB = new Map(b.map((p) => [p.id, p.value] as const));
  const changed: ChangedPart[] = [];
  for (const part of b) {
    const before = byIdA.get(part.id);
    if (!before) continue;
    const changes = diffProperties(flatten(before), flatten(part.value));
    if (changes.length > 0) changed.push({ id: part.id, changes });
  }
  return {
    added: b.filter((p) => !byIdA.has(p.id)).map((p) => p.id),
    removed: a.filter((p) => !byIdB.has(p.id)).map((p) => p.id),
    changed,
  };
}

/**
 * Non-text properties as path → value. Lists of objects with an id or value (options, bands) are keyed
 * by it, so adding an option reads "options.daily: added", not a shifted list.
 */
function flatten(value: unknown, prefix = "", out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(value) && value.every((v) => v && typeof v === "object" && ("id" in v || "value" in v))) {
    for (const element of value as Record<string, unknown>[]) {
      const key = String(element.id ?? element.value);
      const path = `${prefix}.${key}`;
      out.set(path, "present");
      flatten(element, path, out);
    }
    return out;
  }
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (TEXT_PROPERTIES.has(key) || key === "labels") {
        // Texts are compared as messages; which scale points carry a label is structure.
        if (key === "labels" && child && typeof child === "object") out.set(`${prefix}.labelled points`.replace(/^\./, ""), Object.keys(child).join(","));
        continue;
      }
      if (key === "id" || key === "value") continue;
      flatten(child, prefix ? `${prefix}.${key}` : key, out);
    }
    return out;
  }
  out.set(prefix, value);
  return out;
}

function diffProperties(a: Map<string, unknown>, b: Map<string, unknown>): PropertyChange[] {
  const changes: PropertyChange[] = [];
  for (const key of [...new Set([...a.keys(), ...b.keys()])]) {
    const from = a.get(key);
    const to = b.get(key);
    if (JSON.stringify(from) !== JSON.stringify(to)) changes.push({ property: key, from, to });
  }
  return changes;
}

function diffMessages(a: Record<string, string>, b: Record<string, string>, language: string): TextChange[] {
  const changes: TextChange[] = [];
  for (const key of Object.keys(b)) {
    if (!(key in a)) changes.push({ key, language, change: "added", to: b[key] });
    else if (a[key] !== b[key]) changes.push({ key, language, change: "changed", from: a[key], to: b[key] });
  }
  for (const key of Object.keys(a)) if (!(key in b)) changes.push({ key, language, change: "removed", from: a[key] });
  return changes;
}

export function isEmptyDiff(diff: InstrumentDiff): boolean {
  const parts = [diff.sections, diff.items, diff.statements, diff.measures];
  return (
    diff.instrument.length === 0 &&
    parts.every((p) => p.added.length + p.removed.length + p.changed.length === 0) &&
    diff.texts.length === 0 &&
    diff.languages.added.length + diff.languages.removed.length + diff.languages.reviewChanged.length === 0
  );
}

/** The diff as plain lines for the CLI and review notes. */
export function renderDiff(diff: InstrumentDiff): string {
  const lines: string[] = [`${diff.id}: version ${diff.from} → ${diff.to}`];
  if (isEmptyDiff(diff)) {
    lines.push("  no differences");
    return lines.join("\n");
  }
  for (const change of diff.instrument) lines.push(`  ${change.property}: ${show(change.from)} → ${show(change.to)}`);
  const parts: [string, PartDiff][] = [
    ["section", diff.sections],
    ["item", diff.items],
    ["statement", diff.statements],
    ["measure", diff.measures],
  ];
  for (const [name, part] of parts) {
    for (const id of part.added) lines.push(`  + ${name} ${id}`);
    for (const id of part.removed) lines.push(`  - ${name} ${id}`);
    for (const changed of part.changed) {
      lines.push(`  ~ ${name} ${changed.id}`);
      for (const change of changed.changes) {
        lines.push(
          change.from === undefined
            ? `      ${change.property}: added ${change.to === "present" ? "" : show(change.to)}`.trimEnd()
            : change.to === undefined
              ? `      ${change.property}: removed`
              : `      ${change.property}: ${show(change.from)} → ${show(change.to)}`,
        );
      }
    }
  }
  if (diff.languages.added.length) lines.push(`  + languages: ${diff.languages.added.join(", ")}`);
  if (diff.languages.removed.length) lines.push(`  - languages: ${diff.languages.removed.join(", ")}`);
  for (const review of diff.languages.reviewChanged) lines.push(`  ~ ${review.language} review: ${review.from} → ${review.to}`);
  if (diff.texts.length > 0) {
    lines.push("  texts:");
    for (const text of diff.texts) {
      const prefix = `    [${text.language}] ${text.key}`;
      if (text.change === "added") lines.push(`${prefix}: added ${JSON.stringify(text.to)}`);
      else if (text.change === "removed") lines.push(`${prefix}: removed (was ${JSON.stringify(text.from)})`);
      else lines.push(`${prefix}:`, `        - ${JSON.stringify(text.from)}`, `        + ${JSON.stringify(text.to)}`);
    }
  }
  return lines.join("\n");
}

function show(value: unknown): string {
  return value === undefined ? "(none)" : typeof value === "string" ? value : JSON.stringify(value);
}
