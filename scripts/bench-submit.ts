/**
 * `npm run bench:submit`: many simulated participants consent and answer a questionnaire over HTTP
 * against the server (in this process, listening on 127.0.0.1) on PostgreSQL, with bounded
 * concurrency; then the same database writes done directly through `pg`, in the same run. Prints
 * answer-pages per second and p50/p95/p99 latency for both, and the ratio.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:submit -- [--participants 200] [--concurrency 16]
 *
 * A throwaway database is created on that server and dropped afterwards.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { openDatabase } from "../db/index";
import { secretsFrom } from "../app/security/secrets.server";
import { hashParticipantCode } from "../app/participants/code";
import { generateParticipantCode, normaliseParticipantCode } from "../app/participants/code";
import { bootstrap } from "./bootstrap";
import { startServer } from "./server";
import { ParticipantClient, consentForm, hiddenValue } from "../tests/support/participant-http";

const argValue = (flag: string, fallback: number) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const PARTICIPANTS = argValue("--participants", 200);
const CONCURRENCY = argValue("--concurrency", 16);
const SERVER_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const QUESTIONNAIRE = "/s/demo/q/peer-support-wellbeing/pre/";

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function pool<T>(count: number, concurrency: number, work: (i: number) => Promise<T>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summary(label: string, latencies: number[], seconds: number) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const rate = latencies.length / seconds;
  console.log(
    `${label.padEnd(34)} ${String(latencies.length).padStart(6)} pages  ${rate.toFixed(1).padStart(8)} pages/s  ` +
      `p50 ${percentile(sorted, 50).toFixed(1)} ms  p95 ${percentile(sorted, 95).toFixed(1)} ms  p99 ${percentile(sorted, 99).toFixed(1)} ms`,
  );
  return rate;
}

/** Every question on a page answered: the first choice of each radio group, some words in each text box. */
function answersFor(html: string): Record<string, string> {
  const form: Record<string, string> = { _intent: "save" };
  for (const [, name, value] of html.matchAll(/type="radio"[^>]*name="([a-z0-9_]+)" value="([^"]+)"/g)) form[name!] ??= value!;
  for (const [, name] of html.matchAll(/<textarea[^>]*name="([a-z0-9_]+)"/g)) form[name!] = "Bench answer text";
  for (const [, name] of html.matchAll(/<input[^>]*name="([a-z0-9_]+)"[^>]*type="text"/g)) if (!name!.startsWith("_")) form[name!] = "1";
  return form;
}

