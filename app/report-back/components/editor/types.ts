import type { EditorIntent } from "~/report-back/editor-actions.server";
import type { SerializeFrom } from "@remix-run/node";
import type { EditorEntry } from "~/report-back/editor.server";

/** What the editor page's loader sends (app/routes/research.$org.report-back.$entry.tsx). */
export type EditorPageData = SerializeFrom<EditorEntry & { org: string; me: string; canPublish: boolean }>;

/** A form's intent, checked against the editor's action table when the app is type-checked. */
export function editorIntent(intent: EditorIntent): string {
  return intent;
}
