/**
 * Every read of participants' content goes through the consent gate, and the gate is app/consent
 * (docs/decisions/011-consent-gate.md): it alone names the content tables — answers, responses (and
 * the scores kept on them), transcript segments and codings — for reading. This holds the whole of app/ to it, so
 * a new query in coding, sessions, report-back, wellbeing or a route cannot quietly go around the gate.
 *
 * Allowed besides app/consent: the participants' own journey, which reads a person's OWN answers back
 * to them and records, imports and erases them (app/participants); and the kept-score store, which
 * only writes (app/wellbeing/score-store.server.ts). Codings are read in app/consent too
 * (app/consent/codings.server.ts), their write path's look-ups included: app/coding/codings.server.ts
 * and the codebook's merge only write the coding table, so they are held to the rule like any module.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ALLOWED_FILES = new Set([
  "app/participants/answers.server.ts",
  "app/participants/journey.server.ts",
  "app/participants/withdrawal.server.ts",
  "app/participants/import.server.ts",
  "app/wellbeing/score-store.server.ts",
]);
const ALLOWED_FOLDER = "app/consent/";

const CONTENT = "answer|response|transcript_segment|coding";
// Kysely (selectFrom("answer"), innerJoin("response as r"), eb.selectFrom(...)) and SQL text (from answer, join response).
const TABLE_READ = new RegExp(
  String.raw`(?:selectFrom|innerJoin|leftJoin|rightJoin|fullJoin)\(\s*["'\x60](?:${CONTENT})\b|\b(?:from|join)\s+(?:${CONTENT})\b`,
  "i",
);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : /\.tsx?$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );
}

/** Lines of a module's text that name a content table for reading. */
function contentReads(text: string): { line: number; text: string }[] {
  return text
    .split("\n")
    .map((line, i) => ({ line: i + 1, text: line }))
    .filter(({ text }) => TABLE_READ.test(text));
}

describe("participants' content is read in one place: app/consent", () => {
  it("no module of app/ outside app/consent (and the participants' own and write paths) names a content table for reading", () => {
    const offenders: string[] = [];
    for (const file of sources("app")) {
      const path = file.split("\\").join("/");
      if (path.startsWith(ALLOWED_FOLDER) || ALLOWED_FILES.has(path)) continue;
      for (const read of contentReads(readFileSync(file, "utf8"))) {
        offenders.push(`${path}:${read.line}: ${read.text.trim()}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("the check finds such a read where there is one", () => {
    expect(TABLE_READ.test(`db.selectFrom("answer").selectAll()`)).toBe(true);
    expect(TABLE_READ.test("sql`select * from response r`")).toBe(true);
    expect(TABLE_READ.test(`.innerJoin("response as r", "r.id", "a.response_id")`)).toBe(true);
    expect(TABLE_READ.test(`.selectFrom("coding as d")`)).toBe(true);
    expect(TABLE_READ.test(`// the response's language`)).toBe(false);
    expect(TABLE_READ.test(`.selectFrom("coding_theme")`)).toBe(false);
    // The sessions page once counted a session's turns itself, in the route; this is that line.
    const oldRoute = `    const segments = await db.selectFrom("transcript_segment").select((eb) => eb.fn.countAll<number>().as("n")).where("session_id", "=", session.id).executeTakeFirstOrThrow();`;
    expect(contentReads(oldRoute)).toHaveLength(1);
  });
});
