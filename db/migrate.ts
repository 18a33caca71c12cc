import { Migrator, sql, type Migration, type MigrationProvider } from "kysely";
import type { DB } from "./index";
import * as m0001 from "./migrations/0001_foundation";
import * as m0002 from "./migrations/0002_participants";
import * as m0004 from "./migrations/0004_workspace";
import * as m0005 from "./migrations/0005_coding";
import * as m0006 from "./migrations/0006_wellbeing";
import * as m0007 from "./migrations/0007_report_back";
import * as m0008 from "./migrations/0008_audit_no_truncate";
import * as m0009 from "./migrations/0009_report_text_editor";
import * as m0010 from "./migrations/0010_measure_score";
import * as m0016 from "./migrations/0016_participant_flash";
import * as m0011 from "./migrations/0011_trust";
import * as m0012 from "./migrations/0012_turn_language_and_translation";
import * as m0013 from "./migrations/0013_health_probe";
import * as m0017 from "./migrations/0017_unit_arrival";
import * as m0020 from "./migrations/0020_retention";
import * as m0023 from "./migrations/0023_response_score";
import * as m0024 from "./migrations/0024_kept_scores_on_response";
import * as m0018 from "./migrations/0018_study_revision";
import * as m0019 from "./migrations/0019_quote_checks";

// Listed explicitly rather than read from the folder so that bundlers and tsx see the same set.
// Forward-only: there are no `down` migrations; a mistake is corrected by the next migration.
const migrations: Record<string, Migration> = {
  "0001_foundation": m0001,
  "0002_participants": m0002,
  "0004_workspace": m0004,
  "0005_coding": m0005,
  "0006_wellbeing": m0006,
  "0007_report_back": m0007,
  "0008_audit_no_truncate": m0008,
  "0009_report_text_editor": m0009,
  "0010_measure_score": m0010,
  "0011_trust": m0011,
  "0012_turn_language_and_translation": m0012,
  "0013_health_probe": m0013,
  "0016_participant_flash": m0016,
  "0017_unit_arrival": m0017,
  "0020_retention": m0020,
  "0023_response_score": m0023,
  "0024_kept_scores_on_response": m0024,
  "0018_study_revision": m0018,
  "0019_quote_checks": m0019,
};

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations() {
    return migrations;
  }
}

export async function migrateToLatest(db: DB): Promise<string[]> {
  if (await allApplied(db)) return [];
  // Numbers are reserved before the work lands, so a database can meet a lower number after a higher
  // one; every migration stands on its own, and each runs once whatever the order it arrives in.
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider(), allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName;
    throw new Error(`Migration ${failed ?? ""} failed: ${(error as Error).message ?? String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/**
 * Whether every migration here has already run: one read, where Kysely's migrator takes a lock and
 * makes half a dozen round trips to find nothing to do (a quarter of a second of every start and every
 * CLI command on the embedded database; ADR 077). Anything else, a new database included, goes
 * through the migrator and its lock as before.
 */
async function allApplied(db: DB): Promise<boolean> {
  const exists = await sql<{ found: boolean }>`select to_regclass('kysely_migration') is not null as found`.execute(db);
  if (!exists.rows[0]?.found) return false;
  const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
  const names = new Set(applied.rows.map((row) => row.name));
  return Object.keys(migrations).every((name) => names.has(name));
}
