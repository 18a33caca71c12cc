/**
 * How many participants a second the server takes through consent and a questionnaire on
 * PostgreSQL, and how much of the database's own speed the full stack keeps.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:submit
 *   DATABASE_URL=… npm run bench:submit -- --participants 500 --concurrency 50
 *   (or BENCH_PARTICIPANTS and BENCH_CONCURRENCY; defaults 200 and 20)
 *
 * Creates a throwaway database on that server (dropped at the end) and prepares it as `npm start`
 * does (migrations, instruments, demo study). Then, in the same run:
 *
 * 1. HTTP. The built app runs in a child process, as `npm start` runs it (request log on, pool of
 *    DATABASE_POOL_SIZE or 10 connections), so the simulated browsers do not share its event loop:
 *    in production mode when build/ is a production build (`npm run build`), in development mode
 *    when it is the development build the test suite makes (slower; the output says which). Each
 *    simulated participant has its own cookies and behaves as a browser without JavaScript: chooses
 *    English, opens the consent form, submits it (enrolment and the server-side session), then
 *    answers every page of the demo's wellbeing questionnaire (peer-support-wellbeing, timepoint
 *    pre). A "page" is the consent submission or one questionnaire page; its latency is the POST and
 *    the redirect the browser follows, which is what the person waits for. The GETs in between are
 *    not timed as pages but take the server's time, so they are in the throughput.
 * 2. Direct. The same rows written through `pg` with no server: one transaction for the enrolment
 *    (form_submission, participant, consent_record, participant_session) and one per page (lock the
 *    participant, upsert the response, upsert the answers, mark the page done, complete the response),
 *    statement for statement what app/participants/enrolment.server.ts and answers.server.ts do,
 *    with the consent and answer values the HTTP run stored; same participants, concurrency and pool.
 *
 * Prints pages per second and p50/p95/p99 latency of each, and the ratio HTTP / direct.
 * Needs the build (`npm run build`, or `npm start` once).
 */
