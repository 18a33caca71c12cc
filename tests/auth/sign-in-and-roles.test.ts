import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseArgon2Hash } from "../../app/auth/password.server";
import { anonymousFormToken } from "../../app/auth/csrf.server";
import { SESSION_IDLE_MS, clearSessionCookie, hashToken, sessionCookie } from "../../app/auth/sessions.server";
import { addPerson } from "../../app/organisations/people.server";
import { signIn } from "../../app/auth/sign-in.server";
import { startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from "../support/app";
import { csrfFrom, makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";

let app: TestApp;
let demoOrgId: string;

beforeAll(async () => {
  app = await startTestApp();
  demoOrgId = (await app.db.selectFrom("organisation").select("id").where("slug", "=", "demo").executeTakeFirstOrThrow()).id;
});
afterAll(async () => app?.close());

const ADMIN = "admin@demo.tandem.test";

async function sessionRows(userEmail: string) {
  return app.db
    .selectFrom("user_session")
    .innerJoin("app_user", "app_user.id", "user_session.user_id")
    .select(["user_session.id_hash", "user_session.last_seen_at", "user_session.pending_totp"])
    .where("app_user.email", "=", userEmail)
    .execute();
}

describe("sign-in", () => {
  it("signs in with the right password, sets a HttpOnly SameSite=Lax cookie, and starts a new session id", async () => {
    const client = new WorkspaceClient(app.url);
    const page = await client.get("/research/sign-in");
    expect(page.status).toBe(200);
    client.cookies.set("tandem_session", "A".repeat(43)); // a fixed id an attacker planted
    const response = await client.post(
      "/research/sign-in",
      { email: "  Admin@Demo.Tandem.Test ", password: TEST_ADMIN_PASSWORD, next: "/research/demo" },
      { csrf: csrfFrom(await page.text()) },
    );
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/research/demo");
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("tandem_session="))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Max-Age/i);
    const token = client.cookies.get("tandem_session")!;
    expect(token).not.toBe("A".repeat(43));
    const rows = await sessionRows(ADMIN);
    expect(rows.map((r) => r.id_hash)).toContain(hashToken(token));
    // Only the hash is stored, never the cookie value.
    expect(rows.map((r) => r.id_hash)).not.toContain(token);
    expect((await client.get("/research/demo")).status).toBe(200);
  });

  it("gives the same answer for an unknown e-mail and a wrong password", async () => {
    const a = new WorkspaceClient(app.url);
    const b = new WorkspaceClient(app.url);
    const unknown = await a.signIn("nobody@nowhere.test", "whatever password 1");
    const wrong = await b.signIn(ADMIN, "wrong password entirely");
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const strip = (html: string) => html.replace(/name="csrf" value="[^"]*"/, "");
    expect(strip(await unknown.text())).toBe(strip(await wrong.text()));
    expect(a.cookies.has("tandem_session")).toBe(false);
    const failures = await app.db
      .selectFrom("audit_event")
      .select(["detail", "actor_user_id"])
      .where("action", "=", "sign_in_failed")
      .execute();
    expect(failures.length).toBeGreaterThanOrEqual(2);
    // The typed address is never written to the audit log.
    expect(JSON.stringify(failures)).not.toContain("nobody@nowhere.test");
  });

  it("refuses a sign-in POST without the form token", async () => {
    const client = new WorkspaceClient(app.url);
    await client.get("/research/sign-in");
    const response = await client.post("/research/sign-in", { email: ADMIN, password: TEST_ADMIN_PASSWORD });
    expect(response.status).toBe(403);
    expect(client.cookies.has("tandem_session")).toBe(false);
  });

  it("rate-limits an account after 5 failures from one address, in the database, even with the right password", async () => {
    const email = "limited@demo.tandem.test";
    await makeMember(app.db, { organisationId: demoOrgId, email, role: "researcher" });
    for (let i = 0; i < 5; i++) expect((await new WorkspaceClient(app.url).signIn(email, `wrong guess number ${i}`)).status).toBe(401);
    const blocked = await new WorkspaceClient(app.url).signIn(email, TEST_PASSWORD);
    expect(blocked.status).toBe(429);
    const rows = await app.db.selectFrom("attempt_counter").select("limit_key").execute();
    expect(rows.some((r) => r.limit_key.startsWith("pair:account:"))).toBe(true);
    // The window passes (moved back in the database, as another process would see it).
    await sql`update attempt_counter set window_started_at = now() - interval '16 minutes'`.execute(app.db);
    expect((await new WorkspaceClient(app.url).signIn(email, TEST_PASSWORD)).status).toBe(302);
    // Counters whose window ended are deleted, not kept: a keyed hash of an address lives 15 minutes at most.
    const stale = await app.db
      .selectFrom("attempt_counter")
      .select("limit_key")
      .where("window_started_at", "<", new Date(Date.now() - 15 * 60_000))
      .execute();
    expect(stale).toEqual([]);
  });

  it("counts a burst of wrong passwords one by one: of 20 sent at once, only 5 are checked", async () => {
    await app.db.deleteFrom("attempt_counter").execute();
    const email = "burst@demo.tandem.test";
    await makeMember(app.db, { organisationId: demoOrgId, email, role: "researcher" });
    const clients = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const client = new WorkspaceClient(app.url);
        await client.get("/research/sign-in");
        return client;
      }),
    );
    const statuses = await Promise.all(clients.map((client, i) => client.signIn(email, `burst guess ${i}`).then((r) => r.status)));
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    await app.db.deleteFrom("attempt_counter").execute();
  });

  it("rate-limits a client that guesses at many accounts", async () => {
    await app.db.deleteFrom("attempt_counter").execute();
    for (let i = 0; i < 50; i++) await new WorkspaceClient(app.url).signIn(`guess${i}@nowhere.test`, "not the password at all");
    expect((await new WorkspaceClient(app.url).signIn(ADMIN, TEST_ADMIN_PASSWORD)).status).toBe(429);
    await app.db.deleteFrom("attempt_counter").execute();
  });

  it("a browser that signed in before still gets in while its network is rate-limited", async () => {
    await app.db.deleteFrom("attempt_counter").execute();
    const known = new WorkspaceClient(app.url);
    expect((await known.signIn(ADMIN, TEST_ADMIN_PASSWORD)).status).toBe(302);
    expect(known.cookies.get("tandem_device")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Only the device cookie's hash is kept.
    const devices = await app.db.selectFrom("trusted_device").select("token_hash").execute();
    expect(JSON.stringify(devices)).not.toContain(known.cookies.get("tandem_device")!);
    for (let i = 0; i < 5; i++) await new WorkspaceClient(app.url).signIn(ADMIN, `someone else guessing ${i}`);
    expect((await new WorkspaceClient(app.url).signIn(ADMIN, TEST_ADMIN_PASSWORD)).status).toBe(429);
    known.cookies.delete("tandem_session");
    expect((await known.signIn(ADMIN, TEST_ADMIN_PASSWORD)).status).toBe(302);
    // A device cookie the server never issued is no device at all.
    const forged = new WorkspaceClient(app.url);
    forged.cookies.set("tandem_device", "f".repeat(43));
    expect((await forged.signIn(ADMIN, TEST_ADMIN_PASSWORD)).status).toBe(429);
    await app.db.deleteFrom("attempt_counter").execute();
  });
});

