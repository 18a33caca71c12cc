/**
 * Issue 11, item 1: an admin of one organisation must not be able to take over an account another
 * organisation trusts (docs/decisions/055-accounts-across-organisations.md). Black-box over HTTP, as
 * the attack was found, on both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganisation, issuePasswordLinkByOperator } from "../../app/organisations/people.server";
import { startTestApp, type TestApp } from "../support/app";
import { csrfFrom, makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";

let app: TestApp;
let demoOrgId: string;
let otherOrgId: string;
let victimId: string;
const VICTIM = "victim@demo.tandem.test";
const ATTACKER = "admin@other.test";

beforeAll(async () => {
  app = await startTestApp();
  demoOrgId = (await app.db.selectFrom("organisation").select("id").where("slug", "=", "demo").executeTakeFirstOrThrow()).id;
  otherOrgId = (await createOrganisation(app.db, { slug: "other", name: "Other organisation" })).id;
  victimId = await makeMember(app.db, { organisationId: demoOrgId, email: VICTIM, role: "researcher" });
  await makeMember(app.db, { organisationId: otherOrgId, email: ATTACKER, role: "admin" });
});
afterAll(async () => app?.close());

async function signedIn(email: string) {
  const client = new WorkspaceClient(app.url);
  expect((await client.signIn(email, TEST_PASSWORD)).status).toBe(302);
  return client;
}

const memberships = async (userId: string) =>
  (await app.db.selectFrom("membership").select("organisation_id").where("user_id", "=", userId).execute())
    .map((m) => m.organisation_id)
    .sort();

const auditOf = async (organisationId: string, action: string) =>
  app.db
    .selectFrom("audit_event")
    .select(["actor_user_id", "subject", "detail"])
    .where("organisation_id", "=", organisationId)
    .where("action", "=", action)
    .execute();

describe("adding another organisation's member", () => {
  it("only invites them: they are not a member, no link is shown, and no link can be asked for", async () => {
    const attacker = await signedIn(ATTACKER);
    const added = await attacker.submit("/research/other/people", { intent: "add", displayName: "Vic Tim", email: VICTIM, role: "admin" });
    expect(added.status).toBe(200);
    const html = await added.text();
    expect(html).not.toContain("/research/invitation/");
    expect(html).not.toContain("/research/reset/");
    expect(html).toContain("already has a Tandem account");
    expect(await memberships(victimId)).toEqual([demoOrgId]);
    // The People page lists them as waiting, not as a member the admin can act on.
    const page = await (await attacker.get("/research/other/people")).text();
    expect(page).toContain("Waiting for an answer");

    const link = await attacker.post("/research/other/people", { intent: "link", userId: victimId }, { csrf: await attacker.csrf() });
    expect(link.status).toBe(404);
    expect(await app.db.selectFrom("user_token").select("token_hash").where("user_id", "=", victimId).execute()).toEqual([]);
  });

  it("nobody but the account's owner can accept the invitation", async () => {
    const invitation = await app.db
      .selectFrom("membership_invitation")
      .select("id")
      .where("user_id", "=", victimId)
      .executeTakeFirstOrThrow();
    const attacker = await signedIn(ATTACKER);
    const stolen = await attacker.post("/research?index", { invitation: invitation.id, answer: "accept" }, { csrf: await attacker.csrf() });
    expect(stolen.status).toBe(404);
    expect(await memberships(victimId)).toEqual([demoOrgId]);
    // Without the form token, not even the owner's browser answers.
    const victim = await signedIn(VICTIM);
    expect((await victim.post("/research?index", { invitation: invitation.id, answer: "accept" })).status).toBe(403);
    expect(await memberships(victimId)).toEqual([demoOrgId]);
  });

  it("the owner, signed in, sees the invitation and accepts it", async () => {
    const victim = await signedIn(VICTIM);
    const home = await (await victim.get("/research")).text();
    expect(home).toContain("Other organisation invites you");
    const invitation = await app.db
      .selectFrom("membership_invitation")
      .select("id")
      .where("user_id", "=", victimId)
      .executeTakeFirstOrThrow();
    const answered = await victim.post("/research?index", { invitation: invitation.id, answer: "accept" }, { csrf: csrfFrom(home) });
    expect(answered.status).toBe(200);
    expect(await memberships(victimId)).toEqual([demoOrgId, otherOrgId].sort());
    expect(await auditOf(otherOrgId, "membership_accepted")).toHaveLength(1);
  });

  it("even once they share the account, the other organisation's admin cannot get a password link for it; both audit logs say who asked", async () => {
    const attacker = await signedIn(ATTACKER);
    const attackerId = (await app.db.selectFrom("app_user").select("id").where("email", "=", ATTACKER).executeTakeFirstOrThrow()).id;
    const refused = await attacker.submit("/research/other/people", { intent: "link", userId: victimId });
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toContain("command line");
    expect(html).not.toContain("/research/reset/");
    expect(await app.db.selectFrom("user_token").select("token_hash").where("user_id", "=", victimId).execute()).toEqual([]);
    for (const organisationId of [demoOrgId, otherOrgId]) {
      const events = await auditOf(organisationId, "password_link_refused");
      expect(events.some((e) => e.actor_user_id === attackerId && e.subject === victimId)).toBe(true);
    }
    // The victim's own organisation's admin is refused too: the account is no longer theirs alone.
    const demoAdmin = new WorkspaceClient(app.url);
    expect((await demoAdmin.signIn("admin@demo.tandem.test", (await import("../support/app")).TEST_ADMIN_PASSWORD)).status).toBe(302);
    expect((await demoAdmin.submit("/research/demo/people", { intent: "link", userId: victimId })).status).toBe(400);
  });

  it("a reset by whoever runs the server is recorded in every organisation the account belongs to", async () => {
    const { token } = await issuePasswordLinkByOperator(app.db, victimId);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const organisationId of [demoOrgId, otherOrgId]) {
      const events = await auditOf(organisationId, "password_reset_issued");
      expect(events.some((e) => e.subject === victimId && (e.detail as { via?: string }).via === "cli")).toBe(true);
    }
  });

  it("an account that belongs to one organisation alone still gets its link from that organisation's admin", async () => {
    const loneId = await makeMember(app.db, { organisationId: otherOrgId, email: "lone@other.test", role: "researcher" });
    const attacker = await signedIn(ATTACKER);
    const issued = await attacker.submit("/research/other/people", { intent: "link", userId: loneId });
    expect(issued.status).toBe(200);
    expect(await issued.text()).toContain("/research/reset/");
    expect(await auditOf(otherOrgId, "password_reset_issued")).not.toEqual([]);
  });
});
