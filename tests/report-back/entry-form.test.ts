// Saving the editor's one form (docs/decisions/076-one-form-per-entry.md): a Save that changes nothing
// leaves reviews alone, a refusal writes nothing and gives back what was typed, and a step typed is
// a step added.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEntry, markTextReviewed, saveEntryText, setEntryThemes, submitForReview } from "../../app/report-back/entries.server";
import { EntryFormRefused, saveEntryForm } from "../../app/report-back/entry-form.server";
import { ENTRY_FORM_MARKER, parseCommand } from "../../app/report-back/entry-form";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { createReportBackFixture, type ReportBackFixture } from "./fixtures";

let t: TestDatabase;
let fx: ReportBackFixture;
beforeAll(async () => {
  t = await createTestDatabase();
  fx = await createReportBackFixture(t.db, { heardPeople: 1 });
});
afterAll(() => t?.destroy());

const author = () => ({ userId: fx.users.publisher });

/** The form as the page posts it for an entry with English words and the "heard" theme. */
function posted(fields: Record<string, string | string[]>) {
  const form = new FormData();
  form.set(ENTRY_FORM_MARKER, "1");
  const base: Record<string, string | string[]> = {
    askedOn: "2026-03-01",
    askedUntil: "",
    methods: ["survey"],
    actionStatus: "planned",
    progress: "0",
    nextReviewOn: "",
    title_en: "Listening better",
    asked_en: "We asked.",
    did_en: "We did.",
    notDoingReason_en: "",
    decidedBy_en: "",
    ...Object.fromEntries(
      ["cy", "ar"].flatMap((l) => ["title", "asked", "did", "notDoingReason", "decidedBy"].map((f) => [`${f}_${l}`, ""])),
    ),
    themeId: [fx.themes.heard],
    [`label_${fx.themes.heard}_en`]: "Being listened to",
    [`label_${fx.themes.heard}_cy`]: "",
    [`label_${fx.themes.heard}_ar`]: "",
    dueOn: "",
    milestoneLabel_en: "",
    milestoneLabel_cy: "",
    milestoneLabel_ar: "",
    ...fields,
  };
  for (const [name, value] of Object.entries(base)) for (const v of [value].flat()) form.append(name, v);
  return form;
}

async function reviewedEntry(slug: string) {
  const org = fx.scope.organisationId;
  const id = await createEntry(t.db, org, author(), { studyId: fx.scope.studyId, slug, askedOn: "2026-03-01", methods: ["survey"] });
  await saveEntryText(t.db, org, author(), id, "en", { title: "Listening better", asked: "We asked.", did: "We did." });
  // a public name in Persian, which this study no longer offers: the form does not show it
  await setEntryThemes(t.db, org, author(), id, [{ themeId: fx.themes.heard, labels: { en: "Being listened to", fa: "شنیده شدن" } }]);
  await markTextReviewed(t.db, org, { userId: fx.users.researcher }, id, "en");
  await submitForReview(t.db, org, author(), id);
  return id;
}

const state = async (id: string) => ({
  entry: await t.db.selectFrom("report_entry").select(["state", "updated_by"]).where("id", "=", id).executeTakeFirstOrThrow(),
  texts: await t.db.selectFrom("report_entry_text").select(["language", "review_status"]).where("entry_id", "=", id).execute(),
  themes: await t.db.selectFrom("report_entry_theme").select(["theme_id", "labels"]).where("entry_id", "=", id).execute(),
  steps: await t.db.selectFrom("report_milestone").select(["due_on", "labels"]).where("entry_id", "=", id).execute(),
});

