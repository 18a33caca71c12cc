// Issue 11 item 8, ADR 060: after "erase" and a clean stop, a byte search of the embedded database's
// whole folder finds none of the erased person's words; another participant's words are still found.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../db/index";
import { migrateToLatest } from "../../db/migrate";
import { withdrawParticipant } from "../../app/participants/withdrawal.server";
import { addAttendee, createGathering, importTranscript } from "../../app/fieldwork/gatherings.server";
import { addAnswer, addParticipant, createCodingFixture } from "../coding/fixtures";
import { filesContaining } from "../support/storage";

const onPostgres = Boolean(process.env.DATABASE_URL);

/** Made-up words found nowhere else on disk (not in PostgreSQL's catalogues, not in the other answer). */
function inventedWords(count: number): string[] {
  const syllables = ["qua", "zim", "vor", "lup", "dex", "nyl", "tro", "bak", "fen", "wix", "gol", "mur"];
  return Array.from({ length: count }, () => {
    const bytes = randomBytes(4);
    return "X" + [...bytes].map((b) => syllables[b % syllables.length]).join("") + bytes.toString("hex");
  });
}

const erasedWords = inventedWords(40);
const erasedTurnWords = inventedWords(6);
const erasedEarlierWords = inventedWords(4);
const controlWords = inventedWords(12);
// Arabic words are kept as UTF-8 like everything else; made distinctive by an invented word beside them.
const erasedArabic = `شعرت بالأمان ${erasedWords[0]}`;

describe.skipIf(onPostgres)("erasure on disk, embedded database (on PostgreSQL the server's own files and backups apply: ADR 060)", () => {
  const folder = mkdtempSync(path.join(tmpdir(), "tandem-erasure-"));
  let handle: DatabaseHandle | undefined;
  afterAll(async () => {
    await handle?.close().catch(() => {});
    rmSync(folder, { recursive: true, force: true });
  });

  it("leaves none of an erased person's words in any file after a clean stop", { timeout: 300_000 }, async () => {
    handle = await openDatabase({ dataDir: folder });
    const db = handle.db;
    await migrateToLatest(db);
    const fx = await createCodingFixture(db);
    const erased = await addParticipant(db, fx);
    const control = await addParticipant(db, fx);

    // A long answer (about 1 kB), edited once: the earlier version is a dead row that must go too.
    await addAnswer(db, fx, erased, `First thoughts ${erasedEarlierWords.join(" ")}`);
    await db
      .updateTable("answer")
      .set({ value: JSON.stringify(`${erasedWords.join(" ")} — ${erasedArabic}`) })
      .where("response_id", "in", db.selectFrom("response").select("id").where("participant_id", "=", erased))
      .execute();
    await addAnswer(db, fx, control, controlWords.slice(0, 8).join(" "));

    const session = await createGathering(db, fx.scope, fx.users.researcher, { kind: "focus_group", label: "Group", heldOn: "2026-03-10" });
    await addAttendee(db, fx.scope, session, erased);
    await addAttendee(db, fx.scope, session, control);
    await importTranscript(db, fx.scope, session, {
      source: ["Facilitator: What helped?", `Amal: ${erasedTurnWords.join(" ")}`, `Dara: ${controlWords.slice(8).join(" ")}`].join("\n"),
      language: "en",
      mapping: {
        Facilitator: { role: "facilitator" },
        Amal: { role: "participant", participantId: erased },
        Dara: { role: "participant", participantId: control },
      },
    });
    // Statistics keep samples of column values; have some, as a long-running database would.
    await sql`analyze`.execute(db);
    await sql`checkpoint`.execute(db);

    // The search can see the words before erasure (so its "none" afterwards means something).
    expect(filesContaining(folder, erasedWords[5]!).length).toBeGreaterThan(0);
    expect(filesContaining(folder, erasedTurnWords[2]!).length).toBeGreaterThan(0);

    const started = Date.now();
    const result = await withdrawParticipant(db, { studyId: fx.scope.studyId, participantId: erased, mode: "erase" });
    const erasureMs = Date.now() - started;
    expect(result.answers).toBe(1);
    console.log(`erase with scrub: ${erasureMs} ms`);
    await handle.close();
    handle = undefined;

    const leftovers: Record<string, string[]> = {};
    for (const word of [...erasedWords, ...erasedTurnWords, ...erasedEarlierWords, "شعرت بالأمان"]) {
      for (const encoding of ["utf8", "utf16le"] as const) {
        const files = filesContaining(folder, word, encoding);
        if (files.length > 0) leftovers[`${word} (${encoding})`] = files;
      }
    }
    expect(leftovers).toEqual({});
    for (const word of controlWords) expect(filesContaining(folder, word), word).not.toEqual([]);
  });
});
