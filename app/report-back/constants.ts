import type { ActionStatus, AskMethod, EntryState } from "../../db/tables/report-back";

// Shared by the domain and the pages (which may run in the browser, so not in a .server module).
export const ACTION_STATUSES = ["planned", "in_progress", "done", "not_doing"] as const satisfies readonly ActionStatus[];
export const ASK_METHODS = ["survey", "focus_group", "interview", "in_person"] as const satisfies readonly AskMethod[];
/** A published entry is not edited in place: it is updated, or unpublished and edited (docs/decisions/050-report-back-model.md). */
export const EDITABLE_STATES: readonly EntryState[] = ["draft", "in_review", "approved", "unpublished"];
/** "A few quotes" per theme: enough to be heard, few enough that no one voice stands for everyone. */
export const MAX_QUOTES_PER_THEME = 3;
