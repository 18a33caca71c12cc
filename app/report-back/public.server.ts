/**
 * What the public sees of "you said, we did": published entries only, in reviewed languages only,
 * with counts of people and quotes read through the consent gate at request time (never stored).
 */
import type { DB } from "../../db/index";
import type { ActionStatus, AskMethod, EntryChangeKind, EntryState, LanguageText } from "../../db/tables/report-back";
import { themeCounts } from "../coding/theme-views.server";
import { getLanguage, isLanguageCode, sourceLanguage, type LanguageCode } from "../i18n/languages";
import { shareableCount, type ShareableCount } from "../disclosure/small-counts";
import { studyTitle } from "../studies/titles";
import type { StudyScope } from "../consent/scope.server";
import { consentedQuotesByCoding, type LiveQuote } from "./quotes.server";

export interface EntryText {
  language: string;
  title: string;
  asked: string;
  did: string;
  notDoingReason: string;
  decidedBy: string;
}

export interface LanguageOption {
  code: LanguageCode;
  endonym: string;
  dir: "ltr" | "rtl";
}

export interface PublicTheme {
  themeId: string;
  /** The public label in each language the entry gives, else the codebook's name (English). */
  labels: LanguageText;
  people: ShareableCount;
  quotes: LiveQuote[];
}

export interface PublicEntry {
  slug: string;
  organisation: { slug: string; name: string };
  study: { slug: string; titles: Record<string, string> };
  state: EntryState;
  languages: LanguageOption[];
  texts: Record<string, EntryText>;
  askedOn: string | null;
  askedUntil: string | null;
  methods: AskMethod[];
  actionStatus: ActionStatus;
  progress: number;
  nextReviewOn: string | null;
  firstPublishedAt: string | null;
  publishedAt: string | null;
  updatedAt: string;
  themes: PublicTheme[];
  milestones: { id: string; dueOn: string; doneOn: string | null; labels: LanguageText }[];
  changes: { kind: EntryChangeKind; changedAt: string; actionStatus: ActionStatus | null; progress: number | null; notes: LanguageText }[];
}

export function languageOptions(codes: Iterable<string>): LanguageOption[] {
  const set = new Set(codes);
  return [...set].filter(isLanguageCode).map((code) => {
    const l = getLanguage(code);
    return { code, endonym: l.endonym, dir: l.dir };
  });
}

/** The text in the language, else the source language, else the first there is: with the language it is in. */
export function textIn<T>(byLanguage: Record<string, T>, language: string): { language: string; value: T } | null {
  for (const code of [language, sourceLanguage, ...Object.keys(byLanguage)]) {
    const value = byLanguage[code];
    if (value !== undefined && value !== "") return { language: code, value };
  }
  return null;
}

export async function findOrganisation(db: DB, slug: string) {
  return db.selectFrom("organisation").select(["id", "slug", "name"]).where("slug", "=", slug).executeTakeFirst();
}

/** Published entries of the organisation, newest first, with their reviewed texts. */
export async function listPublishedEntries(db: DB, organisationId: string) {
  const entries = await db
    .selectFrom("report_entry")
    .innerJoin("study", "study.id", "report_entry.study_id")
    .select([
      "report_entry.id",
      "report_entry.slug",
      "report_entry.action_status",
      "report_entry.progress",
      "report_entry.first_published_at",
      "report_entry.published_at",
      "report_entry.updated_at",
      "study.titles",
    ])
    .where("report_entry.organisation_id", "=", organisationId)
    .where("report_entry.state", "=", "published")
    .orderBy("report_entry.first_published_at", "desc")
    .execute();
  const texts = await reviewedTexts(
    db,
    entries.map((e) => e.id),
  );
  return entries.map((e) => ({
    slug: e.slug,
    actionStatus: e.action_status,
    progress: e.progress,
    firstPublishedAt: iso(e.first_published_at),
    publishedAt: iso(e.published_at),
    updatedAt: iso(e.updated_at)!,
    studyTitles: e.titles,
    texts: texts.get(e.id) ?? {},
  }));
}

async function reviewedTexts(db: DB, entryIds: readonly string[]) {
  const out = new Map<string, Record<string, EntryText>>();
  if (entryIds.length === 0) return out;
  const rows = await db
    .selectFrom("report_entry_text")
    .selectAll()
    .where("entry_id", "in", [...entryIds])
    .where("review_status", "=", "reviewed")
    .orderBy("language")
    .execute();
  for (const r of rows) {
    const texts = out.get(r.entry_id) ?? {};
    texts[r.language] = {
      language: r.language,
      title: r.title,
      asked: r.asked,
      did: r.did,
      notDoingReason: r.not_doing_reason,
      decidedBy: r.decided_by,
    };
    out.set(r.entry_id, texts);
  }
  return out;
}

/** People per theme of a study, as the consent gate counts them. */
export type ThemePeople = (scope: StudyScope) => Promise<Map<string, number>>;

/**
 * People per theme, counted through the gate (`themeCounts`) once per study for the life of ONE
 * request: the feed shows many entries of the same study, and the count is study-wide. Make a new one
 * for every request and never keep it: counts must change the moment someone withdraws.
 */
export function themePeopleForRequest(db: DB): ThemePeople {
  const byStudy = new Map<string, Promise<Map<string, number>>>();
  return (scope) => {
    const key = `${scope.organisationId}/${scope.studyId}`;
    let people = byStudy.get(key);
    if (!people) {
      people = themeCounts(db, scope).then((counts) => new Map(counts.map((c) => [c.themeId, c.people])));
      byStudy.set(key, people);
    }
    return people;
  };
}

