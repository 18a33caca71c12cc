import type { ColumnType, Generated } from "kysely";

/** A quote check's state: waiting for the person, their answer, or silence past the day it was due. */
export type QuoteCheckStatus = "awaiting" | "approved" | "changed" | "refused" | "lapsed";
/** What no answer by the due day means for this person (their consent form's rule). */
export type QuoteCheckSilence = "publish" | "withhold";
export type QuoteCheckVia = "participant" | "assisted" | "silence";

/** Tables of db/migrations/0019_quote_checks.ts (docs/decisions/078-quote-checks.md). */
export interface QuoteCheckTable {
  id: Generated<string>;
  study_id: string;
  participant_id: string;
  segment_id: string | null;
  response_id: string | null;
  item_id: string | null;
  start_cp: number;
  end_cp: number;
  status: ColumnType<QuoteCheckStatus, QuoteCheckStatus | undefined, QuoteCheckStatus>;
  silence: QuoteCheckSilence;
  asked_on: string;
  due_on: string;
  answered_on: string | null;
  answered_via: QuoteCheckVia | null;
  answered_by: string | null;
}

export interface QuoteCheckPlaceTable {
  id: Generated<string>;
  check_id: string;
  entry_quote_id: string | null;
  export_theme_id: string | null;
  added_on: string;
}

export interface QuoteCheckTables {
  quote_check: QuoteCheckTable;
  quote_check_place: QuoteCheckPlaceTable;
}