describe("saving the entry form", () => {
  it("changes nothing when nothing was changed: the entry stays in review and its checked words stay checked", async () => {
    const id = await reviewedEntry("unchanged");
    const before = await state(id);
    const result = await saveEntryForm(t.db, fx.scope.organisationId, { userId: fx.users.second }, id, posted({}));
    expect(result).toEqual({ changed: false });
    expect(await state(id)).toEqual(before);
    expect(before.entry.state).toBe("in_review");
    expect(before.texts).toEqual([{ language: "en", review_status: "reviewed" }]);
  });

  it("saves only the language that changed, and takes the entry back to draft", async () => {
    const id = await reviewedEntry("one-language");
    await saveEntryForm(t.db, fx.scope.organisationId, { userId: fx.users.second }, id, posted({ title_cy: "Gwrando'n well" }));
    const after = await state(id);
    expect(after.entry).toEqual({ state: "draft", updated_by: fx.users.second });
    expect(after.texts.sort((a, b) => a.language.localeCompare(b.language))).toEqual([
      { language: "cy", review_status: "draft" },
      { language: "en", review_status: "reviewed" },
    ]);
    // the Persian name the form does not show is kept
    expect(after.themes).toEqual([{ theme_id: fx.themes.heard, labels: { en: "Being listened to", fa: "شنیده شدن" } }]);
  });

  it("refuses the whole form when a field is wrong: nothing written, every refusal named, the typing given back", async () => {
    const id = await reviewedEntry("refused-form");
    const before = await state(id);
    const form = posted({
      did_cy: "Rydyn ni'n hyfforddi.",
      askedOn: "2026-02-30",
      progress: "half",
      dueOn: "2026-06-01",
      [`label_${fx.themes.heard}_cy`]: "x".repeat(201),
      title_en: "A new title that must not be saved yet",
    });
    const refusal = await saveEntryForm(t.db, fx.scope.organisationId, author(), id, form).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(EntryFormRefused);
    const { errors, values } = refusal as EntryFormRefused;
    expect(errors.map((e) => [e.field, e.key])).toEqual([
      ["askedOn", "date"],
      ["progress", "progress"],
      ["title-cy", "titleMissing"],
      [`label-${fx.themes.heard}-cy`, "tooLong"],
      ["milestone-en", "milestoneLabel"],
    ]);
    expect(values.texts.en!.title).toBe("A new title that must not be saved yet");
    expect(values.texts.cy!.did).toBe("Rydyn ni'n hyfforddi.");
    expect(values.milestone.dueOn).toBe("2026-06-01");
    expect(await state(id)).toEqual(before);
  });

  it("adds a step that was typed, whichever button was pressed, and refuses an empty one asked for", async () => {
    const org = fx.scope.organisationId;
    const id = await createEntry(t.db, org, author(), { studyId: fx.scope.studyId, slug: "steps" });
    await saveEntryForm(t.db, org, author(), id, posted({ dueOn: "2026-06-01", milestoneLabel_en: "First training day" }));
    expect((await state(id)).steps).toEqual([{ due_on: "2026-06-01", labels: { en: "First training day" } }]);
    const empty = await saveEntryForm(t.db, org, author(), id, posted({}), { requireMilestone: true }).catch((e: unknown) => e);
    expect((empty as EntryFormRefused).errors.map((e) => e.field)).toEqual(["dueOn", "milestone-en"]);
    expect((await state(id)).steps).toHaveLength(1);
  });
});

describe("the buttons' commands", () => {
  it("reads an intent with its argument, and refuses anything else", () => {
    const id = "0b6f7c57-3f0b-4a51-9d1c-6c1e0c4e2a11";
    expect(parseCommand(`quote-add:${id}`)).toEqual({ intent: "quote-add", argument: id });
    expect(parseCommand("text-reviewed:cy")).toEqual({ intent: "text-reviewed", argument: "cy" });
    expect(parseCommand("save")).toEqual({ intent: "save", argument: "" });
    for (const bad of ["quote-add:not-an-id", "quote-add", "save:1", "text-reviewed:../", "facts", "constructor", "__proto__", null])
      expect(parseCommand(bad), String(bad)).toBeNull();
  });
});
