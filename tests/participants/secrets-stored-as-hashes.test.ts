/**
 * Issue 11, item 2: a copy of the database alone must never be enough to act as a participant or to
 * learn their code (docs/decisions/056-participant-tokens-stored-as-hashes.md), and the wrong-code
 * limit never keeps a real code out (docs/decisions/057-attempt-limits.md). Over HTTP, against the
 * real built app, on both databases.
 */
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateParticipantCode, normaliseParticipantCode, unsealCode } from "../../app/participants/code";
import { UNKNOWN_CODE_LIMIT } from "../../app/participants/rate-limit.server";
import { startTestApp, type TestApp } from "../support/app";
import { codeOnPage, consentForm, hiddenValue, ParticipantClient } from "../support/participant-http";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

async function consented() {
  const client = new ParticipantClient(app.url);
  await client.get("/s/demo?lang=en");
  const consent = await client.get("/s/demo/consent");
  const formToken = hiddenValue(consent.html, "_token");
  const done = await client.post("/s/demo/consent", consentForm(formToken, { quotes: true }));
  expect(new URL(done.url).pathname).toBe("/s/demo/code");
  return { client, formToken, code: codeOnPage(done.html), cookie: client.cookies.get("tandem_p")! };
}

/** Every value of every row of every table, as a pg_dump would hold them. */
async function dumpDatabase(): Promise<string> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(app.db);
  const parts: string[] = [];
  for (const { table_name } of tables.rows) {
    const rows = await sql<{ row: string }>`select row_to_json(t)::text as row from ${sql.table(table_name)} t`.execute(app.db);
    parts.push(...rows.rows.map((r) => `${table_name}: ${r.row}`));
  }
  return parts.join("\n");
}

function showsSession(html: string, code: string) {
  return html.includes(code);
}

describe("a copy of the database", () => {
  it("holds no value that gives a participant's code or a working session cookie", async () => {
    const people = [await consented(), await consented(), await consented()];
    for (const person of people) {
      // The session works and shows the code on "Take a break" in this browser.
      const pause = await person.client.get("/s/demo/break");
      expect(showsSession(pause.html, person.code)).toBe(true);
    }
    const dump = await dumpDatabase();
    for (const person of people) {
      const canonical = (normaliseParticipantCode(person.code) as { code: string }).code;
      expect(dump).not.toContain(person.cookie);
      expect(dump).not.toContain(person.formToken);
      expect(dump).not.toContain(person.code);
      expect(dump).not.toContain(canonical);
    }
    // Try every stored value that could pass for a cookie, as an attacker with the dump would.
    const candidates = new Set(dump.match(/[A-Za-z0-9_.-]{20,200}/g) ?? []);
    expect(candidates.size).toBeGreaterThan(10);
    const sealed = await app.db.selectFrom("participant_session").select("sealed_code").execute();
    const studyId = (await app.db.selectFrom("study").select("id").where("slug", "=", "demo").executeTakeFirstOrThrow()).id;
    for (const candidate of candidates) {
      for (const row of sealed) if (row.sealed_code) expect(unsealCode(row.sealed_code, candidate, studyId)).toBeNull();
    }
    const tries = [...candidates].filter((c) => /^[A-Za-z0-9_-]{43}$/.test(c));
    for (const candidate of tries) {
      const attacker = new ParticipantClient(app.url);
      await attacker.get("/s/demo?lang=en");
      attacker.cookies.set("tandem_p", candidate);
      const page = await attacker.get("/s/demo/break");
      for (const person of people) expect(showsSession(page.html, person.code)).toBe(false);
    }
  });

  it("the consent form's token is not the cookie, and its claim is kept only as a hash", async () => {
    const person = await consented();
    expect(person.cookie).not.toBe(person.formToken);
    const claims = await app.db.selectFrom("form_submission").select("token_hash").execute();
    expect(claims.every((c) => /^[0-9a-f]{64}$/.test(c.token_hash))).toBe(true);
  });
});

describe("only tokens the server issued become sessions", () => {
  it("a made-up form token enrols nobody and sets no cookie", async () => {
    const before = await app.db
      .selectFrom("participant")
      .select(sql<number>`count(*)::int`.as("n"))
      .executeTakeFirstOrThrow();
    const client = new ParticipantClient(app.url);
    await client.get("/s/demo?lang=en");
    await client.get("/s/demo/consent");
    for (const forged of [randomBytes(32).toString("base64url"), "A".repeat(30) + "." + "B".repeat(22)]) {
      const result = await client.post("/s/demo/consent", consentForm(forged));
      expect(new URL(result.url).pathname).toBe("/s/demo/consent");
      expect(client.cookies.has("tandem_p")).toBe(false);
    }
    const after = await app.db
      .selectFrom("participant")
      .select(sql<number>`count(*)::int`.as("n"))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it("a made-up session cookie is no session", async () => {
    const client = new ParticipantClient(app.url);
    await client.get("/s/demo?lang=en");
    client.cookies.set("tandem_p", randomBytes(32).toString("base64url"));
    const page = await client.get("/s/demo/break");
    expect(page.html).not.toMatch(/class="code">[0-9A-Z-]{19}</);
  });

  it("submitting the same consent form twice makes one participant, and both answers carry the same working session", async () => {
    const before = await app.db
      .selectFrom("participant")
      .select(sql<number>`count(*)::int`.as("n"))
      .executeTakeFirstOrThrow();
    const first = new ParticipantClient(app.url);
    await first.get("/s/demo?lang=en");
    const token = hiddenValue((await first.get("/s/demo/consent")).html, "_token");
    const second = new ParticipantClient(app.url);
    second.cookies.set("tandem_lang", first.cookies.get("tandem_lang")!);
    const [a, b] = await Promise.all([
      first.post("/s/demo/consent", consentForm(token)),
      second.post("/s/demo/consent", consentForm(token)),
    ]);
    expect(new URL(a.url).pathname).toBe("/s/demo/code");
    expect(new URL(b.url).pathname).toBe("/s/demo/code");
    expect(second.cookies.get("tandem_p")).toBe(first.cookies.get("tandem_p"));
    const after = await app.db
      .selectFrom("participant")
      .select(sql<number>`count(*)::int`.as("n"))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n + 1);
  });
});

describe("coming back with a code from a shared network", () => {
  it("after many unknown codes from one address, guessing is refused but a real code still gets in", async () => {
    const person = await consented();
    const guesser = new ParticipantClient(app.url);
    await guesser.get("/s/demo?lang=en");
    let last = "";
    for (let i = 0; i <= UNKNOWN_CODE_LIMIT; i++) {
      last = (await guesser.post("/s/demo/resume", { code: generateParticipantCode(), _to: "next" })).html;
    }
    expect(last).toContain("Too many tries");
    // The person whose code it is, in the same room (the test server sees one address).
    const returning = new ParticipantClient(app.url);
    await returning.get("/s/demo?lang=en");
    const back = await returning.post("/s/demo/resume", { code: person.code, _to: "next" });
    expect(back.html).not.toContain("Too many tries");
    expect(returning.cookies.has("tandem_p")).toBe(true);
    const pause = await returning.get("/s/demo/break");
    expect(pause.html).toContain(person.code);
    await app.db.deleteFrom("attempt_counter").execute();
  });
});
