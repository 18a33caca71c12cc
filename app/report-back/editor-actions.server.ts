/**
 * The report-back editor's actions. Until an entry is published, every button on its page submits
 * the one entry form (app/report-back/components/editor/EntryForm.tsx): the form is checked and what
 * changed is saved first (entry-form.server.ts), then the button's own action runs — use or remove a
 * quote, remove a step, check a language, send for review, approve, publish. So the typed words are
 * kept whichever button was pressed, and when the action is refused they are saved all the same.
 * A published entry is not edited in place; its update and unpublish forms post no entry form.
 */
import type { DB } from "../../db/index";
import {
  addEntryQuote,
  markTextReviewed,
  postEntryUpdate,
  publishEntry,
  removeEntryQuote,
  removeMilestone,
  ReportBackError,
  reviewEntry,
  submitForReview,
  unpublishEntry,
} from "./entries.server";
import { ENTRY_FORM_MARKER, type EntryCommand, type EntryFieldError, type EntryFormValues, type EntryIntent } from "./entry-form";
import { EntryFormRefused, saveEntryForm } from "./entry-form.server";

export interface EditorActionContext {
  db: DB;
  organisationId: string;
  actor: { userId: string };
  entryId: string;
  form: FormData;
  /** The button's argument: the coding, quote or step it acts on, or the language. */
  argument: string;
}

const text = (form: FormData, name: string) => String(form.get(name) ?? "");

/** Fields named `<name>_<language>` as a map by language. */
function byLanguage(form: FormData, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of form) if (key.startsWith(`${name}_`) && typeof value === "string") out[key.slice(name.length + 1)] = value;
  return out;
}

const saved = async () => {};

/** Each button's `intent` and what it does after the form is saved. */
export const EDITOR_ACTIONS = {
  save: saved,
  // the step typed in the form is added by the save itself
  "milestone-add": saved,
  "quote-add": async ({ db, organisationId, actor, entryId, argument }) => {
    await addEntryQuote(db, organisationId, actor, entryId, argument);
  },
  "quote-remove": ({ db, organisationId, actor, entryId, argument }) => removeEntryQuote(db, organisationId, actor, entryId, argument),
  "milestone-remove": ({ db, organisationId, actor, entryId, argument }) => removeMilestone(db, organisationId, actor, entryId, argument),
  "text-reviewed": ({ db, organisationId, actor, entryId, argument }) => markTextReviewed(db, organisationId, actor, entryId, argument),
  submit: ({ db, organisationId, actor, entryId }) => submitForReview(db, organisationId, actor, entryId),
  approve: ({ db, organisationId, actor, entryId }) => reviewEntry(db, organisationId, actor, entryId, "approve"),
  return: ({ db, organisationId, actor, entryId }) => reviewEntry(db, organisationId, actor, entryId, "return"),
  publish: ({ db, organisationId, actor, entryId, form }) => publishEntry(db, organisationId, actor, entryId, byLanguage(form, "note")),
  unpublish: ({ db, organisationId, actor, entryId, form }) => unpublishEntry(db, organisationId, actor, entryId, byLanguage(form, "note")),
  update: ({ db, organisationId, actor, entryId, form }) =>
    postEntryUpdate(db, organisationId, actor, entryId, {
      actionStatus: text(form, "actionStatus"),
      progress: Number(text(form, "progress") || 0),
      nextReviewOn: text(form, "nextReviewOn"),
      milestonesDone: form.getAll("milestoneDone").map(String),
      notes: byLanguage(form, "note"),
    }),
} satisfies Record<EntryIntent, (context: EditorActionContext) => Promise<unknown>>;

/** Only admin publishes: `publication:publish` in the one permission table. */
export const PUBLISHING_INTENTS: ReadonlySet<EntryIntent> = new Set<EntryIntent>(["publish", "unpublish", "update"]);

/** A review or publication refused because the words were changed in the same submission. */
const REVIEW_INTENTS: ReadonlySet<EntryIntent> = new Set<EntryIntent>(["approve", "return", "publish"]);

export type EditorOutcome =
  | { ok: true }
  /** `values`: the form as typed when nothing was saved; null when the form was saved and only the button's action was refused. */
  | { ok: false; errors: (Omit<EntryFieldError, "field"> & { field: string | null })[]; values: EntryFormValues | null };

/** Where the error summary sends someone when a button's action is refused (null: about the entry's state, not a field). */
function refusedField(command: EntryCommand, reason: string): string | null {
  if (reason === "not_editable" || reason === "not_found" || reason === "language") return null;
  switch (command.intent) {
    case "quote-add":
    case "quote-remove":
      return "rb-quotes";
    case "milestone-remove":
      return "rb-milestones";
    case "text-reviewed":
      return `rb-text-${command.argument}`;
    case "save":
    case "milestone-add":
      return null;
    default:
      return "rb-workflow";
  }
}

/** Where the page should open after a button's action: beside that button. */
export function landingOf(command: EntryCommand): string {
  switch (command.intent) {
    case "quote-add":
    case "quote-remove":
      return "#rb-quotes";
    case "milestone-add":
    case "milestone-remove":
      return "#rb-milestones";
    case "text-reviewed":
      return `#rb-text-${command.argument}`;
    default:
      return "";
  }
}

/** Saves the entry form when one was posted, then runs the button's action. */
export async function runEditorCommand(context: Omit<EditorActionContext, "argument">, command: EntryCommand): Promise<EditorOutcome> {
  const { db, organisationId, actor, entryId, form } = context;
  let changed = false;
  try {
    if (form.get(ENTRY_FORM_MARKER) !== null)
      ({ changed } = await saveEntryForm(db, organisationId, actor, entryId, form, {
        requireMilestone: command.intent === "milestone-add",
      }));
    await EDITOR_ACTIONS[command.intent]({ ...context, argument: command.argument });
  } catch (error) {
    if (error instanceof EntryFormRefused) return { ok: false, errors: error.errors, values: error.values };
    if (error instanceof ReportBackError) {
      // the words changed, so the entry went back to draft before the review or publication was asked
      const reason =
        changed && REVIEW_INTENTS.has(command.intent) && (error.reason === "wrong_state" || error.reason === "same_person")
          ? "changed_so_draft"
          : error.reason;
      return { ok: false, errors: [{ field: refusedField(command, reason), key: reason }], values: null };
    }
    if (error instanceof Error && error.name === "ZodError")
      return { ok: false, errors: [{ field: refusedField(command, "invalid"), key: "invalid" }], values: null };
    throw error;
  }
  return { ok: true };
}
