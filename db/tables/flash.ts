import type { ColumnType } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** One form result waiting for its page's next GET (db/migrations/0016_participant_flash.ts). */
export interface ParticipantFlashTable {
  id_hash: string;
  sealed: string;
  expires_at: Timestamp;
}

export interface FlashTables {
  participant_flash: ParticipantFlashTable;
}