describe("nobody is locked out by strangers (domain)", () => {
  it("five wrong passwords from other addresses do not stop the owner from their own", async () => {
    await app.db.deleteFrom("attempt_counter").execute();
    const email = "owner@demo.tandem.test";
    await makeMember(app.db, { organisationId: demoOrgId, email, role: "researcher" });
    for (let i = 0; i < 10; i++) {
      const result = await signIn(app.db, { email, password: `attacker guess ${i}`, clientKey: `attacker-${i % 2}` });
      expect(result.ok).toBe(false);
    }
    const owner = await signIn(app.db, { email, password: TEST_PASSWORD, clientKey: "owners-home" });
    expect(owner.ok).toBe(true);
    await app.db.deleteFrom("attempt_counter").execute();
  });
});

describe("sessions", () => {
  it("renews last_seen on use and ends a session idle for longer than the limit", async () => {
    const client = new WorkspaceClient(app.url);
    expect((await client.signIn(ADMIN, TEST_ADMIN_PASSWORD)).status).toBe(302);
    const idHash = hashToken(client.cookies.get("tandem_session")!);
    const tenMinutesAgo = new Date(Date.now() - 10 * 60 * 1000);
    await app.db.updateTable("user_session").set({ last_seen_at: tenMinutesAgo }).where("id_hash", "=", idHash).execute();
    expect((await client.get("/research/demo")).status).toBe(200);
    const renewed = await app.db.selectFrom("user_session").select("last_seen_at").where("id_hash", "=", idHash).executeTakeFirstOrThrow();
    expect(new Date(renewed.last_seen_at).getTime()).toBeGreaterThan(tenMinutesAgo.getTime() + 60_000);

    await app.db
      .updateTable("user_session")
      .set({ last_seen_at: new Date(Date.now() - SESSION_IDLE_MS - 1000) })
      .where("id_hash", "=", idHash)
      .execute();
    const expired = await client.get("/research/demo");
    expect(expired.status).toBe(302);
    expect(expired.headers.get("location")).toMatch(/^\/research\/sign-in\?next=%2Fresearch%2Fdemo/);
    expect(await app.db.selectFrom("user_session").select("id_hash").where("id_hash", "=", idHash).executeTakeFirst()).toBeUndefined();
  });

  it("ends a session at its absolute lifetime even when in use", async () => {
    const client = new WorkspaceClient(app.url);
    await client.signIn(ADMIN, TEST_ADMIN_PASSWORD);
    const idHash = hashToken(client.cookies.get("tandem_session")!);
    await app.db
      .updateTable("user_session")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("id_hash", "=", idHash)
      .execute();
    expect((await client.get("/research/demo")).status).toBe(302);
  });

  it("signs out with a POST that carries the token, ending the session at once; a GET changes nothing", async () => {
    const client = new WorkspaceClient(app.url);
    await client.signIn(ADMIN, TEST_ADMIN_PASSWORD);
    const token = client.cookies.get("tandem_session")!;
    expect((await client.get("/research/sign-out")).status).toBe(302);
    expect((await client.get("/research/demo")).status).toBe(200);
    expect((await client.post("/research/sign-out", {}, { csrf: "wrong" })).status).toBe(403);
    expect((await client.get("/research/demo")).status).toBe(200);
    const out = await client.post("/research/sign-out", {}, { csrf: await client.csrf() });
    expect(out.status).toBe(302);
    expect(out.headers.getSetCookie().join()).toMatch(/tandem_session=;.*Max-Age=0/);
    const replay = new WorkspaceClient(app.url);
    replay.cookies.set("tandem_session", token);
    expect((await replay.get("/research/demo")).status).toBe(302);
  });

  it("disabling a user ends their sessions at once and they cannot sign in again", async () => {
    const email = "to-disable@demo.tandem.test";
    const userId = await makeMember(app.db, { organisationId: demoOrgId, email, role: "researcher" });
    const victim = new WorkspaceClient(app.url);
    expect((await victim.signIn(email, TEST_PASSWORD)).status).toBe(302);
    expect((await victim.get("/research/demo")).status).toBe(200);
    const admin = new WorkspaceClient(app.url);
    await admin.signIn(ADMIN, TEST_ADMIN_PASSWORD);
    const response = await admin.post("/research/demo/people", { intent: "disable", userId }, { csrf: await admin.csrf() });
    expect(response.status).toBe(200);
    expect(await sessionRows(email)).toEqual([]);
    expect((await victim.get("/research/demo")).status).toBe(302);
    expect((await new WorkspaceClient(app.url).signIn(email, TEST_PASSWORD)).status).toBe(401);
    const audit = await app.db.selectFrom("audit_event").select("action").where("subject", "=", userId).execute();
    expect(audit.map((a) => a.action)).toContain("user_disabled");
  });
});

