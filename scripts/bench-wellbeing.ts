/**
 * `npm run bench:wellbeing` (tsx scripts/bench-wellbeing.ts): loads 100,000 paired participants
 * (WHO-5 before and after, through the consent gate's rules: consented, some "stop and keep"
 * withdrawals, some erasure withdrawals pending deletion) into a throwaway PostgreSQL database, then
 * times the comparison as the app computes it (the first, which scores every response and keeps the
 * scores; then with kept scores; then after 1,000 answers change) and the same aggregate as one
 * hand-written SQL query over the answers, and checks that the two agree. Target: the app's
 * comparison under one second.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:wellbeing [-- --participants 100000]
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import pg from "pg";
import { openDatabase } from "../db/index";
import { migrateToLatest } from "../db/migrate";
import { getInstrumentVersion, publishInstrumentsFromDir } from "../app/instruments/publish.server";
import { measureComparison } from "../app/wellbeing/report.server";
import { wellbeingView } from "../app/wellbeing/view.server";

async function admin(serverUrl: string, text: string) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function main() {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl?.startsWith("postgres")) {
    console.error("Set DATABASE_URL to a PostgreSQL server: the benchmark creates and drops its own database there.");
    process.exit(1);
  }
  const flag = process.argv.indexOf("--participants");
  const participants = flag > 0 ? Number(process.argv[flag + 1]) : 100_000;
  const name = `tandem_bench_wellbeing_${randomBytes(4).toString("hex")}`;
  await admin(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString() });
  const { db } = handle;
  try {
    await migrateToLatest(db);
    await publishInstrumentsFromDir(db);
    const version = (await getInstrumentVersion(db, "peer-support-wellbeing", 1))!;
    const consentForm = (await getInstrumentVersion(db, "consent-form", 1))!;
    const org = await db.insertInto("organisation").values({ slug: "bench", name: "Bench" }).returning("id").executeTakeFirstOrThrow();
    const study = await db
      .insertInto("study")
      .values({ organisation_id: org.id, slug: "bench", titles: JSON.stringify({ en: "Bench" }), languages: ["en"], settings: "{}" })
      .returning("id")
      .executeTakeFirstOrThrow();

    const loading = performance.now();
    await sql`insert into participant (study_id, code_hash, language, source, enrolled_on, withdrawn_on, withdrawal_mode)
      select ${study.id}, 'bench-' || g, case when g % 7 = 0 then 'ar' else 'en' end, 'online', '2026-01-01',
        case when g % 100 in (1, 2) then date '2026-02-01' end,
        case when g % 100 = 1 then 'keep' when g % 100 = 2 then 'erase' end
      from generate_series(1, ${participants}) g`.execute(db);
    await sql`insert into consent_record (participant_id, instrument_version_id, statements, method, recorded_on, updated_on)
      select id, ${consentForm.rowId}, '{}'::jsonb, 'online', '2026-01-01', '2026-01-01' from participant where study_id = ${study.id}`.execute(
      db,
    );
    await sql`insert into response (participant_id, study_id, instrument_version_id, timepoint, language, started_on, completed_on)
      select p.id, ${study.id}, ${version.rowId}, t.timepoint, p.language, '2026-01-01', '2026-01-01'
      from participant p cross join (values ('pre'), ('post')) t(timepoint) where p.study_id = ${study.id}`.execute(db);
    // After the programme answers lean one step higher; every 50th post response skips an item, so
    // its score is missing and the pair drops.
    await sql`insert into answer (response_id, item_id, value, answered_on)
      select r.id, 'who5_' || i,
        to_jsonb(least(5, floor(random() * 5)::int + case when r.timepoint = 'post' and random() < 0.4 then 1 else 0 end)),
        '2026-01-01'
      from response r cross join generate_series(1, 5) i
      where r.study_id = ${study.id}
        and not (r.timepoint = 'post' and i = 5 and ('x' || substr(md5(r.participant_id::text), 1, 8))::bit(32)::int % 50 = 0)`.execute(db);
    await sql`analyze`.execute(db);
    console.log(`Loaded ${participants.toLocaleString("en")} participants in ${((performance.now() - loading) / 1000).toFixed(1)} s.`);

    const scope = { organisationId: org.id, studyId: study.id, measureId: "who5" };
    // The first report scores every response from its answers and keeps the scores
    // (docs/decisions/054-measure-score-store.md); later ones read the kept scores.
    let started = performance.now();
    await measureComparison(db, scope);
    console.log(
      `First comparison (scores all ${(participants * 2).toLocaleString("en")} responses from their answers and keeps the scores): ${(performance.now() - started).toFixed(0)} ms`,
    );
    const runs: number[] = [];
    let comparison = await measureComparison(db, scope);
    for (let i = 0; i < 3; i++) {
      started = performance.now();
      comparison = await measureComparison(db, scope);
      runs.push(performance.now() - started);
    }
    const best = Math.min(...runs);
    console.log(
      `App comparison (gate, kept scores, t-test, Wilcoxon, d_z, change counts): best of 3 ${best.toFixed(0)} ms ${best < 1000 ? "(under 1 s: target met)" : "(OVER the 1 s target)"}`,
    );
    console.log(
      `  n_pairs ${comparison.n_pairs}, mean change ${comparison.mean_change?.toFixed(6)}, t ${comparison.t?.toFixed(6)}, p ${comparison.p_t}`,
    );
    // Fieldwork goes on: 1,000 people change an answer after the programme; their kept scores are
    // stale, so the next comparison scores those 1,000 again and reads the rest.
    await sql`update answer set value = to_jsonb(5 - (value #>> '{}')::int)
      where item_id = 'who5_1' and response_id in (
        select id from response where study_id = ${study.id} and timepoint = 'post' order by id limit 1000)`.execute(db);
    started = performance.now();
    const changed = await measureComparison(db, scope);
    console.log(`After 1,000 answers changed (1,000 scored again, the rest read): ${(performance.now() - started).toFixed(0)} ms`);
    // The whole wellbeing page's data: a line per measure (WHO-5 and the instrument's other five,
    // which nobody answered here: scored once as missing), the WHO-5 report, charts and cohorts.
    // Later views are timed five times and the median printed: one view on a shared two-core
    // machine can take a third longer than the next.
    const page = { measureId: "who5" };
    const view = async (query: { measureId: string; by?: string }) => {
      const started = performance.now();
      await wellbeingView(db, { organisationId: org.id, studyId: study.id }, query, "en");
      return performance.now() - started;
    };
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const first = await view(page);
    console.log(`Wellbeing page, first view: ${first.toFixed(0)} ms ${first < 2000 ? "(under 2 s: target met)" : "(OVER the 2 s target)"}`);
    const again: number[] = [];
    for (let i = 0; i < 5; i++) again.push(await view(page));
    console.log(
      `Wellbeing page, again: median of 5 ${median(again).toFixed(0)} ms (${again.map((t) => t.toFixed(0)).join(", ")}) ${median(again) < 1000 ? "(under 1 s: target met)" : "(OVER the 1 s target)"}`,
    );
    const byLanguage = await view({ ...page, by: "language" });
    console.log(`Wellbeing page, by language: ${byLanguage.toFixed(0)} ms`);

    const handWritten = sql<{
      n: number;
      mean_pre: number;
      mean_post: number;
      sd_pre: number;
      sd_post: number;
      mean_change: number;
      sd_change: number;
    }>`
      with scores as (
        select r.participant_id, r.timepoint, sum((a.value #>> '{}')::numeric) * 4 as score
        from response r
        join participant p on p.id = r.participant_id
        join answer a on a.response_id = r.id
        where r.study_id = ${study.id} and r.timepoint in ('pre', 'post')
          and a.item_id in ('who5_1', 'who5_2', 'who5_3', 'who5_4', 'who5_5')
          and (p.withdrawal_mode is null or p.withdrawal_mode <> 'erase')
          and exists (select 1 from consent_record c where c.participant_id = p.id)
        group by r.participant_id, r.timepoint
        having count(*) = 5
      ), by_person as (
        -- conditional aggregation, not a self-join: the planner misjudges a materialised CTE's size
        -- and a nested loop over it takes minutes
        select max(score) filter (where timepoint = 'pre') as pre, max(score) filter (where timepoint = 'post') as post
        from scores group by participant_id
      ), pairs as (
        select pre, post from by_person where pre is not null and post is not null
      )
      select count(*)::int as n, avg(pre)::float8 as mean_pre, avg(post)::float8 as mean_post,
        stddev_samp(pre)::float8 as sd_pre, stddev_samp(post)::float8 as sd_post,
        avg(post - pre)::float8 as mean_change, stddev_samp(post - pre)::float8 as sd_change
      from pairs`;
    const sqlRuns: number[] = [];
    let row = (await handWritten.execute(db)).rows[0]!;
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      row = (await handWritten.execute(db)).rows[0]!;
      sqlRuns.push(performance.now() - started);
    }
    console.log(`Hand-written SQL (pairs, means, SDs, mean change; no tests): best of 3 ${Math.min(...sqlRuns).toFixed(0)} ms`);
    const t = row.mean_change / (row.sd_change / Math.sqrt(row.n));
    // Against the comparison after the change: the kept scores must not hide it.
    const agree =
      row.n === changed.n_pairs &&
      Math.abs(row.mean_pre - changed.mean_pre!) < 1e-9 &&
      Math.abs(row.mean_post - changed.mean_post!) < 1e-9 &&
      Math.abs(row.sd_pre - changed.sd_pre!) < 1e-9 &&
      Math.abs(t - changed.t!) < 1e-6;
    console.log(
      `  n_pairs ${row.n}, mean change ${row.mean_change.toFixed(6)}, t ${t.toFixed(6)}: ${agree ? "agrees with the app" : "DISAGREES with the app"}`,
    );
    if (!agree) process.exitCode = 1;
  } finally {
    await handle.close();
    await admin(serverUrl, `drop database if exists ${name} with (force)`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