async function main() {
  const name = `tandem_bench_${randomBytes(5).toString("hex")}`;
  await admin(`create database ${name}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString() });
  const secrets = secretsFrom("bench-secret-".padEnd(48, "x"));
  try {
    await bootstrap(handle, { demo: true, demoAdminPassword: "bench-only password 0123456789" });
    const server = await startServer({ database: { ...handle, close: async () => {} }, secrets, port: 0, log: () => {} });
    const http: number[] = [];
    let started = performance.now();
    try {
      await pool(PARTICIPANTS, CONCURRENCY, async () => {
        const c = new ParticipantClient(server.url);
        await c.get("/s/demo?lang=en");
        const consent = await c.get("/s/demo/consent");
        let t0 = performance.now();
        await c.post("/s/demo/consent", consentForm(hiddenValue(consent.html, "_token"), { quotes: true }));
        http.push(performance.now() - t0);
        let page = await c.get(`${QUESTIONNAIRE}who5_section`);
        while (page.url.includes(QUESTIONNAIRE)) {
          const form = answersFor(page.html);
          t0 = performance.now();
          const posted = await c.request(new URL(page.url).pathname, { form });
          http.push(performance.now() - t0);
          page = posted;
        }
      });
    } finally {
      await server.close();
    }
    const httpSeconds = (performance.now() - started) / 1000;

    // The same writes straight through pg: enrolment (participant, consent, submission token) and
    // one transaction per page (lock the participant, upsert the response, replace the answers).
    const study = await handle.db.selectFrom("study").select("id").where("slug", "=", "demo").executeTakeFirstOrThrow();
    const consentVersion = await handle.db.selectFrom("instrument_version").select("id").where("instrument_id", "=", "consent-form").executeTakeFirstOrThrow();
    const questionnaire = await handle.db.selectFrom("instrument_version").select("id").where("instrument_id", "=", "peer-support-wellbeing").executeTakeFirstOrThrow();
    const pages: { id: string; items: [string, unknown][] }[] = [
      { id: "who5_section", items: ["who5_1", "who5_2", "who5_3", "who5_4", "who5_5"].map((i) => [i, 0]) },
      { id: "ons4_section", items: ["ons_life_satisfaction", "ons_worthwhile", "ons_happy", "ons_anxious"].map((i) => [i, 0]) },
      { id: "loneliness_section", items: ["ucla_companionship", "ucla_left_out", "ucla_isolated", "ons_lonely"].map((i) => [i, 1]) },
    ];
    const direct: number[] = [];
    const pgPool = new pg.Pool({ connectionString: url.toString(), max: 10 });
    const today = new Date().toISOString().slice(0, 10);
    started = performance.now();
    try {
      await pool(PARTICIPANTS, CONCURRENCY, async () => {
        const code = (normaliseParticipantCode(generateParticipantCode()) as { code: string }).code;
        const participantId = randomUUID();
        const tx = async (work: (client: pg.PoolClient) => Promise<void>) => {
          const t0 = performance.now();
          const client = await pgPool.connect();
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
          direct.push(performance.now() - t0);
        };
        await tx(async (client) => {
          const token = randomBytes(32).toString("base64url");
          await client.query("insert into form_submission (token, participant_id, submitted_on) values ($1, null, $2) on conflict do nothing", [token, today]);
          await client.query("insert into participant (id, study_id, code_hash, language, source, enrolled_on) values ($1, $2, $3, 'en', 'online', $4)", [participantId, study.id, hashParticipantCode(code, secrets.codeHashKey), today]);
          await client.query(
            "insert into consent_record (participant_id, instrument_version_id, statements, audio_recording, quotes, method, recorded_on, updated_on) values ($1, $2, $3, false, true, 'online', $4, $4)",
            [participantId, consentVersion.id, JSON.stringify({ agree_to_take_part: true }), today],
          );
          await client.query("update form_submission set participant_id = $1 where token = $2", [participantId, token]);
        });
        for (const page of pages) {
          await tx(async (client) => {
            await client.query("select withdrawn_on from participant where id = $1 for update", [participantId]);
            await client.query(
              "insert into response (participant_id, study_id, instrument_version_id, timepoint, language, started_on) values ($1, $2, $3, 'pre', 'en', $4) on conflict do nothing",
              [participantId, study.id, questionnaire.id, today],
            );
            const { rows } = await client.query("select id from response where participant_id = $1 and instrument_version_id = $2 and timepoint = 'pre'", [participantId, questionnaire.id]);
            const responseId = rows[0].id;
            const values = page.items.flatMap(([item, value]) => [responseId, item, JSON.stringify(value), today]);
            const placeholders = page.items.map((_, i) => `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`).join(", ");
            await client.query(`insert into answer (response_id, item_id, value, answered_on) values ${placeholders} on conflict (response_id, item_id) do update set value = excluded.value`, values);
            await client.query("update response set sections_done = case when $2 = any(sections_done) then sections_done else array_append(sections_done, $2::text) end where id = $1", [responseId, page.id]);
          });
        }
      });
    } finally {
      await pgPool.end();
    }
    const directSeconds = (performance.now() - started) / 1000;
    console.log(`${PARTICIPANTS} participants, concurrency ${CONCURRENCY}, PostgreSQL at ${url.hostname}:${url.port || 5432}`);
    console.log("(a page = the consent page or one questionnaire page; HTTP latency is the POST and its redirect)");
    const httpRate = summary("HTTP (server, no JavaScript forms)", http, httpSeconds);
    const directRate = summary("direct pg (same writes)", direct, directSeconds);
    console.log(`ratio HTTP / direct: ${(httpRate / directRate).toFixed(2)} (the share of raw database throughput the full stack keeps)`);
  } finally {
    await handle.close();
    await admin(`drop database if exists ${name} with (force)`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
