import type { Kysely } from "kysely";
import { runScript } from "./script";

// /healthz proves that the database can write, not only answer: it upserts this table's single row
// in a transaction of its own (docs/decisions/058-database-faults-and-health.md). One row, updated in
// place, so the probe never grows anything. It holds nothing about anyone.
export async function up(db: Kysely<any>): Promise<void> {
  await runScript(
    db,
    `
    create table health_probe (
      id smallint primary key check (id = 1),
      checked_at timestamptz not null
    );
    `,
  );
}
