/**
 * The server opens the embedded database with its copy of db/embedded-storage.ts, and the app's
 * build (build/index.js) carries a copy of its own: an erasure made on a page calls that copy. Both
 * must know the database, or the erased words are never scrubbed from disk (ADR 060).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/index";

const folder = mkdtempSync(path.join(tmpdir(), "tandem-erasure-registry-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("erasure through another copy of the storage module", () => {
  it("marks the scrub as owed, and runs it, for a database opened by the server's copy", async () => {
    const handle = await openDatabase({ url: "", dataDir: folder });
    try {
      // A second instance of the module, as the app's build has.
      const other = (await import(
        /* @vite-ignore */ `../../db/embedded-storage.ts?copy=${Date.now()}`
      )) as typeof import("../../db/embedded-storage");
      other.erasureStarting(handle.db);
      expect(existsSync(path.join(folder, "erasure-scrub-pending"))).toBe(true);
      await other.erasureCommitted(handle.db);
      expect(existsSync(path.join(folder, "erasure-scrub-pending"))).toBe(false);
    } finally {
      await handle.close();
    }
  }, 120_000);
});