describe("invitations and passwords", () => {
  it("an invitation link works once, sets an argon2id (m=19456,t=2,p=1) hash, and the password is kept exactly as typed", async () => {
    const added = await addPerson(app.db, {
      organisationId: demoOrgId,
      email: "invitee@demo.tandem.test",
      role: "researcher",
      actorUserId: null,
    });
    const path = `/research/invitation/${added.invitationToken}`;
    const client = new WorkspaceClient(app.url);
    expect((await client.get(path)).status).toBe(200);
    const short = await client.submit(path, { displayName: "Ivy Invitee", password: "short one", confirm: "short one" });
    expect(short.status).toBe(400);
    expect(await short.text()).toContain("at least 12 characters");
    const common = await client.submit(path, { displayName: "Ivy Invitee", password: "password1234", confirm: "password1234" });
    expect(common.status).toBe(400);
    const password = "  Ünïcode spaced passphrase  ";
    // Accepting asks for the name colleagues will see: without one nothing is set.
    const nameless = await client.submit(path, { displayName: "  ", password, confirm: password });
    expect(nameless.status).toBe(400);
    expect(await nameless.text()).toContain('href="#displayName"');
    const ok = await client.submit(path, { displayName: "Ivy Invitee", password, confirm: password });
    expect(ok.status).toBe(302);
    const user = await app.db
      .selectFrom("app_user")
      .select(["password_hash", "display_name"])
      .where("email", "=", "invitee@demo.tandem.test")
      .executeTakeFirstOrThrow();
    expect(parseArgon2Hash(user.password_hash!)).toMatchObject({ algorithm: "argon2id", memoryCost: 19456, timeCost: 2, parallelism: 1 });
    expect(user.display_name).toBe("Ivy Invitee");
    expect((await client.get(path)).status).toBe(404);
    expect((await new WorkspaceClient(app.url).signIn("invitee@demo.tandem.test", password.trim())).status).toBe(401);
    expect((await new WorkspaceClient(app.url).signIn("invitee@demo.tandem.test", password)).status).toBe(302);
  });

  it("an expired link does not work", async () => {
    const added = await addPerson(app.db, {
      organisationId: demoOrgId,
      email: "late@demo.tandem.test",
      role: "facilitator",
      actorUserId: null,
    });
    await app.db
      .updateTable("user_token")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("token_hash", "=", hashToken(added.invitationToken!))
      .execute();
    expect((await new WorkspaceClient(app.url).get(`/research/invitation/${added.invitationToken}`)).status).toBe(404);
  });

  it("the admin is shown a reset link; using it ends the account's sessions", async () => {
    const email = "forgetful@demo.tandem.test";
    const userId = await makeMember(app.db, { organisationId: demoOrgId, email, role: "peer_researcher" });
    const user = new WorkspaceClient(app.url);
    await user.signIn(email, TEST_PASSWORD);
    const admin = new WorkspaceClient(app.url);
    await admin.signIn(ADMIN, TEST_ADMIN_PASSWORD);
    const page = await admin.post("/research/demo/people", { intent: "link", userId }, { csrf: await admin.csrf() });
    const link = /(http:\/\/[^<"]+\/research\/reset\/[A-Za-z0-9_-]{43})/.exec(await page.text())![1]!;
    const resetPath = new URL(link).pathname;
    const reset = new WorkspaceClient(app.url);
    expect((await reset.submit(resetPath, { password: "a brand new passphrase 9", confirm: "a brand new passphrase 9" })).status).toBe(302);
    expect((await user.get("/research/demo")).status).toBe(302);
    expect((await new WorkspaceClient(app.url).signIn(email, "a brand new passphrase 9")).status).toBe(302);
  });
});

describe("cookies in production", () => {
  it("uses the __Host- prefix with Secure over HTTPS, and never a Max-Age on the session", () => {
    const cookie = sessionCookie("t".repeat(43), true);
    expect(cookie).toMatch(/^__Host-tandem_session=t{43}; Path=\/; HttpOnly; SameSite=Lax; Secure$/);
    expect(clearSessionCookie(true)).toMatch(/^__Host-tandem_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Lax; Secure$/);
    expect(anonymousFormToken(new Request("https://x.test/research/sign-in"), true).setCookie).toMatch(
      /HttpOnly; SameSite=Strict; Secure$/,
    );
  });
});

describe("headers", () => {
  it("sends an enforced CSP with a nonce and frame-ancestors 'none', and no-store on workspace pages", async () => {
    const client = new WorkspaceClient(app.url);
    const signIn = await client.get("/research/sign-in");
    const csp = signIn.headers.get("content-security-policy")!;
    expect(csp).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]{16,}'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(signIn.headers.get("content-security-policy-report-only")).toBeNull();
    expect(signIn.headers.get("cache-control")).toBe("no-store");
    await client.signIn(ADMIN, TEST_ADMIN_PASSWORD);
    for (const path of [
      "/research",
      "/research/demo",
      "/research/demo/people",
      "/research/demo/audit",
      "/research/demo/studies/demo",
      "/research/demo/studies/demo/dashboard",
      "/research/nope",
    ]) {
      const response = await client.get(path);
      expect(response.headers.get("cache-control"), path).toBe("no-store");
    }
  });
});
