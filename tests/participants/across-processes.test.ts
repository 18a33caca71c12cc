/**
 * Two app processes on one PostgreSQL (issue 15, targets 2 and 5, and its "Keep" rules; ADR 073).
 * Each process keeps published studies in memory; nothing about a participant is kept. So:
 * - a change to a study made elsewhere is seen by both processes within a second;
 * - a withdrawal or a changed consent choice made through one process is honoured by the very next
 *   request to the other, with no waiting;
 * - a session opened through one process works on the other (sessions are in the database).
 * PostgreSQL only: the embedded database belongs to one process.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_SECRET } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { consentForm, hiddenValue, ParticipantClient } from "../support/participant-http";

const onPostgres = Boolean(process.env.DATABASE_URL);
if (!onPostgres) console.warn("across-processes: skipped, it needs DATABASE_URL (PostgreSQL shared by two processes)");

const QUESTIONNAIRE = "/s/demo/q/peer-support-wellbeing/pre";

let database: TestDatabase;
const servers: { child: ChildProcess; url: string }[] = [];

function startServerProcess(url: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/support/server-process.ts"], {
    env: { ...process.env, DATABASE_URL: url, TANDEM_SECRET: TEST_SECRET, NODE_ENV: "test" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /listening (\S+)/.exec(output);
      if (listening) resolve({ child, url: listening[1]! });
    });
    child.once("exit", (code) => reject(new Error(`server process exited (${code}) before listening: ${output}`)));
  });
}

/** One browser (one set of cookies) whose requests go to the server it is told. */
function browser() {
  const on = servers.map((s) => new ParticipantClient(s.url));
  for (const client of on) client.cookies = on[0]!.cookies;
  return (process: 0 | 1) => on[process]!;
}

async function consented(via: ReturnType<typeof browser>) {
  await via(0).get("/s/demo?lang=en");
  const consent = await via(0).get("/s/demo/consent");
  const code = await via(0).post("/s/demo/consent", consentForm(hiddenValue(consent.html, "_token"), { quotes: true }));
  expect(new URL(code.url).pathname).toBe("/s/demo/code");
}

describe.skipIf(!onPostgres)("two app processes on one PostgreSQL", () => {
  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    // One after the other: the first prepares the database (migrations, instruments, demo), the
    // second finds it prepared.
    servers.push(await startServerProcess(database.url!));
    servers.push(await startServerProcess(database.url!));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.child.exitCode !== null) return resolve();
            s.child.once("exit", () => resolve());
            s.child.kill("SIGTERM");
          }),
      ),
    );
    await database?.destroy();
  });

  it("a session opened through one process carries on through the other", async () => {
    const via = browser();
    await consented(via);
    const page = await via(1).get(`${QUESTIONNAIRE}/who5_section`);
    expect(page.status).toBe(200);
    expect(new URL(page.url).pathname).toBe(`${QUESTIONNAIRE}/who5_section`);
  });

  it("a change to a published study is seen by both processes within a second", async () => {
    const contact = (text: string) =>
      sql`update study set settings = jsonb_set(settings, '{contact,en}', to_jsonb(${text}::text)) where slug = 'demo'`;
    const via = browser();
    await via(0).get("/s/demo?lang=en");
    // Both processes have the study in memory, as it is now.
    for (const server of [0, 1] as const) expect((await via(server).get("/s/demo/information")).html).toContain("Demo research team");
    // Changed from outside both (as the command line or a third process would).
    // Letters only: digits in a contact line become a telephone link.
    const line = `Changed contact line ${Date.now().toString(36).replace(/[0-9]/g, "q")}`;
    await contact(line).execute(database.db);
    const changedAt = Date.now();
    for (const server of [0, 1] as const) {
      let seen = false;
      while (!seen && Date.now() - changedAt < 3_000) {
        seen = (await via(server).get("/s/demo/information")).html.includes(line);
        if (!seen) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(seen).toBe(true);
      // Within a second of the change, however the requests fell.
      expect(Date.now() - changedAt).toBeLessThan(1_000 + 250);
    }
  });

  it("a withdrawal through one process is honoured by the next request to the other", async () => {
    const via = browser();
    await consented(via);
    const first = await via(0).get(`${QUESTIONNAIRE}/who5_section`);
    const saved = await via(0).post(`${QUESTIONNAIRE}/who5_section`, { _intent: "save", who5_1: "4", who5_2: "3" });
    expect(new URL(saved.url).pathname).toBe(`${QUESTIONNAIRE}/ons4_section`);
    expect(first.status).toBe(200);
    // The other process shows the answers (so it has everything it might keep).
    const before = await via(1).get(`${QUESTIONNAIRE}/who5_section`);
    expect(before.html).toMatch(/id="f-who5_1-4"[^>]*checked=""/);
    // Withdraw, erasing the answers, through the first process.
    const confirm = await via(0).post("/s/demo/withdraw", { mode: "erase" });
    expect(new URL(confirm.url).search).toBe("?mode=erase");
    const done = await via(0).post("/s/demo/withdraw", { mode: "erase", _intent: "confirm" });
    expect(new URL(done.url).pathname).toBe("/s/demo/withdrawn");
    // The very next request to the other process: no answers, no questions, no saving.
    const after = await via(1).get(`${QUESTIONNAIRE}/who5_section`);
    expect(new URL(after.url).pathname).not.toContain("/q/");
    expect(after.html).not.toMatch(/name="who5_1"/);
    const check = await via(1).get(`${QUESTIONNAIRE}/check-answers`);
    expect(new URL(check.url).pathname).not.toContain("/q/");
    const sent = await via(1).post(`${QUESTIONNAIRE}/ons4_section`, { _intent: "save", ons_life_satisfaction: "5" });
    expect(new URL(sent.url).pathname).not.toContain("/q/");
    const answers = await database.db.selectFrom("answer").select("item_id").where("item_id", "=", "ons_life_satisfaction").execute();
    expect(answers).toEqual([]);
  });

  it("a consent choice changed through one process is the choice the other shows next", async () => {
    const via = browser();
    await consented(via);
    const quotesYes = /id="f-quotes"[^>]*checked=""/;
    expect((await via(1).get("/s/demo/consent-choices")).html).toMatch(quotesYes);
    const changed = await via(0).post("/s/demo/consent-choices", { audio_recording: "no", quotes: "no" });
    expect(changed.status).toBe(200);
    const shown = await via(1).get("/s/demo/consent-choices");
    expect(shown.html).not.toMatch(quotesYes);
    expect(shown.html).toMatch(/id="f-quotes-no"[^>]*checked=""/);
  });
});
