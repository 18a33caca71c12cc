/**
 * How many participants a second the server takes through the journey on PostgreSQL, what each
 * participant page costs the server, and how much of the database's own speed the full stack keeps.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:submit
 *   DATABASE_URL=… npm run bench:submit -- --participants 500 --concurrency 50
 *   DATABASE_URL=… npm run bench:submit -- --processes 2
 *   (or BENCH_PARTICIPANTS, BENCH_CONCURRENCY, BENCH_PROCESSES, BENCH_ONE_AT_A_TIME;
 *    defaults 200, 20, 1 and 30)
 *
 * Creates a throwaway database on that server (dropped at the end) and prepares it as `npm start`
 * does (migrations, instruments, demo study). The built app runs in child processes, as `npm start`
 * runs it (request log on, pool of DATABASE_POOL_SIZE or 10 connections each), so the simulated
 * browsers do not share its event loop: in production mode when build/ is a production build
 * (`npm run build`), in development mode when it is the development build the test suite makes
 * (slower; the output says which).
 *
 * The journey. Each simulated participant has its own cookies and behaves as a browser without
 * JavaScript: opens the study (the language page), chooses English (and lands on the information
 * sheet), opens the consent form and submits it (enrolment and the server-side session; the code
 * page), answers every page of the demo's wellbeing questionnaire (peer-support-wellbeing at
 * timepoint pre: WHO-5, ONS4, loneliness), confirms "Check your answers" (and lands on what is
 * next), then finishes on this device (the session is ended; the "finished" page). A "page" is one
 * of the form submissions (consent, each questionnaire page, the check, finishing); its latency is
 * the POST and the redirects the browser follows, which is what the person waits for. The GETs in
 * between are not timed as pages but take the server's time, so they are in the throughput.
 *
 * In the same run:
 *
 * 1. One at a time (--one-at-a-time N journeys on the first process, nothing else running): the
 *    server's CPU per request, process.cpuUsage() from the request's arrival to its last byte, by
 *    route (median and p95), and every SQL statement the process sent (begin and commit included)
 *    per participant.
 * 2. HTTP, one process: --participants journeys, --concurrency at a time.
 * 3. With --processes N (N > 1): the same with N processes on the same database, each request of a
 *    participant sent to the next process in turn (so sessions, flashes and attempt limits must be
 *    shared through the database), and its speed-up over one process.
 * 4. Direct. The same rows written through `pg` with no server, statement for statement what
 *    app/participants/enrolment.server.ts, answers.server.ts and session.server.ts do, with the
 *    consent and answer values the HTTP run stored; same participants, concurrency and pool.
 *
 * Prints pages per second and p50/p95/p99 latency of each, and the ratio HTTP (one process) / direct.
 * Needs the build (`npm run build`, or `npm start` once).
 */
import { fork, type ChildProcess } from "node:child_process";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { secretsFrom } from "../app/security/secrets.server";
import { generateParticipantCode, hashParticipantCode, normaliseParticipantCode, sealCode } from "../app/participants/code";
import { CHECK_PAGE, pagesOf } from "../app/participants/journey.server";
import { findParticipantStudy, momentIfOptedIn, questionnaireUse, today } from "../app/participants/study.server";
import { consentFormTokenHash, sessionTokenForConsent } from "../app/participants/session.server";
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

type ToServer = { type: "measure" } | { type: "report" } | { type: "cpu" } | { type: "stop" };
interface Report {
  type: "report";
  statements: number;
  /** CPU milliseconds (user + system) per request, by route. */
  cpu: Record<string, number[]>;
}

/** The journey's routes, named for the report (anything else is "other"). */
function routeOf(method: string, url: string): string {
  const path = url.split("?")[0]!;
  const page = /^\/s\/[^/]+(?:\/(.*))?$/.exec(path)?.[1] ?? "";
  let name: string;
  if (page === "") name = url.includes("lang=") ? "language chosen" : "language";
  else if (/^q\/[^/]+\/[^/]+\/check-answers$/.test(page)) name = "check answers";
  else if (/^q\/[^/]+\/[^/]+\/[^/]+$/.test(page)) name = "questionnaire";
  else if (["information", "consent", "code", "next", "stop", "finished"].includes(page)) name = page;
  else name = "other";
  return `${method} ${name}`;
}

