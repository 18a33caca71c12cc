/**
 * What the workspace editor shows of an entry: everything it stores, plus the state of each quote it
 * links — shown (through the gate today), no longer shown (the person withdrew or took back quote
 * consent: the gate does not return it, and the editor does not get its words either), or erased
 * (the coding went with the person's data). Candidate quotes are offered only through the gate, each
 * passage once (app/report-back/candidates.ts).
 */
import type { DB } from "../../db/index";
import { listThemes } from "../coding/codebook.server";
import { themeCounts } from "../coding/theme-views.server";
import { workspaceQuotesByCoding } from "./quotes.server";
import { codingIdsOfThemes } from "../consent/codings.server";
import { groupCandidates } from "./candidates";

export type LinkedQuoteState = "shown" | "withdrawn" | "erased";

export async function listEntries(db: DB, organisationId: string) {
  const entries = await db
    .selectFrom("report_entry")
    .innerJoin("study", "study.id", "report_entry.study_id")
    .leftJoin("report_entry_text", (j) =>
      j.onRef("report_entry_text.entry_id", "=", "report_entry.id").on("report_entry_text.language", "=", "en"),
    )
    .select([
      "report_entry.id",
      "report_entry.slug",
      "report_entry.state",
      "report_entry.action_status",
      "report_entry.updated_at",
      "study.slug as study_slug",
      "report_entry_text.title",
    ])
    .where("report_entry.organisation_id", "=", organisationId)
    .orderBy("report_entry.updated_at", "desc")
    .execute();
  return entries.map((e) => ({ ...e, updated_at: new Date(e.updated_at).toISOString(), title: e.title ?? "" }));
}

export async function studiesOf(db: DB, organisationId: string) {
  return db
    .selectFrom("study")
    .select(["id", "slug", "titles", "languages"])
    .where("organisation_id", "=", organisationId)
    .orderBy("slug")
    .execute();
}

/** The entry's id by its slug, within the organisation (for the editor's actions, which need no more). */
export async function entryIdOf(db: DB, organisationId: string, slug: string): Promise<string | null> {
  const row = await db
    .selectFrom("report_entry")
    .select("id")
    .where("organisation_id", "=", organisationId)
    .where("slug", "=", slug)
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function editorEntry(db: DB, organisationId: string, slug: string) {
  const entry = await db
    .selectFrom("report_entry")
    .innerJoin("study", "study.id", "report_entry.study_id")
    .selectAll("report_entry")
    .select(["study.slug as study_slug", "study.titles as study_titles", "study.languages as study_languages"])
    .where("report_entry.organisation_id", "=", organisationId)
    .where("report_entry.slug", "=", slug)
    .executeTakeFirst();
  if (!entry) return null;
  const scope = { organisationId, studyId: entry.study_id };
  const texts = await db.selectFrom("report_entry_text").selectAll().where("entry_id", "=", entry.id).execute();
  const linkedThemes = await db.selectFrom("report_entry_theme").selectAll().where("entry_id", "=", entry.id).orderBy("position").execute();
  const links = await db.selectFrom("report_entry_quote").selectAll().where("entry_id", "=", entry.id).orderBy("position").execute();
  const milestones = await db.selectFrom("report_milestone").selectAll().where("entry_id", "=", entry.id).orderBy("due_on").execute();
  const themes = await listThemes(db, scope);
  const people = new Map((await themeCounts(db, scope)).map((c) => [c.themeId, c.people]));

  // Candidate quotes: every coding of the entry's themes, kept only if the gate returns it, each
  // passage once however many coders and themes it has.
  const themeIds = linkedThemes.map((t) => t.theme_id);
  const codingIds = await codingIdsOfThemes(db, scope, themeIds);
  const live = await workspaceQuotesByCoding(db, scope, [
    ...new Set([...codingIds, ...links.flatMap((l) => (l.coding_id ? [l.coding_id] : []))]),
  ]);
  const linkedIds = new Set(links.flatMap((l) => (l.coding_id ? [l.coding_id] : [])));
  const candidates = groupCandidates([...live.values()], linkedIds, themeIds);

  return {
    entry: {
      id: entry.id,
      slug: entry.slug,
      state: entry.state,
      studySlug: entry.study_slug,
      studyTitles: entry.study_titles,
      languages: entry.study_languages,
      askedOn: entry.asked_on,
      askedUntil: entry.asked_until,
      methods: entry.methods,
      actionStatus: entry.action_status,
      progress: entry.progress,
      nextReviewOn: entry.next_review_on,
      createdBy: entry.created_by,
      updatedBy: entry.updated_by,
      submittedBy: entry.submitted_by,
      reviewedBy: entry.reviewed_by,
      firstPublishedAt: entry.first_published_at ? new Date(entry.first_published_at).toISOString() : null,
    },
    texts: Object.fromEntries(
      texts.map((t) => [
        t.language,
        {
          title: t.title,
          asked: t.asked,
          did: t.did,
          notDoingReason: t.not_doing_reason,
          decidedBy: t.decided_by,
          reviewStatus: t.review_status,
          updatedBy: t.updated_by,
        },
      ]),
    ),
    themes: themes.map((t) => ({ id: t.id, name: t.name, depth: t.depth, people: people.get(t.id) ?? 0 })),
    linkedThemes: linkedThemes.map((t) => ({ themeId: t.theme_id, labels: t.labels })),
    quotes: links.map((l) => {
      const q = l.coding_id ? live.get(l.coding_id) : undefined;
      const state: LinkedQuoteState = l.coding_id === null ? "erased" : q ? "shown" : "withdrawn";
      return {
        id: l.id,
        themeId: l.theme_id,
        state,
        text: q?.text ?? null,
        language: q?.language ?? null,
        source: q?.source ?? null,
        speaker: q?.speaker ?? null,
        interpreted: q?.interpreted ?? false,
        gathering: q?.gathering ?? null,
        on: q?.on ?? null,
      };
    }),
    candidates,
    milestones: milestones.map((m) => ({ id: m.id, dueOn: m.due_on, doneOn: m.done_on, labels: m.labels })),
  };
}
export type EditorEntry = NonNullable<Awaited<ReturnType<typeof editorEntry>>>;
