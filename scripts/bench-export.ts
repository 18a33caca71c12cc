/**
 * Streams 1,000,000 answer rows to CSV through the consent gate and prints rows per second and peak
 * memory, beside PostgreSQL's own `COPY … TO STDOUT` of the same rows in the same run. Then writes the
 * SPSS .sav and Stata .dta files of 100,000 participants × 40 answers, and of the first 25,000 of
 * them, printing responses per second and peak memory at both sizes: the two-pass writers (ADR 072)
 * hold one answer batch, so the peak should not grow with the rows.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx scripts/bench-export.ts
 *   npx tsx scripts/bench-export.ts --rows 200000     (embedded database; COPY is skipped)
 *   … --stats-only --participants 100000              (only the .sav / .dta part)
 *
 * A throwaway database is created on the server and dropped afterwards. The export holds one keyset
 * batch (5,000 rows) at a time, so memory stays flat however many rows there are: the figures
 * printed include the resident memory sampled at every batch.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import pg from "pg";
import { exportAnswersLong } from "../app/coding/exports.server";
import { exportAnswersStats } from "../app/coding/stats-export.server";
import { openDatabase, type DatabaseHandle } from "../db/index";
import { migrateToLatest } from "../db/migrate";

const rowsArg = process.argv.indexOf("--rows");
const TOTAL = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 1_000_000;
const ITEMS = 20;
const PARTICIPANTS = Math.ceil(TOTAL / ITEMS);
const STATS_ONLY = process.argv.includes("--stats-only");
const participantsArg = process.argv.indexOf("--participants");
const STATS_PARTICIPANTS = participantsArg > 0 ? Number(process.argv[participantsArg + 1]) : 100_000;
const STATS_ITEMS = 40;

async function open(): Promise<{ handle: DatabaseHandle; url?: string; drop: () => Promise<void> }> {
  const server = process.env.DATABASE_URL;
  if (!server) return { handle: await openDatabase({ dataDir: "memory://" }), drop: async () => {} };
  const name = `tandem_bench_export_${randomBytes(4).toString("hex")}`;
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    await client.query(text);
    await client.end();
  };
  await admin(`create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    handle: await openDatabase({ url: url.toString() }),
    url: url.toString(),
    drop: () => admin(`drop database if exists ${name} with (force)`),
  };
}

function mb(bytes: number) {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

async function main() {
  const { handle, url, drop } = await open();
  const { db } = handle;
  const figures: [string, string][] = [["database", handle.describe]];
  try {
    await migrateToLatest(db);
    const org = await db
      .insertInto("organisation")
      .values({ slug: "bench-export", name: "Bench" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const study = await db
      .insertInto("study")
      .values({ organisation_id: org.id, slug: "bench-export", titles: JSON.stringify({ en: "Bench" }), languages: ["en"], settings: "{}" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const items = Array.from({ length: ITEMS }, (_, i) => ({
      id: `q${String(i + 1).padStart(2, "0")}`,
      type: i % 5 === 4 ? "long_text" : "rating",
    }));
    if (!STATS_ONLY) await benchCsv();
    async function benchCsv() {
      const questionnaire = await db
        .insertInto("instrument_version")
        .values({
          instrument_id: "bench-q",
          version: 1,
          kind: "questionnaire",
          content_hash: "q",
          definition: JSON.stringify({ id: "bench-q", kind: "questionnaire", sections: [{ id: "s", items }] }),
          translations: "{}",
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      const consent = await db
        .insertInto("instrument_version")
        .values({ instrument_id: "bench-c", version: 1, kind: "consent_form", content_hash: "c", definition: "{}", translations: "{}" })
        .returning("id")
        .executeTakeFirstOrThrow();
      const seedStart = performance.now();
      await sql`insert into participant (study_id, code_hash, language, source, enrolled_on)
      select ${study.id}, 'h' || g, 'en', 'online', date '2026-01-01' from generate_series(1, ${PARTICIPANTS}) g`.execute(db);
      await sql`insert into consent_record (participant_id, instrument_version_id, statements, quotes, method, recorded_on, updated_on)
      select id, ${consent.id}, '{}'::jsonb, true, 'online', date '2026-01-01', date '2026-01-01' from participant where study_id = ${study.id}`.execute(
        db,
      );
      await sql`insert into response (participant_id, study_id, instrument_version_id, language, started_on)
      select id, ${study.id}, ${questionnaire.id}, 'en', date '2026-01-01' from participant where study_id = ${study.id}`.execute(db);
      await sql`insert into answer (response_id, item_id, value, answered_on)
      select r.id, 'q' || lpad(i::text, 2, '0'),
        case when i % 5 = 0 then to_jsonb('Roedd y gŵr yn garedig — شعرت بالأمان 🙏 ' || i) else to_jsonb(i % 5) end,
        date '2026-01-01'
      from response r, generate_series(1, ${ITEMS}) i where r.study_id = ${study.id}`.execute(db);
      await sql`analyze`.execute(db);
      figures.push(["rows seeded", `${PARTICIPANTS * ITEMS} (${((performance.now() - seedStart) / 1000).toFixed(1)} s)`]);

      const file = path.join(tmpdir(), `tandem-bench-export-${process.pid}.csv`);
      const stream = createWriteStream(file, { encoding: "utf8" });
      let peak = process.memoryUsage().rss;
      const baseline = peak;
      let peakHeap = process.memoryUsage().heapUsed;
      const start = performance.now();
      const rows = await exportAnswersLong(
        db,
        { organisationId: org.id, studyId: study.id },
        { userId: null, via: "cli" },
        async (chunk) => {
          if (!stream.write(chunk)) await once(stream, "drain");
          const m = process.memoryUsage();
          peak = Math.max(peak, m.rss);
          peakHeap = Math.max(peakHeap, m.heapUsed);
        },
      );
      await new Promise<void>((resolve) => stream.end(resolve));
      const seconds = (performance.now() - start) / 1000;
      figures.push(["export (gate, redaction, CSV) rows", String(rows)]);
      figures.push(["export seconds", seconds.toFixed(1)]);
      figures.push(["export rows per second", Math.round(rows / seconds).toLocaleString("en-GB")]);
      figures.push(["RSS before / peak during export", `${mb(baseline)} / ${mb(peak)}`]);
      figures.push(["peak JS heap during export", mb(peakHeap)]);
      figures.push(["file", file]);

      if (url) {
        const copyStart = performance.now();
        const query = `copy (select r.participant_id, iv.instrument_id, iv.version, r.timepoint, r.language, r.mode, to_char(r.started_on, 'YYYY-MM'), a.item_id, a.value #>> '{}'
        from answer a join response r on r.id = a.response_id join instrument_version iv on iv.id = r.instrument_version_id
        where r.study_id = '${study.id}' order by a.response_id, a.item_id) to stdout with (format csv)`;
        const copied = await new Promise<number>((resolve, reject) => {
          const child = spawn("psql", [url, "-X", "-q", "-c", query], { stdio: ["ignore", "pipe", "inherit"] });
          let lines = 0;
          child.stdout.on("data", (chunk: Buffer) => {
            for (const byte of chunk) if (byte === 10) lines++;
          });
          child.on("error", reject);
          child.on("close", (code) => (code === 0 ? resolve(lines) : reject(new Error(`psql exited ${code}`))));
        });
        const copySeconds = (performance.now() - copyStart) / 1000;
        figures.push(["PostgreSQL COPY TO STDOUT rows", String(copied)]);
        figures.push(["COPY seconds", copySeconds.toFixed(1)]);
        figures.push(["COPY rows per second", Math.round(copied / copySeconds).toLocaleString("en-GB")]);
      } else {
        figures.push(["PostgreSQL COPY", "skipped (embedded database; set DATABASE_URL)"]);
      }
    }
    await benchStats(db, org.id, figures);
  } finally {
    await handle.close();
    await drop();
  }
  const width = Math.max(...figures.map(([l]) => l.length));
  for (const [label, value] of figures) console.log(`${label.padEnd(width)}  ${value}`);
}

/**
 * A study of STATS_PARTICIPANTS × 40 answers (ratings, single choices, yes/no, Welsh and Arabic short
 * text), seeded in two steps so the same export runs at a quarter of the size and at the full size.
 */
