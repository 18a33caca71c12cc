/**
 * app/wellbeing/reads.server.ts says that every read of participants' answers for wellbeing goes
 * through it (and so through the consent gate), and that nothing else in app/wellbeing selects from
 * `answer`, `response` or `measure_score`; score-store.server.ts only writes kept scores. This holds
 * the rest of the folder to that, so a new query cannot quietly go around the gate.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ALLOWED = new Set(["reads.server.ts", "score-store.server.ts"]);
// Kysely (selectFrom("answer"), innerJoin("response as r")) and SQL text (from answer, join response).
const TABLE_READ = /(?:selectFrom|innerJoin|leftJoin|rightJoin|fullJoin)\(\s*["'`](?:answer|response|measure_score)\b|\b(?:from|join)\s+(?:answer|response|measure_score)\b/i;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : /\.tsx?$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );
}

describe("wellbeing reads participants' answers in one place", () => {
  it("no module of app/wellbeing but reads.server.ts and score-store.server.ts names the answer, response or kept-score tables", () => {
    const offenders = sources("app/wellbeing")
      .filter((file) => !ALLOWED.has(file.split("/").pop()!))
      .flatMap((file) =>
        readFileSync(file, "utf8")
          .split("\n")
          .map((line, i) => ({ file, line: i + 1, text: line }))
          .filter(({ text }) => TABLE_READ.test(text)),
      )
      .map(({ file, line, text }) => `${file}:${line}: ${text.trim()}`);
    expect(offenders).toEqual([]);
  });

  it("the check finds such a read where there is one", () => {
    expect(TABLE_READ.test(`db.selectFrom("answer").selectAll()`)).toBe(true);
    expect(TABLE_READ.test("sql`select * from response r`")).toBe(true);
    expect(TABLE_READ.test(`.innerJoin("measure_score as m", "m.response_id", "r.id")`)).toBe(true);
    expect(TABLE_READ.test(`// the response's language`)).toBe(false);
  });
});
