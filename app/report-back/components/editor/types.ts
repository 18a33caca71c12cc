import type { SerializeFrom } from "@remix-run/node";
import type { EditorEntry } from "~/report-back/editor.server";

/** What the editor page's loader sends (app/routes/research.$org.report-back.$entry.tsx). */
export type EditorPageData = SerializeFrom<EditorEntry & { org: string; me: string; canPublish: boolean }>;