async function serve() {
  // Every statement any pool client sends, counted where pg sends it.
  let statements = 0;
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    statements++;
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;

  const { startServer } = await import("./server");
  const handle = await openDatabase({ url: process.env.BENCH_DATABASE_URL! });
  const running = await startServer({ database: handle, secrets: secretsFrom(MASTER_SECRET), port: 0 });
  let cpu: Record<string, number[]> | undefined;
  // Before Express sees the request, until its last byte is handed to the socket: routing, the
  // loader or action, rendering, compression and the collector's own work all count.
  running.server.prependListener("request", (req: IncomingMessage, res: ServerResponse) => {
    if (!cpu) return;
    const started = process.cpuUsage();
    const route = routeOf(req.method ?? "GET", req.url ?? "/");
    res.once("finish", () => {
      const used = process.cpuUsage(started);
      (cpu![route] ??= []).push((used.user + used.system) / 1000);
    });
  });
  // BENCH_CPU_PROFILE=file.cpuprofile: a V8 profile of the one-at-a-time requests, for Chrome's DevTools.
  const profileTo = process.env.BENCH_CPU_PROFILE;
  const inspector = profileTo ? new (await import("node:inspector/promises")).Session() : undefined;
  process.on("message", async (message: ToServer) => {
    if (message.type === "measure") {
      statements = 0;
      cpu = {};
      if (inspector) {
        inspector.connect();
        await inspector.post("Profiler.enable");
        await inspector.post("Profiler.start");
      }
      process.send!({ type: "measuring" });
    } else if (message.type === "report") {
      if (inspector) {
        const { profile } = await inspector.post("Profiler.stop");
        (await import("node:fs")).writeFileSync(profileTo!, JSON.stringify(profile));
        inspector.disconnect();
      }
      process.send!({ type: "report", statements, cpu: cpu ?? {} } satisfies Report);
      cpu = undefined;
    } else if (message.type === "cpu") {
      const used = process.cpuUsage();
      process.send!({ type: "cpu", ms: (used.user + used.system) / 1000 });
    } else void running.close().then(() => process.exit(0));
  });
  process.send!({ type: "listening", url: running.url });
}

/**
 * The mode the build allows: `npm start` builds for production, but the build the test suite makes
 * (under NODE_ENV=test) uses React's development JSX runtime and cannot run in production mode.
 */
function buildMode(): "production" | "development" {
  return readFileSync("build/index.js", "utf8").includes('"react/jsx-dev-runtime"') ? "development" : "production";
}

interface ServerProcess {
  url: string;
  child: ChildProcess;
}

function startServerProcess(databaseUrl: string, mode: "production" | "development"): Promise<ServerProcess> {
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

function ask<T>(server: ServerProcess, message: ToServer): Promise<T> {
  return new Promise((resolve) => {
    server.child.once("message", (answer) => resolve(answer as T));
    server.child.send(message);
  });
}

function stopServerProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.send({ type: "stop" } satisfies ToServer);
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
  /** CPU seconds the server processes and this process (the simulated browsers) used during the run. */
  serverCpu?: number;
  clientCpu?: number;
}

function rate(run: Run) {
  return run.latencies.length / run.seconds;
}

function table(head: string[], rows: string[][]) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [head, ...rows])
    console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  "));
}

function report(runs: Run[], participants: number) {
  table(
    ["", "pages", "seconds", "pages/s", "participants/s", "p50 ms", "p95 ms", "p99 ms"],
    runs.map((run) => {
      const sorted = [...run.latencies].sort((a, b) => a - b);
      return [
        run.label,
        String(run.latencies.length),
        run.seconds.toFixed(1),
        rate(run).toFixed(1),
        (participants / run.seconds).toFixed(1),
        ...[50, 95, 99].map((p) => percentile(sorted, p).toFixed(1)),
      ];
    }),
  );
}