async function benchStats(db: DatabaseHandle["db"], organisationId: string, figures: [string, string][]) {
  const study = await db
    .insertInto("study")
    .values({
      organisation_id: organisationId,
      slug: "bench-stats",
      titles: JSON.stringify({ en: "Bench stats" }),
      languages: ["en"],
      settings: "{}",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const scope = { organisationId, studyId: study.id };
  const items = Array.from({ length: STATS_ITEMS }, (_, i) => {
    const id = `s${String(i + 1).padStart(2, "0")}`;
    const kind = i % 4;
    if (kind === 0)
      return { id, type: "rating", text: `Rating ${i + 1}`, scale: { min: 1, max: 5, labels: { "1": "Not at all", "5": "Very much" } } };
    if (kind === 1)
      return {
        id,
        type: "single_choice",
        text: `Choice ${i + 1}`,
        options: ["a", "b", "c"].map((v) => ({ value: v, label: `Option ${v}` })),
      };
    if (kind === 2) return { id, type: "yes_no", text: `Yes or no ${i + 1}` };
    return { id, type: "short_text", text: `Text ${i + 1}` };
  });
  const questionnaire = await db
    .insertInto("instrument_version")
    .values({
      instrument_id: "bench-stats-q",
      version: 1,
      kind: "questionnaire",
      content_hash: "sq",
      definition: JSON.stringify({ id: "bench-stats-q", kind: "questionnaire", sections: [{ id: "s", items }] }),
      translations: "{}",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const consent = await db
    .insertInto("instrument_version")
    .values({ instrument_id: "bench-stats-c", version: 1, kind: "consent_form", content_hash: "sc", definition: "{}", translations: "{}" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const seed = async (from: number, to: number) => {
    await sql`insert into participant (study_id, code_hash, language, source, enrolled_on)
      select ${study.id}, 's' || g, 'en', 'online', date '2026-01-01' from generate_series(${from}::int, ${to}::int) g`.execute(db);
    await sql`insert into consent_record (participant_id, instrument_version_id, statements, quotes, method, recorded_on, updated_on)
      select p.id, ${consent.id}, '{}'::jsonb, true, 'online', date '2026-01-01', date '2026-01-01' from participant p
      where p.study_id = ${study.id} and not exists (select 1 from consent_record c where c.participant_id = p.id)`.execute(db);
    await sql`insert into response (participant_id, study_id, instrument_version_id, language, started_on)
      select p.id, ${study.id}, ${questionnaire.id}, 'en', date '2026-01-01' from participant p
      where p.study_id = ${study.id} and not exists (select 1 from response r where r.participant_id = p.id)`.execute(db);
    await sql`insert into answer (response_id, item_id, value, answered_on)
      select r.id, 's' || lpad(i::text, 2, '0'),
        case (i - 1) % 4
          when 0 then to_jsonb(1 + (i + length(r.id::text)) % 5)
          when 1 then to_jsonb((array['a', 'b', 'c'])[1 + i % 3])
          when 2 then to_jsonb(case when i % 2 = 0 then 'yes' else 'no' end)
          else to_jsonb('Roedd y gŵr yn garedig — شعرت بالأمان ' || i) end,
        date '2026-01-01'
      from response r, generate_series(1, ${STATS_ITEMS}) i
      where r.study_id = ${study.id} and not exists (select 1 from answer a where a.response_id = r.id)`.execute(db);
    await sql`analyze`.execute(db);
  };
  const quarter = Math.ceil(STATS_PARTICIPANTS / 4);
  for (const [from, to] of [
    [1, quarter],
    [quarter + 1, STATS_PARTICIPANTS],
  ] as const) {
    const seedStart = performance.now();
    await seed(from, to);
    figures.push([
      `stats: seeded up to ${to.toLocaleString("en-GB")} participants`,
      `${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
    ]);
    for (const format of ["sav", "dta"] as const) {
      const file = path.join(tmpdir(), `tandem-bench-export-${process.pid}.${format}`);
      const stream = createWriteStream(file);
      const baseline = process.memoryUsage();
      let peakRss = baseline.rss;
      let peakHeap = baseline.heapUsed;
      const start = performance.now();
      const rows = await exportAnswersStats(db, scope, { userId: null, via: "cli" }, { format }, async (chunk) => {
        if (!stream.write(chunk)) await once(stream, "drain");
        const m = process.memoryUsage();
        peakRss = Math.max(peakRss, m.rss);
        peakHeap = Math.max(peakHeap, m.heapUsed);
      });
      await new Promise<void>((resolve) => stream.end(resolve));
      const seconds = (performance.now() - start) / 1000;
      const label = `.${format} ${rows.toLocaleString("en-GB")} × ${STATS_ITEMS}`;
      figures.push([`${label}: seconds (two passes)`, seconds.toFixed(1)]);
      figures.push([
        `${label}: responses / answers per second`,
        `${Math.round(rows / seconds).toLocaleString("en-GB")} / ${Math.round((rows * STATS_ITEMS) / seconds).toLocaleString("en-GB")}`,
      ]);
      figures.push([`${label}: RSS before / peak`, `${mb(baseline.rss)} / ${mb(peakRss)}`]);
      figures.push([`${label}: JS heap before / peak`, `${mb(baseline.heapUsed)} / ${mb(peakHeap)}`]);
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
