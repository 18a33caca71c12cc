// Issue 11 item 7: the embedded database's folder is 0700 and every file in it 0600, including files
// PostgreSQL makes while running (relations, WAL segments) and a folder left loose by an older version.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../db/index";
import { migrateToLatest } from "../../db/migrate";
import { loadSecrets } from "../../app/security/secrets.server";
import { walkFolder } from "../support/storage";

const onPostgres = Boolean(process.env.DATABASE_URL);

function loose(root: string) {
  return walkFolder(root)
    .filter((entry) => (entry.mode & 0o077) !== 0)
    .map((entry) => `${path.relative(root, entry.path) || "."} ${entry.mode.toString(8)}`);
}

describe.skipIf(onPostgres)("embedded database files (PostgreSQL keeps its own data directory private)", () => {
  const parent = mkdtempSync(path.join(tmpdir(), "tandem-perms-"));
  let handle: DatabaseHandle | undefined;
  afterAll(async () => {
    await handle?.close().catch(() => {});
    rmSync(parent, { recursive: true, force: true });
  });

  it("are readable by their owner only, from creation on, and a loose folder is tightened on open", { timeout: 300_000 }, async () => {
    const previousUmask = process.umask(0o022);
    try {
      // A data folder as an older Tandem left it: open to everyone, with a readable file in it.
      const dataDir = path.join(parent, "data");
      mkdirSync(path.join(dataDir, "old-export"), { recursive: true, mode: 0o777 });
      chmodSync(dataDir, 0o755);
      writeFileSync(path.join(dataDir, "old-export", "notes.txt"), "x", { mode: 0o666 });
      chmodSync(path.join(dataDir, "old-export", "notes.txt"), 0o666);

      handle = await openDatabase({ dataDir });
      loadSecrets({ dataDir, usingPostgres: false });
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      await migrateToLatest(handle.db);
      // Enough writing for new relation files and a new WAL segment while the database is open.
      await sql`create table permission_probe (id int, body text)`.execute(handle.db);
      await sql`insert into permission_probe select g, repeat('x', 2000) from generate_series(1, 3000) g`.execute(handle.db);
      await sql`select pg_switch_wal()`.execute(handle.db);
      await sql`checkpoint`.execute(handle.db);
      // While open, too: nothing PostgreSQL made is readable by others even for a moment before closing.
      expect(loose(dataDir)).toEqual([]);
      await handle.close();
      handle = undefined;

      const entries = walkFolder(dataDir);
      expect(entries.filter((e) => !e.directory).length).toBeGreaterThan(100);
      expect(loose(dataDir)).toEqual([]);
      expect(entries.find((e) => e.path.endsWith("secret.key"))?.mode).toBe(0o600);
    } finally {
      process.umask(previousUmask);
    }
  });
});