/**
 * One entry as the public page, the feed and the poster show it. With `preview`, an entry in any
 * state and its unreviewed texts (the workspace's preview); otherwise published entries only. A caller
 * loading several entries in one request passes one `themePeople` (themePeopleForRequest) to them all.
 */
export async function loadEntry(
  db: DB,
  organisationId: string,
  slug: string,
  options: { preview?: boolean; themePeople?: ThemePeople } = {},
): Promise<PublicEntry | null> {
  let q = db
    .selectFrom("report_entry")
    .innerJoin("organisation", "organisation.id", "report_entry.organisation_id")
    .innerJoin("study", "study.id", "report_entry.study_id")
    .selectAll("report_entry")
    .select([
      "organisation.slug as org_slug",
      "organisation.name as org_name",
      "study.slug as study_slug",
      "study.titles",
      "study.languages as study_languages",
    ])
    .where("report_entry.organisation_id", "=", organisationId)
    .where("report_entry.slug", "=", slug);
  if (!options.preview) q = q.where("report_entry.state", "=", "published");
  const entry = await q.executeTakeFirst();
  if (!entry) return null;
  const scope = { organisationId, studyId: entry.study_id };

  let texts: Record<string, EntryText>;
  if (options.preview) {
    const rows = await db.selectFrom("report_entry_text").selectAll().where("entry_id", "=", entry.id).orderBy("language").execute();
    texts = Object.fromEntries(
      rows.map((r) => [
        r.language,
        { language: r.language, title: r.title, asked: r.asked, did: r.did, notDoingReason: r.not_doing_reason, decidedBy: r.decided_by },
      ]),
    );
  } else texts = (await reviewedTexts(db, [entry.id])).get(entry.id) ?? {};
  // the study's own order of languages, then any other
  const order = [...entry.study_languages, ...Object.keys(texts)];
  const languages = languageOptions(order.filter((c) => texts[c]));

  const themeRows = await db
    .selectFrom("report_entry_theme")
    .innerJoin("theme", "theme.id", "report_entry_theme.theme_id")
    .select(["report_entry_theme.theme_id", "report_entry_theme.labels", "theme.name"])
    .where("report_entry_theme.entry_id", "=", entry.id)
    .orderBy("report_entry_theme.position")
    .execute();
  const quoteRows = await db
    .selectFrom("report_entry_quote")
    .select(["id", "theme_id", "coding_id"])
    .where("entry_id", "=", entry.id)
    .orderBy("position")
    .execute();
  // THROUGH THE GATE, at request time: people per theme, and the quotes that may be shown today.
  const counts = themeRows.length ? await (options.themePeople ?? themePeopleForRequest(db))(scope) : new Map<string, number>();
  const live = await consentedQuotesByCoding(
    db,
    scope,
    quoteRows.flatMap((q) => (q.coding_id ? [q.coding_id] : [])),
  );

  // A theme merged in the codebook after the entry linked it counts as the theme it was merged into.
  const mergedInto = new Map(
    (
      await db
        .selectFrom("theme")
        .select(["id", "merged_into"])
        .where("study_id", "=", entry.study_id)
        .where("merged_into", "is not", null)
        .execute()
    ).map((r) => [r.id, r.merged_into!]),
  );
  const surviving = (id: string) => {
    for (let hops = 0; mergedInto.has(id) && hops < 50; hops++) id = mergedInto.get(id)!;
    return id;
  };
  const themes: PublicTheme[] = themeRows.map((t) => {
    const people = shareableCount(counts.get(surviving(t.theme_id)) ?? 0);
    return {
      themeId: t.theme_id,
      labels: { en: t.name, ...t.labels },
      people,
      // No quotes under "Fewer than 5 people raised this" (ADR 066): in a small community a quote
      // from one of four people can name them, and it would undo the count's suppression. One rule
      // here, so the page, the poster, the feed and the editor's preview all follow it.
      quotes:
        "exact" in people
          ? quoteRows.flatMap((q) => (q.theme_id === t.theme_id && q.coding_id && live.has(q.coding_id) ? [live.get(q.coding_id)!] : []))
          : [],
    };
  });

  const milestones = await db
    .selectFrom("report_milestone")
    .select(["id", "due_on", "done_on", "labels"])
    .where("entry_id", "=", entry.id)
    .orderBy("due_on")
    .orderBy("position")
    .execute();
  const changes = await db
    .selectFrom("report_entry_change")
    .select(["kind", "changed_at", "action_status", "progress", "notes"])
    .where("entry_id", "=", entry.id)
    .orderBy("changed_at", "desc")
    .orderBy("id", "desc")
    .execute();

  return {
    slug: entry.slug,
    organisation: { slug: entry.org_slug, name: entry.org_name },
    study: { slug: entry.study_slug, titles: entry.titles },
    state: entry.state,
    languages,
    texts,
    askedOn: entry.asked_on,
    askedUntil: entry.asked_until,
    methods: entry.methods,
    actionStatus: entry.action_status,
    progress: entry.progress,
    nextReviewOn: entry.next_review_on,
    firstPublishedAt: iso(entry.first_published_at),
    publishedAt: iso(entry.published_at),
    updatedAt: iso(entry.updated_at)!,
    themes,
    milestones: milestones.map((m) => ({ id: m.id, dueOn: m.due_on, doneOn: m.done_on, labels: m.labels })),
    changes: changes.map((c) => ({
      kind: c.kind,
      changedAt: iso(c.changed_at)!,
      actionStatus: c.action_status,
      progress: c.progress,
      notes: c.notes,
    })),
  };
}

export function entryStudyTitle(entry: Pick<PublicEntry, "study">, language: string) {
  return studyTitle(entry.study.titles, language);
}

function iso(value: Date | string | null): string | null {
  if (value === null) return null;
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}
