/**
 * `npm run bench:cli`: how long the command line takes to answer, on PostgreSQL (target: under
 * 1.5 s for `help` and for `report wellbeing --json`, issue 15 item 6).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:cli [-- --runs 5]
 *
 * Creates a throwaway database on that server (dropped at the end), prepares it as `npm start` does
 * (migrations, instruments, the demo study) and gives the demo study 500 people who answered the
 * wellbeing questionnaire before and after. Then times each command as a person types it
 * (`npm run --silent cli -- …`), the same straight through Node (`node scripts/launch.mjs cli …`,
 * without npm's own start), and once the TypeScript source through tsx, as every call ran before
 * the command line was compiled. Each time is from spawn to exit; the first call (which compiles
 * the command line if it is missing or stale) is not counted.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import pg from "pg";
import { openDatabase } from "../db/index";
import { getInstrumentVersion } from "../app/instruments/publish.server";
import { bootstrap } from "./bootstrap";

const TARGET_MS = 1_500;
const PEOPLE = 500;

async function admin(serverUrl: string, text: string) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

function runsWanted(): number {
  const i = process.argv.indexOf("--runs");
  const runs = i >= 0 ? Number(process.argv[i + 1]) : 5;
  if (!Number.isInteger(runs) || runs < 1) {
    console.error("--runs must be a whole number of at least 1.");
    process.exit(2);
  }
  return runs;
}

/** The demo study's people: consented, WHO-5 before and after (a step higher after, for some). */
async function seedAnswers(url: string) {
  const handle = await openDatabase({ url });
  const { db } = handle;
  try {
    await bootstrap(handle, { demo: true, demoAdminPassword: "bench-only password 0123456789" });
    const version = (await getInstrumentVersion(db, "peer-support-wellbeing", 1))!;
    const consentForm = (await getInstrumentVersion(db, "consent-form", 1))!;
    const study = await db.selectFrom("study").select("id").where("slug", "=", "demo").executeTakeFirstOrThrow();
    await sql`insert into participant (study_id, code_hash, language, source, enrolled_on)
      select ${study.id}, 'bench-cli-' || g, 'en', 'online', '2026-01-01' from generate_series(1, ${PEOPLE}) g`.execute(db);
    await sql`insert into consent_record (participant_id, instrument_version_id, statements, method, recorded_on, updated_on)
      select id, ${consentForm.rowId}, '{}'::jsonb, 'online', '2026-01-01', '2026-01-01' from participant where study_id = ${study.id}`.execute(
      db,
    );
    await sql`insert into response (participant_id, study_id, instrument_version_id, timepoint, language, started_on, completed_on)
      select p.id, ${study.id}, ${version.rowId}, t.timepoint, p.language, '2026-01-01', '2026-01-01'
      from participant p cross join (values ('pre'), ('post')) t(timepoint) where p.study_id = ${study.id}`.execute(db);
    await sql`insert into answer (response_id, item_id, value, answered_on)
      select r.id, 'who5_' || i, to_jsonb(least(5, floor(random() * 5)::int + case when r.timepoint = 'post' and random() < 0.4 then 1 else 0 end)), '2026-01-01'
      from response r cross join generate_series(1, 5) i where r.study_id = ${study.id}`.execute(db);
  } finally {
    await handle.close();
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): { ms: number; stdout: string } {
  const started = performance.now();
  const result = spawnSync(command, args, { env, encoding: "utf8", timeout: 120_000 });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${result.stderr}`);
  return { ms, stdout: result.stdout };
}

function describe(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return { median, text: `median ${median.toFixed(0)} ms, best ${sorted[0]!.toFixed(0)} ms, worst ${sorted.at(-1)!.toFixed(0)} ms` };
}

async function main() {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl?.startsWith("postgres")) {
    console.error("Set DATABASE_URL to a PostgreSQL server: the benchmark creates and drops its own database there.");
    process.exit(1);
  }
  const runs = runsWanted();
  const name = `tandem_bench_cli_${randomBytes(4).toString("hex")}`;
  await admin(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const env = { ...process.env, DATABASE_URL: url.toString() };
  try {
    await seedAnswers(url.toString());
    const report = ["report", "wellbeing", "--study", "demo", "--measure", "who5", "--json"];
    const first = run("node", ["scripts/launch.mjs", "cli", "help"], env);
    console.log(`First call (compiles the command line when it is missing or stale): ${first.ms.toFixed(0)} ms`);
    const json = JSON.parse(run("npm", ["run", "--silent", "cli", "--", ...report], env).stdout) as { n_pairs: number };
    if (json.n_pairs !== PEOPLE) throw new Error(`report wellbeing counted ${json.n_pairs} pairs, not ${PEOPLE}`);

    let met = true;
    for (const [label, command, args] of [
      ["npm run --silent cli -- help", "npm", ["run", "--silent", "cli", "--", "help"]],
      [`npm run --silent cli -- ${report.join(" ")}`, "npm", ["run", "--silent", "cli", "--", ...report]],
      ["node scripts/launch.mjs cli help", "node", ["scripts/launch.mjs", "cli", "help"]],
      [`node scripts/launch.mjs cli ${report.join(" ")}`, "node", ["scripts/launch.mjs", "cli", ...report]],
    ] as const) {
      const times = Array.from({ length: runs }, () => run(command, [...args], env).ms);
      const { median, text } = describe(times);
      if (median >= TARGET_MS) met = false;
      console.log(`${label}: ${text} ${median < TARGET_MS ? "(under 1.5 s)" : "(OVER 1.5 s)"}`);
    }
    // Before: the TypeScript compiled at every call (tsx), as `npm run cli` ran until now.
    for (const [label, args] of [
      ["before (npx tsx scripts/cli.ts help)", ["tsx", "scripts/cli.ts", "help"]],
      [`before (npx tsx scripts/cli.ts ${report.join(" ")})`, ["tsx", "scripts/cli.ts", ...report]],
    ] as const) {
      const times = Array.from({ length: Math.min(runs, 3) }, () => run("npx", [...args], env).ms);
      console.log(`${label}: ${describe(times).text}`);
    }
    console.log(met ? "Every command under 1.5 s (median): target met." : "Some command took 1.5 s or more (median): target NOT met.");
  } finally {
    await admin(serverUrl, `drop database if exists ${name} with (force)`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