import { fork, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { secretsFrom } from "../app/security/secrets.server";
import { generateParticipantCode, hashParticipantCode, normaliseParticipantCode, sealCode } from "../app/participants/code";
import { pagesOf } from "../app/participants/journey.server";
import { findParticipantStudy, momentIfOptedIn, questionnaireUse, today } from "../app/participants/study.server";
import { isAnswerItem } from "../app/instruments/schema";
import { openDatabase } from "../db/index";
import { ParticipantClient, consentForm, hiddenValue } from "../tests/support/participant-http";

const INSTRUMENT = "peer-support-wellbeing";
const TIMEPOINT = "pre";
const MASTER_SECRET = "bench-submit-secret-".padEnd(48, "x");
const POOL_SIZE = Number(process.env.DATABASE_POOL_SIZE ?? 10);
const WARM_UP = 5;

function setting(flag: string, env: string, fallback: number): number {
  const i = process.argv.indexOf(flag);
  const raw = i >= 0 ? process.argv[i + 1] : process.env[env];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${flag} (or ${env}) must be a whole number of at least 1, not "${raw}".`);
    process.exit(2);
  }
  return value;
}

// ---- The server, in a child process started from this same file with --serve. ----

async function serve() {
  const { startServer } = await import("./server");
  const handle = await openDatabase({ url: process.env.BENCH_DATABASE_URL! });
  const running = await startServer({ database: handle, secrets: secretsFrom(MASTER_SECRET), port: 0 });
  process.send!({ url: running.url });
  process.on("message", () => void running.close().then(() => process.exit(0)));
}

/**
 * The mode the build allows: `npm start` builds for production, but the build the test suite makes
 * (under NODE_ENV=test) uses React's development JSX runtime and cannot run in production mode.
 */
function buildMode(): "production" | "development" {
  return readFileSync("build/index.js", "utf8").includes('"react/jsx-dev-runtime"') ? "development" : "production";
}

function startServerProcess(databaseUrl: string, mode: "production" | "development"): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(fileURLToPath(import.meta.url), ["--serve"], {
    env: { ...process.env, NODE_ENV: mode, BENCH_DATABASE_URL: databaseUrl },
    execArgv: process.execArgv,
    // The request log goes where a production log would, but nobody reads it here.
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("message", (message) => resolve({ url: (message as { url: string }).url, child }));
    child.once("exit", (code) => reject(new Error(`the server process exited (${code}) before it was listening`)));
  });
}

function stopServerProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.send("stop");
  });
}

// ---- Figures. ----

/** Runs work(0..count-1), at most `concurrency` at a time. */
async function inParallel(count: number, concurrency: number, work: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/** Nearest-rank percentile. */
function percentile(sorted: number[], p: number) {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Run {
  label: string;
  latencies: number[];
  seconds: number;
}

function rate(run: Run) {
  return run.latencies.length / run.seconds;
}

function report(runs: Run[], participants: number) {
  const head = ["", "pages", "seconds", "pages/s", "participants/s", "p50 ms", "p95 ms", "p99 ms"];
  const rows = runs.map((run) => {
    const sorted = [...run.latencies].sort((a, b) => a - b);
    return [
      run.label,
      String(run.latencies.length),
      run.seconds.toFixed(1),
      rate(run).toFixed(1),
      (participants / run.seconds).toFixed(1),
      ...[50, 95, 99].map((p) => percentile(sorted, p).toFixed(1)),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [head, ...rows])
    console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  "));
}

// ---- The simulated participants. ----

/** Every question on a page answered: the first choice of each group, some words in each text box. */
function answersFor(html: string): Record<string, string> {
  const form: Record<string, string> = { _intent: "save" };
  for (const [, name, value] of html.matchAll(/<input type="(?:radio|checkbox)"[^>]*name="([a-z0-9_]+)" value="([^"]*)"/g))
    form[name!] ??= value!;
  for (const [, name] of html.matchAll(/<textarea[^>]*name="([a-z0-9_]+)"/g)) form[name!] = "The staff were kind and patient with me.";
  for (const [, name] of html.matchAll(/<input[^>]*name="([a-z0-9_]+)"[^>]*type="text"/g)) if (!name!.startsWith("_")) form[name!] = "3";
  return form;
}

async function participantOverHttp(base: string, firstPage: string, latencies: number[]) {
  const browser = new ParticipantClient(base);
  await browser.get("/s/demo?lang=en");
  const consent = await browser.get("/s/demo/consent");
  let started = performance.now();
  const code = await browser.post("/s/demo/consent", consentForm(hiddenValue(consent.html, "_token"), { quotes: true }));
  latencies.push(performance.now() - started);
  if (!code.url.endsWith("/s/demo/code")) throw new Error(`consent was not recorded: landed on ${code.url} (${code.status})`);
  let page = await browser.get(firstPage);
  const questionnaire = firstPage.slice(0, firstPage.lastIndexOf("/") + 1);
  while (new URL(page.url).pathname.startsWith(questionnaire)) {
    const path = new URL(page.url).pathname;
    if (page.status !== 200) throw new Error(`${path}: status ${page.status}`);
    started = performance.now();
    const following = await browser.post(path, answersFor(page.html));
    latencies.push(performance.now() - started);
    if (new URL(following.url).pathname === path) throw new Error(`${path} was not saved (status ${following.status})`);
    page = following;
  }
}

// ---- The same writes through pg. ----

interface Fixture {
  studyId: string;
  enrolledAt: Date | null;
  consent: { versionId: string; statements: string; audioRecording: boolean; quotes: boolean };
  questionnaire: { versionId: string; pages: { id: string; itemIds: string[]; values: [string, string][] }[] };
}

async function transaction(pool: pg.Pool, latencies: number[], work: (client: pg.PoolClient) => Promise<void>) {
  const started = performance.now();
  const client = await pool.connect();
  try {
    await client.query("begin");
    await work(client);
    await client.query("commit");
  } catch (error) {
    await client.query("rollback");
    throw error;
  } finally {
    client.release();
  }
  latencies.push(performance.now() - started);
}

async function participantDirect(pool: pg.Pool, fixture: Fixture, latencies: number[]) {
  const codeHashKey = secretsFrom(MASTER_SECRET).codeHashKey;
  const token = randomBytes(32).toString("base64url");
  const day = today();
  let participantId = "";
  await transaction(pool, latencies, async (client) => {
    const claimed = await client.query(
      "insert into form_submission (token, participant_id, submitted_on) values ($1, null, $2) on conflict (token) do nothing returning token",
      [token, day],
    );
    if (claimed.rowCount !== 1) throw new Error("submission token already used");
    const code = generateParticipantCode();
    const canonical = normaliseParticipantCode(code);
    if (!canonical.ok) throw new Error("generated an invalid code");
    const inserted = await client.query<{ id: string }>(
      "insert into participant (study_id, code_hash, language, source, enrolled_on, enrolled_at, cohort_id, withdrawn_on, withdrawal_mode) values ($1, $2, 'en', 'online', $3, $4, null, null, null) returning id",
      [fixture.studyId, hashParticipantCode(canonical.code, codeHashKey), day, fixture.enrolledAt],
    );
    participantId = inserted.rows[0]!.id;
    const { consent } = fixture;
    await client.query(
      "insert into consent_record (participant_id, instrument_version_id, statements, audio_recording, quotes, method, recorded_by, recorded_on, updated_on) values ($1, $2, $3, $4, $5, 'online', null, $6, $6)",
      [participantId, consent.versionId, consent.statements, consent.audioRecording, consent.quotes, day],
    );
    await client.query("update form_submission set participant_id = $1 where token = $2", [participantId, token]);
    await client.query(
      "insert into participant_session (id_hash, participant_id, sealed_code, expires_at) values ($1, $2, $3, $4) on conflict (id_hash) do nothing",
      [
        createHash("sha256").update(token, "utf8").digest("hex"),
        participantId,
        sealCode(code, token, fixture.studyId),
        new Date(Date.now() + 12 * 3600_000),
      ],
    );
  });
  const { versionId, pages } = fixture.questionnaire;
  for (const page of pages) {
    await transaction(pool, latencies, async (client) => {
      const participant = await client.query("select withdrawn_on from participant where id = $1 for update", [participantId]);
      if (participant.rowCount !== 1 || participant.rows[0].withdrawn_on) throw new Error("participant missing or withdrawn");
      await client.query(
        "insert into response (participant_id, study_id, instrument_version_id, timepoint, language, mode, interpreter, entered_by, started_on, completed_on) values ($1, $2, $3, $4, 'en', 'self', null, null, $5, null) on conflict (participant_id, instrument_version_id, timepoint) do nothing",
        [participantId, fixture.studyId, versionId, TIMEPOINT, day],
      );
      const response = await client.query<{ id: string }>(
        "select id from response where participant_id = $1 and instrument_version_id = $2 and timepoint = $3",
        [participantId, versionId, TIMEPOINT],
      );
      const responseId = response.rows[0]!.id;
      const skipped = page.itemIds.filter((id) => !page.values.some(([given]) => given === id));
      if (skipped.length > 0) await client.query("delete from answer where response_id = $1 and item_id = any($2)", [responseId, skipped]);
      if (page.values.length > 0) {
        const placeholders = page.values.map((_, i) => `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`).join(", ");
        await client.query(
          `insert into answer (response_id, item_id, value, answered_on) values ${placeholders} on conflict (response_id, item_id) do update set value = excluded.value, answered_on = excluded.answered_on`,
          page.values.flatMap(([item, value]) => [responseId, item, value, day]),
        );
      }
      const updated = await client.query<{ sections_done: string[]; completed_on: string | null }>(
        "update response set sections_done = case when $2 = any(sections_done) then sections_done else array_append(sections_done, $2::text) end where id = $1 returning sections_done, completed_on",
        [responseId, page.id],
      );
      const row = updated.rows[0]!;
      if (pages.every((p) => row.sections_done.includes(p.id)) && !row.completed_on)
        await client.query("update response set completed_on = $1 where id = $2", [day, responseId]);
    });
  }
}

/** What the HTTP run stored for one participant, to write the same values directly. */
async function fixtureFrom(databaseUrl: string): Promise<Fixture> {
  const handle = await openDatabase({ url: databaseUrl });
  try {
    const study = (await findParticipantStudy(handle.db, { slug: "demo" }))!;
    const use = questionnaireUse(study, INSTRUMENT, TIMEPOINT)!;
    const response = await handle.db
      .selectFrom("response")
      .select(["id", "participant_id"])
      .where("instrument_version_id", "=", use.version.rowId)
      .where("timepoint", "=", TIMEPOINT)
      .where("completed_on", "is not", null)
      .executeTakeFirstOrThrow();
    const consent = await handle.db
      .selectFrom("consent_record")
      .select(["instrument_version_id", "statements", "audio_recording", "quotes"])
      .where("participant_id", "=", response.participant_id)
      .executeTakeFirstOrThrow();
    const answers = await handle.db.selectFrom("answer").select(["item_id", "value"]).where("response_id", "=", response.id).execute();
    return {
      studyId: study.id,
      enrolledAt: momentIfOptedIn(study),
      consent: {
        versionId: consent.instrument_version_id,
        statements: JSON.stringify(consent.statements),
        audioRecording: consent.audio_recording,
        quotes: consent.quotes,
      },
      questionnaire: {
        versionId: use.version.rowId,
        pages: pagesOf(study, use).map((page) => {
          const itemIds = page.items.filter(isAnswerItem).map((item) => item.id);
          const values = answers
            .filter((a) => itemIds.includes(a.item_id))
            .map((a): [string, string] => [a.item_id, JSON.stringify(a.value)]);
          return { id: page.id, itemIds, values };
        }),
      },
    };
  } finally {
    await handle.close();
  }
}

// ---- The run. ----

async function adminQuery(serverUrl: string, text: string) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

async function main() {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    console.error("bench:submit measures PostgreSQL: set DATABASE_URL to a server it may create a throwaway database on, e.g.");
    console.error("  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:submit");
    process.exit(2);
  }
  const participants = setting("--participants", "BENCH_PARTICIPANTS", 200);
  const concurrency = setting("--concurrency", "BENCH_CONCURRENCY", 20);
  if (!existsSync("build/index.js") || !existsSync("public/build")) {
    console.error("The app is not built: run `npm run build` first.");
    process.exit(2);
  }

  const name = `tandem_bench_${randomBytes(5).toString("hex")}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  let child: ChildProcess | undefined;
  const cleanUp = async () => {
    if (child) await stopServerProcess(child);
    await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
  };
  process.once("SIGINT", () => void cleanUp().finally(() => process.exit(130)));

  try {
    const { bootstrap } = await import("./bootstrap");
    const handle = await openDatabase({ url: databaseUrl });
    await bootstrap(handle, { demo: true, demoAdminPassword: "bench-only password 0123456789" });
    const study = (await findParticipantStudy(handle.db, { slug: "demo" }))!;
    const use = questionnaireUse(study, INSTRUMENT, TIMEPOINT);
    if (!use) throw new Error(`the demo study does not use ${INSTRUMENT} at ${TIMEPOINT}`);
    const pageIds = pagesOf(study, use).map((p) => p.id);
    await handle.close();
    const version = (await adminQuery(serverUrl, "show server_version")).rows[0].server_version as string;

    const mode = buildMode();
    const server = await startServerProcess(databaseUrl, mode);
    child = server.child;
    const firstPage = `/s/demo/q/${INSTRUMENT}/${TIMEPOINT}/${pageIds[0]}`;
    const http: Run = { label: "HTTP (server, no-JavaScript forms)", latencies: [], seconds: 0 };
    // A few participants first, not counted: module loading, caches and JIT are not what is measured.
    await inParallel(WARM_UP, WARM_UP, () => participantOverHttp(server.url, firstPage, []));
    let started = performance.now();
    await inParallel(participants, concurrency, () => participantOverHttp(server.url, firstPage, http.latencies));
    http.seconds = (performance.now() - started) / 1000;
    await stopServerProcess(server.child);

    const fixture = await fixtureFrom(databaseUrl);
    const direct: Run = { label: "direct pg (same writes)", latencies: [], seconds: 0 };
    const pool = new pg.Pool({ connectionString: databaseUrl, max: POOL_SIZE });
    pool.on("error", (error) => console.error(`database: idle connection lost (${error.message})`));
    try {
      await inParallel(WARM_UP, WARM_UP, () => participantDirect(pool, fixture, []));
      started = performance.now();
      await inParallel(participants, concurrency, () => participantDirect(pool, fixture, direct.latencies));
      direct.seconds = (performance.now() - started) / 1000;
    } finally {
      await pool.end();
    }

    const counts = await adminQuery(
      databaseUrl,
      "select (select count(*) from participant) as participants, (select count(*) from answer) as answers",
    );
    console.log(
      `PostgreSQL ${version} at ${url.host}, throwaway database ${name}; pool ${POOL_SIZE} connections; server in a child process, NODE_ENV=${mode}.`,
    );
    if (mode === "development") {
      console.log(
        "(build/ is a development build, as the test suite makes it: React renders in development mode and catalogues are re-read",
      );
      console.log(" on every request, so HTTP is slower than in production; `npm run build` makes a production build.)");
    }
    console.log(
      `${participants} participants, ${concurrency} at a time (plus ${WARM_UP} uncounted warm-up each way). A page is the consent form or one ` +
        `${INSTRUMENT}/${TIMEPOINT} page (${pageIds.join(", ")}): ${1 + pageIds.length} per participant.`,
    );
    console.log(`Stored at the end: ${counts.rows[0].participants} participants, ${counts.rows[0].answers} answers.\n`);
    report([http, direct], participants);
    console.log(
      `\nratio HTTP / direct: ${(rate(http) / rate(direct)).toFixed(2)} (pages per second; the share of the database's write throughput the full stack keeps)`,
    );
  } finally {
    await cleanUp();
  }
}

if (process.argv.includes("--serve")) {
  serve().catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
