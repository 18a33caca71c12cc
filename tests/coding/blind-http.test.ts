/**
 * Blind double coding switched on from the agreement page (people with study:edit), audited, and
 * what it does over HTTP: a coder sees only their own coding on the coding page, and no comparison
 * with other coders, until they say they have finished.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTheme } from "../../app/coding/codebook.server";
import { applyTheme, isBlind } from "../../app/coding/codings.server";
import { startTestApp, type TestApp } from "../support/app";
import { csrfFrom, makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { addAnswer, addParticipant, createCodingFixture, type CodingFixture } from "./fixtures";

let app: TestApp;
let fx: CodingFixture;
let base: string;
let lead: WorkspaceClient;
let coderB: WorkspaceClient;
let leadId: string;
let coderAId: string;
let coderBId: string;

beforeAll(async () => {
  app = await startTestApp({ demo: false });
  fx = await createCodingFixture(app.db);
  base = `/research/${fx.orgSlug}/studies/${fx.studySlug}`;
  leadId = await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "lead@blind.test", role: "researcher" });
  coderAId = await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "a@blind.test", role: "peer_researcher" });
  coderBId = await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "b@blind.test", role: "peer_researcher" });
  await app.db.updateTable("app_user").set({ display_name: "Coder-Alpha-Name" }).where("id", "=", coderAId).execute();
  await app.db.updateTable("app_user").set({ display_name: "Coder-Beta-Name" }).where("id", "=", coderBId).execute();
  lead = new WorkspaceClient(app.url);
  coderB = new WorkspaceClient(app.url);
  expect((await lead.signIn("lead@blind.test", TEST_PASSWORD)).status).toBe(302);
  expect((await coderB.signIn("b@blind.test", TEST_PASSWORD)).status).toBe(302);

  const theme = await createTheme(app.db, fx.scope, null, { name: "Belonging" });
  const unit = await addAnswer(app.db, fx, await addParticipant(app.db, fx), "I felt at home in the group");
  await applyTheme(app.db, fx.scope, coderAId, { unit, themeId: theme.id, start: 0, end: 6 });
  await applyTheme(app.db, fx.scope, coderBId, { unit, themeId: theme.id, start: 2, end: 10 });
}, 180_000);
afterAll(() => app?.close());

const codingPage = () => coderB.get(`${base}/coding?source=answers`);
const agreementPage = () => coderB.get(`${base}/coding/agreement?coder=${coderAId}&coder=${coderBId}`);

describe("blind double coding over HTTP", () => {
  it("shows other coders' coding while blind coding is off", async () => {
    const html = await (await codingPage()).text();
    expect(html).toContain("Coder-Beta-Name");
    expect(html).toContain("Coder-Alpha-Name");
    expect(await (await agreementPage()).text()).toContain("Units compared: 1");
  });

  it("lets only people with study:edit switch it on, and audits the change", async () => {
    const page = await (await lead.get(`${base}/coding/agreement`)).text();
    expect(page).toContain("Blind double coding is off.");
    expect(page).toContain('name="intent" value="blind"');
    const peerPage = await (await agreementPage()).text();
    expect(peerPage).not.toContain('name="intent" value="blind"');
    expect((await coderB.post(`${base}/coding/agreement`, { intent: "blind", blind: "on" }, { csrf: csrfFrom(peerPage) })).status).toBe(
      403,
    );
    expect((await lead.post(`${base}/coding/agreement`, { intent: "blind", blind: "on" })).status).toBe(403); // no CSRF token
    expect(await isBlind(app.db, fx.scope.studyId)).toBe(false);

    const on = await lead.post(`${base}/coding/agreement`, { intent: "blind", blind: "on" }, { csrf: csrfFrom(page) });
    expect(on.status).toBe(200);
    expect(await isBlind(app.db, fx.scope.studyId)).toBe(true);
    expect(await (await lead.get(`${base}/coding/agreement`)).text()).toContain("Blind double coding is on.");
    const audit = await app.db
      .selectFrom("audit_event")
      .select(["actor_user_id", "subject", "detail"])
      .where("action", "=", "coding_settings_changed")
      .execute();
    expect(audit).toEqual([{ actor_user_id: leadId, subject: fx.studySlug, detail: { blind: true } }]);
  });

  it("with blind coding on, a coder sees only their own coding and no comparison until they finish", async () => {
    const html = await (await codingPage()).text();
    expect(html).toContain("Blind coding: you see only your own coding");
    expect(html).toContain("Coder-Beta-Name");
    expect(html).not.toContain("Coder-Alpha-Name");
    const agreement = await (await agreementPage()).text();
    expect(agreement).not.toContain("Units compared");
    expect(agreement).not.toMatch(/Coder-Alpha-Name: /);

    const csrf = csrfFrom(html);
    expect((await coderB.post(`${base}/coding?source=answers`, { intent: "finish" }, { csrf })).status).toBe(200);
    const after = await (await codingPage()).text();
    expect(after).toContain("Coder-Alpha-Name");
    expect(await (await agreementPage()).text()).toContain("Units compared: 1");
  });

  it("switches off again", async () => {
    const page = await (await lead.get(`${base}/coding/agreement`)).text();
    expect((await lead.post(`${base}/coding/agreement`, { intent: "blind", blind: "off" }, { csrf: csrfFrom(page) })).status).toBe(200);
    expect(await isBlind(app.db, fx.scope.studyId)).toBe(false);
    expect((await lead.post(`${base}/coding/agreement`, { intent: "blind", blind: "maybe" }, { csrf: csrfFrom(page) })).status).toBe(400);
  });
});
