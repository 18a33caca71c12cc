import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { EmbeddedDatabaseHeldError, openDatabase } from "../../db/index";
import { migrateToLatest } from "../../db/migrate";
import { createTestDatabase } from "../support/database";

const onPostgres = Boolean(process.env.DATABASE_URL);

describe(`migrations on the ${onPostgres ? "PostgreSQL" : "embedded"} database`, () => {
  it("run from empty, create every table, and a second run applies nothing", async () => {
    const database = await createTestDatabase({ migrate: false });
    try {
      const applied = await migrateToLatest(database.db);
      expect(applied[0]).toBe("0001_foundation");
      expect(applied.length).toBeGreaterThanOrEqual(2);
      const tables = await sql<{ table_name: string }>`
        select table_name from information_schema.tables where table_schema = 'public'`.execute(database.db);
      const names = tables.rows.map((r) => r.table_name);
      for (const table of [
        "organisation",
        "app_user",
        "study",
        "instrument_version",
        "participant",
        "consent_record",
        "answer",
        "audit_event",
      ]) {
        expect(names).toContain(table);
      }
      expect(await migrateToLatest(database.db)).toEqual([]);
    } finally {
      await database.destroy();
    }
  });

  it("keeps the audit log append-only", async () => {
    const database = await createTestDatabase();
    try {
      await database.db.insertInto("audit_event").values({ action: "sign_in", detail: "{}" }).execute();
      await expect(database.db.deleteFrom("audit_event").execute()).rejects.toThrow(/append-only/);
      await expect(database.db.updateTable("audit_event").set({ action: "x" }).execute()).rejects.toThrow(/append-only/);
      await expect(sql`truncate audit_event`.execute(database.db)).rejects.toThrow(/append-only/);
      const rows = await database.db.selectFrom("audit_event").select("action").execute();
      expect(rows).toEqual([{ action: "sign_in" }]);
    } finally {
      await database.destroy();
    }
  });

  it("rolls a failed transaction back completely", async () => {
    const database = await createTestDatabase();
    try {
      await expect(
        database.db.transaction().execute(async (trx) => {
          await trx.insertInto("organisation").values({ slug: "half", name: "Half" }).execute();
          await trx.insertInto("organisation").values({ slug: "BAD SLUG", name: "Bad" }).execute();
        }),
      ).rejects.toThrow();
      expect(await database.db.selectFrom("organisation").select("slug").execute()).toEqual([]);
    } finally {
      await database.destroy();
    }
  });

  it("keeps concurrent transactions apart", async () => {
    const database = await createTestDatabase();
    try {
      const slow = database.db.transaction().execute(async (trx) => {
        await trx.insertInto("organisation").values({ slug: "a", name: "A" }).execute();
        await new Promise((r) => setTimeout(r, 50));
        throw new Error("roll back");
      });
      const other = database.db.insertInto("organisation").values({ slug: "b", name: "B" }).execute();
      await expect(slow).rejects.toThrow("roll back");
      await other;
      const slugs = (await database.db.selectFrom("organisation").select("slug").execute()).map((r) => r.slug);
      expect(slugs).toEqual(["b"]);
    } finally {
      await database.destroy();
    }
  });
});

describe.skipIf(onPostgres)("the embedded database on disk", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tandem-embedded-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps data across reopening and refuses a second holder with a plain message", async () => {
    const first = await openDatabase({ dataDir: dir });
    await migrateToLatest(first.db);
    await first.db.insertInto("organisation").values({ slug: "kept", name: "Kept" }).execute();
    await expect(openDatabase({ dataDir: dir })).rejects.toBeInstanceOf(EmbeddedDatabaseHeldError);

    // A CLI command in another process says plainly what to do.
    const cli = spawnSync("npx", ["tsx", "scripts/cli.ts", "instruments", "publish"], {
      env: { ...process.env, DATA_DIR: dir, DATABASE_URL: "" },
      encoding: "utf8",
    });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(/in use by another Tandem process.*Stop the server first, or set DATABASE_URL/s);

    await first.close();
    const second = await openDatabase({ dataDir: dir });
    expect(await second.db.selectFrom("organisation").select("slug").execute()).toEqual([{ slug: "kept" }]);
    await second.close();
  });
});
