import type { ColumnType } from "kysely";

/** db/migrations/0013_health_probe.ts: the single row /healthz rewrites to prove the database can write (ADR 058). */
export interface HealthProbeTable {
  id: number;
  checked_at: ColumnType<Date, Date | string, Date | string>;
}

export interface HealthTables {
  health_probe: HealthProbeTable;
}