function cpuReport(cpu: Record<string, number[]>) {
  const order = [
    "language",
    "language chosen",
    "information",
    "consent",
    "code",
    "questionnaire",
    "check answers",
    "next",
    "stop",
    "finished",
    "other",
  ];
  const routes = Object.keys(cpu).sort(
    (a, b) => order.indexOf(a.slice(a.indexOf(" ") + 1)) - order.indexOf(b.slice(b.indexOf(" ") + 1)) || a.localeCompare(b),
  );
  table(
    ["route", "requests", "median CPU ms", "p95 CPU ms"],
    routes.map((route) => {
      const sorted = [...cpu[route]!].sort((a, b) => a - b);
      return [route, String(sorted.length), percentile(sorted, 50).toFixed(2), percentile(sorted, 95).toFixed(2)];
    }),
  );
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

type Page = Awaited<ReturnType<ParticipantClient["get"]>>;

/** One browser's cookies, its requests sent to each server process in turn (one process: always it). */
function browserOn(bases: string[]) {
  const clients = bases.map((base) => new ParticipantClient(base));
  for (const client of clients) client.cookies = clients[0]!.cookies;
  let turn = 0;
  const next = () => clients[turn++ % clients.length]!;
  return {
    get: (path: string) => next().get(path),
    post: (path: string, form: Record<string, string | string[]>) => next().post(path, form),
  };
}

const pathOf = (page: Page) => new URL(page.url).pathname;

async function participantOverHttp(bases: string[], firstPage: string, latencies: number[]) {
  const browser = browserOn(bases);
  const timed = async (path: string, form: Record<string, string>) => {
    const started = performance.now();
    const landed = await browser.post(path, form);
    latencies.push(performance.now() - started);
    return landed;
  };
  await browser.get("/s/demo");
  const information = await browser.get("/s/demo?lang=en");
  if (pathOf(information) !== "/s/demo/information") throw new Error(`choosing English landed on ${information.url}`);
  const consent = await browser.get("/s/demo/consent");
  const code = await timed("/s/demo/consent", consentForm(hiddenValue(consent.html, "_token"), { quotes: true }));
  if (pathOf(code) !== "/s/demo/code") throw new Error(`consent was not recorded: landed on ${code.url} (${code.status})`);
  let page = await browser.get(firstPage);
  const questionnaire = firstPage.slice(0, firstPage.lastIndexOf("/") + 1);
  const check = `${questionnaire}${CHECK_PAGE}`;
  while (pathOf(page).startsWith(questionnaire) && pathOf(page) !== check) {
    const path = pathOf(page);
    if (page.status !== 200) throw new Error(`${path}: status ${page.status}`);
    const following = await timed(path, answersFor(page.html));
    if (pathOf(following) === path) throw new Error(`${path} was not saved (status ${following.status})`);
    page = following;
  }
  if (pathOf(page) !== check) throw new Error(`the questionnaire ended on ${page.url}, not its check`);
  const after = await timed(check, { _intent: "save" });
  if (after.status !== 200 || pathOf(after) === check) throw new Error(`the check was not confirmed (${after.url}, ${after.status})`);
  const finished = await timed("/s/demo/stop", { _intent: "finish" });
  if (pathOf(finished) !== "/s/demo/finished") throw new Error(`finishing landed on ${finished.url}`);
}

// ---- The same writes through pg. ----

interface Fixture {
  studyId: string;
  enrolledAt: Date | null;
  consent: { versionId: string; statements: string; audioRecording: boolean; quotes: boolean };
  questionnaire: { versionId: string; pages: { id: string; itemIds: string[]; values: [string, string][] }[] };
}

async function timed<T>(latencies: number[], work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  latencies.push(performance.now() - started);
  return result;
}

const idHash = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

/**
 * The statements the app sends for one participant's writes, each as the app writes it: the
 * enrolment and its session in one statement, then the session sweep (enrolment.server.ts,
 * session.server.ts); each page in one statement (answers.server.ts, savePageAtOnce); the check
 * (confirmAnswers); finishing (endParticipantSession).
 */
async function participantDirect(pool: pg.Pool, fixture: Fixture, latencies: number[]) {
  const secrets = secretsFrom(MASTER_SECRET);
  const formToken = randomBytes(32).toString("base64url");
  const sessionToken = sessionTokenForConsent(formToken, secrets.participantFormKey);
  const day = today();
  const participantId = randomUUID();
  const code = generateParticipantCode();
  const canonical = normaliseParticipantCode(code);
  if (!canonical.ok) throw new Error("generated an invalid code");
  const { consent } = fixture;
  await timed(latencies, async () => {
    const enrolled = await pool.query<{ created: boolean }>(
      `with claim as (
         insert into form_submission (token_hash, participant_id) values ($1, $2) on conflict (token_hash) do nothing returning token_hash),
       p as (
         insert into participant (id, study_id, code_hash, language, source, enrolled_on, enrolled_at, cohort_id, withdrawn_on, withdrawal_mode)
         select $2::uuid, $3, $4, 'en', 'online', $5::date, $6::timestamptz, null, null, null from claim returning id),
       c as (
         insert into consent_record (participant_id, instrument_version_id, statements, audio_recording, quotes, method, recorded_by, recorded_on, updated_on)
         select p.id, $7, $8::jsonb, $9, $10, 'online', null, $5::date, $5::date from p),
       s as (
         insert into participant_session (id_hash, participant_id, sealed_code, expires_at)
         select $11, p.id, $12, $13 from p on conflict (id_hash) do nothing)
       select exists (select 1 from p) as created`,
      [
        consentFormTokenHash(formToken),
        participantId,
        fixture.studyId,
        hashParticipantCode(canonical.code, secrets.codeHashKey),
        day,
        fixture.enrolledAt,
        consent.versionId,
        consent.statements,
        consent.audioRecording,
        consent.quotes,
        idHash(sessionToken),
        sealCode(code, sessionToken, fixture.studyId),
        new Date(Date.now() + 12 * 3600_000),
      ],
    );
    if (!enrolled.rows[0]!.created) throw new Error("submission token already used");
    await pool.query(
      `with sessions as (
         delete from participant_session where id_hash in (
           select id_hash from participant_session where expires_at < now()
             and exists (select 1 from participant_session ended where ended.expires_at < now() - make_interval(mins => 15))
           for update skip locked)),
       claims as (
         delete from form_submission where token_hash in (
           select token_hash from form_submission where claimed_at < now() - make_interval(hours => 24) for update skip locked))
       delete from attempt_counter where window_started_at <= now() - make_interval(mins => 15)`,
    );
  });
  const { versionId, pages } = fixture.questionnaire;
  const every = pages.map((p) => p.id);
  for (const page of pages) {
    const cleared = page.itemIds.filter((id) => !page.values.some(([given]) => given === id));
    // Parameters as the app's statement numbers them: $1–$7 the response, then cleared items, then answers.
    const params: unknown[] = [participantId, fixture.studyId, versionId, TIMEPOINT, "en", day, page.id, every];
    const clearing =
      cleared.length > 0
        ? `, cleared as (delete from answer using r where answer.response_id = r.id and answer.item_id in (${cleared.map((id) => `$${params.push(id)}`).join(", ")}))`
        : "";
    const writing =
      page.values.length > 0
        ? `, given as (insert into answer (response_id, item_id, value, answered_on)
             select r.id, g.item_id, g.value, $6::date from r,
               (values ${page.values.map(([id, value]) => `($${params.push(id)}::text, $${params.push(value)}::jsonb)`).join(", ")}) as g(item_id, value)
             on conflict (response_id, item_id) do update set value = excluded.value, answered_on = excluded.answered_on)`
        : "";
    const saved = await timed(latencies, () =>
      pool.query<{ withdrawn: boolean; sections_done: string[] | null }>(
        `with p as (select id, withdrawn_on from participant where id = $1 for update),
         r as (
           insert into response (participant_id, study_id, instrument_version_id, timepoint, language, mode, interpreter, entered_by, started_on, completed_on, sections_done)
           select p.id, $2, $3, $4, $5, 'self', null, null, $6::date, case when $8::text[] <@ array[$7::text] then $6::date end, array[$7::text]
           from p where p.withdrawn_on is null
           on conflict (participant_id, instrument_version_id, timepoint) do update set
             sections_done = case when $7::text = any(response.sections_done) then response.sections_done else array_append(response.sections_done, $7::text) end,
             completed_on = coalesce(response.completed_on, case when $8::text[] <@ array_append(response.sections_done, $7::text) then $6::date end)
           returning id, sections_done)${clearing}${writing}
         select p.withdrawn_on is not null as withdrawn, r.sections_done from p left join r on true`,
        params,
      ),
    );
    if (saved.rows[0]?.withdrawn !== false) throw new Error("participant missing or withdrawn");
  }
  // "Check your answers" confirmed (answers.server.ts, confirmAnswers).
  await timed(latencies, () =>
    pool.query(
      `with p as (select id, withdrawn_on from participant where id = $1 for update),
       r as (
         insert into response (participant_id, study_id, instrument_version_id, timepoint, language, mode, interpreter, entered_by, started_on, completed_on, sections_done)
         select p.id, $2, $3, $4, 'en', 'self', null, null, $5::date, null, array[$6::text] from p where p.withdrawn_on is null
         on conflict (participant_id, instrument_version_id, timepoint) do update set
           sections_done = case when $6::text = any(response.sections_done) then response.sections_done else array_append(response.sections_done, $6::text) end
         returning id)
       select p.withdrawn_on is not null as withdrawn from p`,
      [participantId, fixture.studyId, versionId, TIMEPOINT, day, CHECK_PAGE],
    ),
  );
  // Finishing on this device ends the session (session.server.ts, endParticipantSession).
  await timed(latencies, () => pool.query("delete from participant_session where id_hash = $1", [idHash(sessionToken)]));
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

async function httpRun(label: string, servers: ServerProcess[], firstPage: string, participants: number, concurrency: number) {
  const run: Run = { label, latencies: [], seconds: 0 };
  const bases = servers.map((s) => s.url);
  const serverCpu = async () =>
    (await Promise.all(servers.map((s) => ask<{ ms: number }>(s, { type: "cpu" })))).reduce((a, b) => a + b.ms, 0);
  const serverBefore = await serverCpu();
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  await inParallel(participants, concurrency, () => participantOverHttp(bases, firstPage, run.latencies));
  run.seconds = (performance.now() - started) / 1000;
  const client = process.cpuUsage(clientBefore);
  run.clientCpu = (client.user + client.system) / 1e6;
  run.serverCpu = ((await serverCpu()) - serverBefore) / 1000;
  return run;
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
  const processes = setting("--processes", "BENCH_PROCESSES", 1);
  const oneAtATime = setting("--one-at-a-time", "BENCH_ONE_AT_A_TIME", 30);
  if (!existsSync("build/index.js") || !existsSync("public/build")) {
    console.error("The app is not built: run `npm run build` first.");
    process.exit(2);
  }

  const name = `tandem_bench_${randomBytes(5).toString("hex")}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const servers: ServerProcess[] = [];
  const cleanUp = async () => {
    await Promise.all(servers.map((s) => stopServerProcess(s.child)));
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
    for (let i = 0; i < processes; i++) servers.push(await startServerProcess(databaseUrl, mode));
    const firstPage = `/s/demo/q/${INSTRUMENT}/${TIMEPOINT}/${pageIds[0]}`;
    // A few participants first on each process, not counted: module loading, caches and JIT are not what is measured.
    for (const server of servers) await inParallel(WARM_UP, WARM_UP, () => participantOverHttp([server.url], firstPage, []));

    // One at a time on the first process: its CPU per request, and the statements it sends.
    await ask(servers[0]!, { type: "measure" });
    await inParallel(oneAtATime, 1, () => participantOverHttp([servers[0]!.url], firstPage, []));
    const measured = await ask<Report>(servers[0]!, { type: "report" });

    const runs = [await httpRun("HTTP, 1 process", servers.slice(0, 1), firstPage, participants, concurrency)];
    if (processes > 1) runs.push(await httpRun(`HTTP, ${processes} processes`, servers, firstPage, participants, concurrency));
    await Promise.all(servers.map((s) => stopServerProcess(s.child)));

    const fixture = await fixtureFrom(databaseUrl);
    const direct: Run = { label: "direct pg (same writes)", latencies: [], seconds: 0 };
    const pool = new pg.Pool({ connectionString: databaseUrl, max: POOL_SIZE });
    pool.on("error", (error) => console.error(`database: idle connection lost (${error.message})`));
    try {
      await inParallel(WARM_UP, WARM_UP, () => participantDirect(pool, fixture, []));
      const started = performance.now();
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
      `PostgreSQL ${version} at ${url.host}, throwaway database ${name}; pool ${POOL_SIZE} connections per process; ` +
        `server in ${processes === 1 ? "a child process" : `${processes} child processes`}, NODE_ENV=${mode}; ` +
        `${(await import("node:os")).availableParallelism()} CPU cores for everything (server, PostgreSQL, the simulated browsers).`,
    );
    if (mode === "development") {
      console.log(
        "(build/ is a development build, as the test suite makes it: React renders in development mode and catalogues are re-read",
      );
      console.log(" on every request, so HTTP is slower than in production; `npm run build` makes a production build.)");
    }
    console.log(
      `Journey: language, information, consent, ${INSTRUMENT}/${TIMEPOINT} (${pageIds.join(", ")}), check your answers, finish. ` +
        `A page is one form sent: ${pageIds.length + 3} per participant.`,
    );
    console.log(`Stored at the end: ${counts.rows[0].participants} participants, ${counts.rows[0].answers} answers.\n`);

    console.log(`Server CPU per request, ${oneAtATime} participants one at a time on one process (process.cpuUsage()):`);
    cpuReport(measured.cpu);
    console.log(
      `\nSQL statements per participant, whole journey: ${(measured.statements / oneAtATime).toFixed(1)} ` +
        `(every statement the server sent, begin and commit included)\n`,
    );

    console.log(`${participants} participants, ${concurrency} at a time (plus ${WARM_UP} uncounted warm-up each):`);
    report([...runs, direct], participants);
    console.log(
      `\nratio HTTP (1 process) / direct: ${(rate(runs[0]!) / rate(direct)).toFixed(2)} ` +
        "(pages per second; the share of the database's write throughput the full stack keeps)",
    );
    if (runs[1]) console.log(`${processes} processes / 1 process: ${(rate(runs[1]) / rate(runs[0]!)).toFixed(2)}×`);
    // Where the machine's time went: what is left of cores × seconds is PostgreSQL and anything else running.
    const cores = (await import("node:os")).availableParallelism();
    const load = (await import("node:os")).loadavg()[0]!.toFixed(1);
    console.log(`\nCPU during the HTTP runs (${cores} cores; load average ${load} at the end):`);
    for (const run of runs) {
      const available = cores * run.seconds;
      console.log(
        `  ${run.label}: server ${run.serverCpu!.toFixed(1)} s, simulated browsers ${run.clientCpu!.toFixed(1)} s, ` +
          `of ${available.toFixed(1)} core-seconds; server CPU per participant ${((1000 * run.serverCpu!) / participants).toFixed(1)} ms`,
      );
    }
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
