import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { totpCode } from "../../app/auth/totp";
import { openTotpSecret, sealTotpSecret } from "../../app/auth/totp-seal.server";
import { secretsFrom } from "../../app/security/secrets.server";
import { startTestApp, TEST_SECRET, type TestApp } from "../support/app";
import { csrfFrom, makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";

let app: TestApp;
let orgId: string;

beforeAll(async () => {
  app = await startTestApp();
  orgId = (await app.db.selectFrom("organisation").select("id").where("slug", "=", "demo").executeTakeFirstOrThrow()).id;
});
afterAll(async () => app?.close());

async function secretOf(email: string) {
  return (await app.db.selectFrom("app_user").select("totp_secret").where("email", "=", email).executeTakeFirstOrThrow()).totp_secret;
}

describe("two-step sign-in", () => {
  it("an organisation that requires TOTP makes a member set it up before anything else; then every sign-in asks for a code, once", async () => {
    const email = "careful@demo.tandem.test";
    await makeMember(app.db, { organisationId: orgId, email, role: "researcher" });
    await app.db.updateTable("organisation").set({ require_totp: true }).where("id", "=", orgId).execute();
    try {
      const client = new WorkspaceClient(app.url);
      const signedIn = await client.signIn(email, TEST_PASSWORD);
      expect(signedIn.headers.get("location")).toMatch(/^\/research\/totp/);
      const waiting = client.cookies.get("tandem_session");
      // A session waiting for its second factor opens nothing.
      const blocked = await client.get("/research/demo");
      expect(blocked.status).toBe(302);
      expect(blocked.headers.get("location")).toBe("/research/totp");

      const setup = await client.get("/research/totp");
      const html = await setup.text();
      expect(html).toContain("data:image/svg+xml;base64,");
      const secret = /name="secret" value="([A-Z2-7]{32})"/.exec(html)![1]!;
      expect(html).toContain(`<code class="ws-secret">${secret}</code>`);
      // Reading the page stored nothing.
      expect(await secretOf(email)).toBeNull();
      const form = async () => csrfFrom(await (await client.get("/research/totp")).text());
      const wrong = await client.post("/research/totp", { code: "000000", secret }, { csrf: await form() });
      expect(wrong.status).toBe(400);
      // The same secret again: the app has already scanned it.
      expect(await wrong.text()).toContain(`name="secret" value="${secret}"`);
      const done = await client.post("/research/totp", { code: totpCode(secret, Date.now()), secret }, { csrf: await form() });
      expect(done.status).toBe(302);
      // The second factor starts a new session: the waiting one's id is gone.
      expect(client.cookies.get("tandem_session")).not.toBe(waiting);
      expect((await client.get("/research/demo")).status).toBe(200);

      // Next time: a code is asked for, and the code just used is refused (replay).
      const again = new WorkspaceClient(app.url);
      expect((await again.signIn(email, TEST_PASSWORD)).headers.get("location")).toMatch(/^\/research\/totp/);
      const user = await app.db
        .selectFrom("app_user")
        .select(["totp_enabled", "totp_last_step"])
        .where("email", "=", email)
        .executeTakeFirstOrThrow();
      expect(user.totp_enabled).toBe(true);
      const lastStep = Number(user.totp_last_step);
      // Stored sealed under the master secret, never in the clear.
      const stored = await secretOf(email);
      expect(stored).toMatch(/^v1:/);
      expect(stored).not.toContain(secret);
      expect(openTotpSecret(stored!, secretsFrom(TEST_SECRET).totpKey)).toBe(secret);
      expect(openTotpSecret(stored!, secretsFrom("another master secret, 32 characters or more").totpKey)).toBeNull();
      const replay = await again.submit("/research/totp", { code: totpCode(secret, lastStep * 30_000) });
      expect(replay.status).toBe(400);
      const next = await again.submit("/research/totp", { code: totpCode(secret, (lastStep + 1) * 30_000) });
      expect(next.status).toBe(302);
      expect((await again.get("/research/demo")).status).toBe(200);
    } finally {
      await app.db.updateTable("organisation").set({ require_totp: false }).where("id", "=", orgId).execute();
    }
  });

  it("still accepts a secret stored in the clear before sealing, and seals it on that sign-in; an unreadable one matches no code", async () => {
    const email = "legacy@demo.tandem.test";
    const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    await makeMember(app.db, { organisationId: orgId, email, role: "researcher" });
    await app.db.updateTable("app_user").set({ totp_secret: secret, totp_enabled: true }).where("email", "=", email).execute();
    const client = new WorkspaceClient(app.url);
    expect((await client.signIn(email, TEST_PASSWORD)).headers.get("location")).toMatch(/^\/research\/totp/);
    expect((await client.submit("/research/totp", { code: totpCode(secret, Date.now()) })).status).toBe(302);
    const stored = await secretOf(email);
    expect(stored).toMatch(/^v1:/);
    expect(openTotpSecret(stored!, secretsFrom(TEST_SECRET).totpKey)).toBe(secret);

    // Sealed under some other master secret: unreadable here, so no code (not even the empty key's) gets in.
    const foreign = sealTotpSecret(secret, secretsFrom("another master secret, 32 characters or more").totpKey);
    await app.db.updateTable("app_user").set({ totp_secret: foreign, totp_last_step: null }).where("email", "=", email).execute();
    const other = new WorkspaceClient(app.url);
    await other.signIn(email, TEST_PASSWORD);
    expect((await other.submit("/research/totp", { code: totpCode(secret, Date.now() + 30_000) })).status).toBe(400);
    expect((await other.submit("/research/totp", { code: totpCode("", Date.now()) })).status).toBe(400);
  });
});
