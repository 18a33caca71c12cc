/**
 * The report-back editor's actions, one named function per form on the page
 * (app/report-back/components/editor/): the route reads the form's `intent`, checks the permission,
 * and calls the action of that name. Each passes what the form posted to the domain function in
 * app/report-back/entries.server.ts, which checks it (zod) and the entry's state.
 */
import type { DB } from "../../db/index";
import {
  addEntryQuote,
  addMilestone,
  markTextReviewed,
  postEntryUpdate,
  publishEntry,
  removeEntryQuote,
  removeMilestone,
  reviewEntry,
  saveEntryText,
  setEntryThemes,
  submitForReview,
  unpublishEntry,
  updateEntry,
} from "./entries.server";

export interface EditorActionContext {
  db: DB;
  organisationId: string;
  actor: { userId: string };
  entryId: string;
  form: FormData;
}

const text = (form: FormData, name: string) => String(form.get(name) ?? "");

/** Fields named `<name>_<language>` as a map by language. */
function byLanguage(form: FormData, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of form) if (key.startsWith(`${name}_`) && typeof value === "string") out[key.slice(name.length + 1)] = value;
  return out;
}

/** The status, progress and next review date: posted by the facts form and the update form alike. */
function statusFields(form: FormData) {
  return {
    actionStatus: text(form, "actionStatus"),
    progress: Number(text(form, "progress") || 0),
    nextReviewOn: text(form, "nextReviewOn"),
  };
}

/** FactsForm: when and how people were asked, and where the action stands. */
export async function saveFacts({ db, organisationId, actor, entryId, form }: EditorActionContext) {
  await updateEntry(db, organisationId, actor, entryId, {
    askedOn: text(form, "askedOn"),
    askedUntil: text(form, "askedUntil"),
    methods: form.getAll("methods").map(String),
    ...statusFields(form),
  });
}

/** TextForm: the entry's words in one language. */
export async function saveText({ db, organisationId, actor, entryId, form }: EditorActionContext) {
  await saveEntryText(db, organisationId, actor, entryId, text(form, "language"), {
    title: text(form, "title"),
    asked: text(form, "asked"),
    did: text(form, "did"),
    notDoingReason: text(form, "notDoingReason"),
    decidedBy: text(form, "decidedBy"),
  });
}

/** TextForm's second button: someone else has checked this language's words. */
export async function markReviewed({ db, organisationId, actor, entryId, form }: EditorActionContext) {
  await markTextReviewed(db, organisationId, actor, entryId, text(form, "language"));
}

/** ThemesForm: which themes the entry answers, with their public labels. */
export async function saveThemes({ db, organisationId, actor, entryId, form }: EditorActionContext) {
  const chosen = form.getAll("themeId").map(String);
  await setEntryThemes(
    db,
    organisationId,
    actor,
    entryId,
    chosen.map((themeId) => ({ themeId, labels: byLanguage(form, `label_${themeId}`) })),
  );
}

/** ThemeQuotes: use a consented quote. */
export async function addQuote({ db, organisationId, actor, entryId, form }: EditorActionContext) {
  await addEntryQuote(db, organisationId, actor, entryId, text(form, "codingId"));
}

/** ThemeQuotes: stop using a quote. */
export async function removeQuote({ db, organisationId, actor, entryId, form }: EditorActionContext) {
  await removeEntryQuote(db, organisationId, actor, entryId, text(form, "quoteId"));
}

/** MilestonesForm: a new milestone. */
export async function addMilestoneAction({ db, organisationId, actor, entryId, form }: EditorActionContext) {
  await addMilestone(db, organisationId, actor, entryId, { dueOn: text(form, "dueOn"), labels: byLanguage(form, "label") });
}

/** MilestonesForm: remove one. */
export async function removeMilestoneAction({ db, organisationId, actor, entryId, form }: EditorActionContext) {
  await removeMilestone(db, organisationId, actor, entryId, text(form, "milestoneId"));
}

/** WorkflowPanel: send for review. */
export async function submit({ db, organisationId, actor, entryId }: EditorActionContext) {
  await submitForReview(db, organisationId, actor, entryId);
}

/** WorkflowPanel: a reviewer approves. */
export async function approve({ db, organisationId, actor, entryId }: EditorActionContext) {
  await reviewEntry(db, organisationId, actor, entryId, "approve");
}

/** WorkflowPanel: a reviewer sends it back. */
export async function returnForChanges({ db, organisationId, actor, entryId }: EditorActionContext) {
  await reviewEntry(db, organisationId, actor, entryId, "return");
}

/** WorkflowPanel (admin): publish, with a change note when it was published before. */
export async function publish({ db, organisationId, actor, entryId, form }: EditorActionContext) {
  await publishEntry(db, organisationId, actor, entryId, byLanguage(form, "note"));
}

/** WorkflowPanel (admin): take it off the public page. */
export async function unpublish({ db, organisationId, actor, entryId, form }: EditorActionContext) {
  await unpublishEntry(db, organisationId, actor, entryId, byLanguage(form, "note"));
}

/** WorkflowPanel (admin): an update to a published entry. */
export async function postUpdate({ db, organisationId, actor, entryId, form }: EditorActionContext) {
  await postEntryUpdate(db, organisationId, actor, entryId, {
    ...statusFields(form),
    milestonesDone: form.getAll("milestoneDone").map(String),
    notes: byLanguage(form, "note"),
  });
}

/** Each form's `intent` and the action it calls. */
export const EDITOR_ACTIONS = {
  facts: saveFacts,
  text: saveText,
  "text-reviewed": markReviewed,
  themes: saveThemes,
  "quote-add": addQuote,
  "quote-remove": removeQuote,
  "milestone-add": addMilestoneAction,
  "milestone-remove": removeMilestoneAction,
  submit,
  approve,
  return: returnForChanges,
  publish,
  unpublish,
  update: postUpdate,
} satisfies Record<string, (context: EditorActionContext) => Promise<void>>;

export type EditorIntent = keyof typeof EDITOR_ACTIONS;

/** Only admin publishes: `publication:publish` in the one permission table. */
export const PUBLISHING_INTENTS: ReadonlySet<EditorIntent> = new Set<EditorIntent>(["publish", "unpublish", "update"]);

export function isEditorIntent(value: FormDataEntryValue | null): value is EditorIntent {
  return typeof value === "string" && Object.hasOwn(EDITOR_ACTIONS, value);
}

/**
 * Where the error summary sends someone after a refusal: the first field of the form they posted,
 * or the heading of its section when the refusal is about the entry's state, not a field.
 */
export function errorField(intent: EditorIntent, form: FormData): string {
  switch (intent) {
    case "facts":
      return "askedOn";
    case "text":
    case "text-reviewed":
      return `title-${text(form, "language")}`;
    case "themes":
    case "quote-add":
    case "quote-remove":
      return "rb-themes";
    case "milestone-add":
      return "dueOn";
    case "milestone-remove":
      return "rb-milestones";
    default:
      return "rb-workflow";
  }
}
