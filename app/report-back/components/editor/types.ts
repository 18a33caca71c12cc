import type { SerializeFrom } from "@remix-run/node";
import type { EditorEntry } from "~/report-back/editor.server";
import type { EntryFieldError, EntryFormValues } from "~/report-back/entry-form";

/** What the editor page's loader sends (app/routes/research.$org.report-back.$entry.tsx). */
export type EditorPageData = SerializeFrom<EditorEntry & { org: string; me: string; canPublish: boolean }>;

/** The form as drawn: its values (as typed after a refusal, else as stored) and each field's message. */
export interface EntryFormState {
  values: EntryFormValues;
  /** Translated message by field id. */
  errors: ReadonlyMap<string, string>;
}

/** An action's refusal: what the summary lists, and the values typed when nothing was saved. */
export interface EditorRefusal {
  errors: { field: string | null; key: string; values?: Record<string, string | number> }[];
  values: EntryFormValues | null;
}

export type { EntryFieldError };
