// `cli backup` / `cli restore` for the embedded database (issue 11, ADR 061): a round trip gives back
// every table row for row; restore refuses to replace a database unless told, refuses while the
// database is held, and changes nothing when it refuses; backup files are readable by their owner only.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type DB, type DatabaseHandle } from "../../db/index";
import { withdrawParticipant } from "../../app/participants/withdrawal.server";
import { bootstrap } from "../../scripts/bootstrap";
import { runCli } from "../../scripts/cli";
import { addAnswer, addParticipant, createCodingFixture } from "../coding/fixtures";

const onPostgres = Boolean(process.env.DATABASE_URL);

/** Every row of every table, as JSON text, sorted: two databases with equal snapshots hold the same data. */
async function snapshot(db: DB): Promise<Record<string, string[]>> {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(db);
  const result: Record<string, string[]> = {};
  for (const { name } of tables.rows) {
    const rows = await sql<{ row: string }>`select to_jsonb(t)::text as row from ${sql.table(name)} t order by 1`.execute(db);
    result[name] = rows.rows.map((r) => r.row);
  }
  return result;
}

async function cli(dataDir: string, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const previous = process.env.DATA_DIR;
  process.env.DATA_DIR = dataDir;
  try {
    const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    if (previous === undefined) delete process.env.DATA_DIR;
    else process.env.DATA_DIR = previous;
  }
}

describe.skipIf(onPostgres)('embedded backup and restore (PostgreSQL: pg_dump and pg_restore, README "Backups")', () => {
  const parent = mkdtempSync(path.join(tmpdir(), "tandem-backup-"));
  const source = path.join(parent, "source");
  const target = path.join(parent, "target");
  const backupFile = path.join(parent, "tandem.tar.gz");
  let handle: DatabaseHandle | undefined;
  let before: Record<string, string[]>;
  afterAll(async () => {
    await handle?.close().catch(() => {});
    rmSync(parent, { recursive: true, force: true });
  });

  it("round trip: the restored database has every table row for row", { timeout: 400_000 }, async () => {
    handle = await openDatabase({ dataDir: source });
    await bootstrap(handle, { demoAdminPassword: "a long demo password 1" });
    const fx = await createCodingFixture(handle.db);
    const kept = await addParticipant(handle.db, fx, { language: "ar" });
    await addAnswer(handle.db, fx, kept, "شعرت بالأمان — Roedd y grŵp yn gynnes. 🙏", "what_helped", "ar");
    const gone = await addParticipant(handle.db, fx);
    await addAnswer(handle.db, fx, gone, "words that are erased before the backup");
    await withdrawParticipant(handle.db, { studyId: fx.scope.studyId, participantId: gone, mode: "erase" });
    before = await snapshot(handle.db);
    expect(Object.keys(before).length).toBeGreaterThan(30);

    // While the server (here: this handle) holds the database, neither command runs.
    const held = await cli(source, "backup", "--out", backupFile);
    expect(held.code).toBe(1);
    expect(held.err).toMatch(/in use by another Tandem process/);
    expect(existsSync(backupFile)).toBe(false);
    await handle.close();
    handle = undefined;

    const made = await cli(source, "backup", "--out", backupFile);
    expect(made.err).toBe("");
    expect(made.code).toBe(0);
    expect(statSync(backupFile).mode & 0o777).toBe(0o600);
    // A backup never overwrites a file.
    expect((await cli(source, "backup", "--out", backupFile)).err).toMatch(/already exists/);

    const restored = await cli(target, "restore", "--file", backupFile);
    expect(restored.err).toBe("");
    expect(restored.code).toBe(0);
    handle = await openDatabase({ dataDir: target });
    expect(await snapshot(handle.db)).toEqual(before);
    // The restored folder is as private as one Tandem made itself.
    const loose = readdirSync(target, { recursive: true })
      .map((entry) => path.join(target, String(entry)))
      .filter((entry) => (statSync(entry).mode & 0o077) !== 0);
    expect(loose).toEqual([]);
  });

  it(
    "refuses while the database is held and, without --force, refuses to replace a database; changing nothing",
    { timeout: 400_000 },
    async () => {
      // Held: the handle opened on the restored folder above is still open.
      const held = await cli(target, "restore", "--file", backupFile, "--force");
      expect(held.code).toBe(1);
      expect(held.err).toMatch(/in use by another Tandem process/);
      await sql`insert into organisation (slug, name) values ('after-restore', 'Added after the restore')`.execute(handle!.db);
      const current = await snapshot(handle!.db);
      await handle!.close();
      handle = undefined;

      const refused = await cli(target, "restore", "--file", backupFile);
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(/already holds a database; nothing was changed.*--force/);
      const notABackup = path.join(parent, "notes.txt");
      writeFileSync(notABackup, "not a backup");
      expect((await cli(target, "restore", "--file", notABackup, "--force")).err).toMatch(/not a backup made by "cli backup"/);
      handle = await openDatabase({ dataDir: target });
      expect(await snapshot(handle.db)).toEqual(current);
      await handle.close();
      handle = undefined;

      const forced = await cli(target, "restore", "--file", backupFile, "--force");
      expect(forced.code).toBe(0);
      expect(forced.out).toMatch(/pgdata\.before-restore-.*delete it once you have checked/);
      handle = await openDatabase({ dataDir: target });
      expect(await snapshot(handle.db)).toEqual(before);
    },
  );
});

describe.runIf(onPostgres)("backup and restore with DATABASE_URL", () => {
  it("point to PostgreSQL's own tools and touch nothing", async () => {
    const folder = mkdtempSync(path.join(tmpdir(), "tandem-backup-pg-"));
    try {
      const file = path.join(folder, "tandem.tar.gz");
      const made = await cli(folder, "backup", "--out", file);
      expect(made.code).toBe(1);
      expect(made.err).toMatch(/uses PostgreSQL: back it up with pg_dump/);
      expect(existsSync(file)).toBe(false);
      writeFileSync(file, Buffer.from([0x1f, 0x8b, 0, 0]));
      expect((await cli(folder, "restore", "--file", file)).err).toMatch(/pg_restore/);
      expect(readdirSync(folder)).toEqual(["tandem.tar.gz"]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
