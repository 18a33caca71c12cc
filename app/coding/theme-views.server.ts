/**
 * Seeing the themes: how many PEOPLE (not mentions) raised each theme, by language, session type and
 * cohort; which themes occur together; and the coded extracts with their context. Everything is read
 * through the consent gate's "analysis" purpose, so erased participants never count.
 *
 * A person "raised" a theme when any coder applied it to one of their turns or answers (or, with
 * `resolvedOnly`, when the agreed resolution says so, or the coders agreed), or to an interpreter's
 * linked rendering of one of their turns (their words, coded in the interpreter's language). Other
 * facilitator and interpreter turns are not people's views and are not counted. By language, a person
 * counts under each language they raised the theme in: the turn's own language, or for a rendering
 * the language of the turn it renders (what the person spoke).
 */
import type { DB } from "../../db/index";
import { type GatedUnit } from "../consent/units.server";
import { readCodings } from "../consent/codings.server";
import { requireStudy, type StudyScope } from "../consent/scope.server";
import { type UnitKey } from "./units";
import { listThemes } from "./codebook.server";
import { extractWithContext } from "./spans";

export interface ThemeCount {
  themeId: string;
  name: string;
  colour: string;
  depth: number;
  people: number;
  mentions: number;
  byLanguage: Record<string, number>;
  bySource: Record<string, number>;
  byCohort: Record<string, number>;
}

interface CodedUnit {
  unit: GatedUnit;
  themes: Map<string, { start: number; end: number; coderId: string }[]>;
}

async function codedUnits(db: DB, scope: StudyScope, options: { coders?: readonly string[] }): Promise<CodedUnit[]> {
  // THE GATE: only codings (not rejected on their unit) whose unit analysis may read come back, with those units.
  const { codings, units } = await readCodings(db, scope, "analysis", { coderIds: options.coders, withoutRejected: true });
  const byUnit = new Map<UnitKey, Map<string, { start: number; end: number; coderId: string }[]>>();
  for (const c of codings) {
    const themes = byUnit.get(c.unit) ?? new Map();
    themes.set(c.themeId, [...(themes.get(c.themeId) ?? []), { start: c.start, end: c.end, coderId: c.coderId }]);
    byUnit.set(c.unit, themes);
  }
  return [...units.values()].filter((u) => u.ownerId !== null).map((unit) => ({ unit, themes: byUnit.get(unit.key)! }));
}

export async function themeCounts(db: DB, scope: StudyScope, options: { coders?: readonly string[] } = {}): Promise<ThemeCount[]> {
  await requireStudy(db, scope);
  const themes = await listThemes(db, scope);
  const cohorts = new Map(
    (await db.selectFrom("cohort").select(["id", "name"]).where("study_id", "=", scope.studyId).execute()).map((c) => [c.id, c.name]),
  );
  const coded = await codedUnits(db, scope, options);
  const people = new Map<string, Map<string, GatedUnit[]>>(); // theme → participant → units
  const mentions = new Map<string, number>();
  for (const { unit, themes: applied } of coded) {
    for (const [themeId, spans] of applied) {
      const byPerson = people.get(themeId) ?? new Map<string, GatedUnit[]>();
      byPerson.set(unit.ownerId!, [...(byPerson.get(unit.ownerId!) ?? []), unit]);
      people.set(themeId, byPerson);
      mentions.set(themeId, (mentions.get(themeId) ?? 0) + spans.length);
    }
  }
  return themes.map((theme) => {
    const byPerson = people.get(theme.id) ?? new Map<string, GatedUnit[]>();
    const byLanguage: Record<string, number> = {};
    const bySource: Record<string, number> = {};
    const byCohort: Record<string, number> = {};
    for (const units of byPerson.values()) {
      // one person counts once per breakdown value, however often they said it
      const first = units[0]!;
      for (const lang of new Set(units.map((u) => u.renders?.language ?? u.language))) byLanguage[lang] = (byLanguage[lang] ?? 0) + 1;
      for (const source of new Set(units.map((u) => u.sessionKind ?? "answer"))) bySource[source] = (bySource[source] ?? 0) + 1;
      const cohort = first.cohortId ? (cohorts.get(first.cohortId) ?? "") : "";
      byCohort[cohort] = (byCohort[cohort] ?? 0) + 1;
    }
    return {
      themeId: theme.id,
      name: theme.name,
      colour: theme.colour,
      depth: theme.depth,
      people: byPerson.size,
      mentions: mentions.get(theme.id) ?? 0,
      byLanguage,
      bySource,
      byCohort,
    };
  });
}

/** How many people raised both themes (diagonal: the theme alone). */
export async function coOccurrence(db: DB, scope: StudyScope, options: { coders?: readonly string[] } = {}) {
  await requireStudy(db, scope);
  const themes = await listThemes(db, scope);
  const coded = await codedUnits(db, scope, options);
  const perPerson = new Map<string, Set<string>>();
  for (const { unit, themes: applied } of coded) {
    const set = perPerson.get(unit.ownerId!) ?? new Set<string>();
    for (const id of applied.keys()) set.add(id);
    perPerson.set(unit.ownerId!, set);
  }
  const index = new Map(themes.map((t, i) => [t.id, i]));
  const matrix = themes.map(() => themes.map(() => 0));
  for (const set of perPerson.values()) {
    const ids = [...set].filter((id) => index.has(id));
    for (const a of ids) for (const b of ids) matrix[index.get(a)!]![index.get(b)!]!++;
  }
  return { themes: themes.map((t) => ({ id: t.id, name: t.name })), matrix };
}

/** The coded extracts for a theme with their context, in source order. */
export async function themeExtracts(
  db: DB,
  scope: StudyScope,
  themeId: string,
  options: { coders?: readonly string[]; limit?: number } = {},
) {
  await requireStudy(db, scope);
  const coded = await codedUnits(db, scope, options);
  const out = [];
  for (const { unit, themes } of coded) {
    for (const span of themes.get(themeId) ?? []) {
      out.push({
        unit: unit.key,
        source: unit.sessionKind ?? "answer",
        sessionLabel: unit.sessionLabel,
        language: unit.language,
        coderId: span.coderId,
        start: span.start,
        end: span.end,
        ...extractWithContext(unit.text, span),
      });
    }
  }
  return out.slice(0, options.limit ?? 500);
}
