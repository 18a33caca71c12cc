import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";

let app: TestApp;
let facilitator: WorkspaceClient;
const base = "/research/demo/studies/demo";

beforeAll(async () => {
  app = await startTestApp();
  const org = await app.db.selectFrom("organisation").select("id").where("slug", "=", "demo").executeTakeFirstOrThrow();
  await makeMember(app.db, { organisationId: org.id, email: "facilitator@demo.tandem.test", role: "facilitator" });
  facilitator = new WorkspaceClient(app.url);
  expect((await facilitator.signIn("facilitator@demo.tandem.test", TEST_PASSWORD)).status).toBe(302);
});
afterAll(async () => app?.close());

describe("fieldwork screens", () => {
  let codes: string[] = [];

  it("shows the study link with a QR code", async () => {
    const html = await (await facilitator.get(base)).text();
    expect(html).toContain(`${app.url}/s/demo`);
    expect(html).toMatch(/<img src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+"/);
  });

  it("issues code cards once, as a printable sheet, and the audit log has the count but no code", async () => {
    const page = await facilitator.submit(`${base}/codes`, { count: "3", language: "cy" });
    expect(page.status).toBe(200);
    const html = await page.text();
    codes = [...html.matchAll(/class="ws-card-code">([0-9A-Z-]+)</g)].map((m) => m[1]!);
    expect(codes).toHaveLength(3);
    const participants = await app.db.selectFrom("participant").select(["source", "language"]).execute();
    expect(participants).toEqual(Array(3).fill({ source: "paper", language: "cy" }));
    const audit = await app.db
      .selectFrom("audit_event")
      .select(["action", "detail", "subject"])
      .where("action", "=", "codes_issued")
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.detail).toMatchObject({ count: 3 });
    expect(JSON.stringify(await app.db.selectFrom("audit_event").selectAll().execute())).not.toContain(
      codes[0]!.replace(/-/g, "").slice(0, 8),
    );
  });

  it("records paper consent for a code, refusing one without the required statements", async () => {
    const form = await (await facilitator.get(`${base}/paper-consent`)).text();
    const statementIds = [...form.matchAll(/name="agreed" value="([^"]+)"/g)].map((m) => m[1]!);
    expect(statementIds.length).toBeGreaterThan(1);
    const refused = await facilitator.submit(`${base}/paper-consent`, { code: codes[0]!, agreed: [] });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("Every required statement must be agreed");
    const ok = await facilitator.submit(`${base}/paper-consent`, { code: codes[0]!.toLowerCase(), agreed: statementIds });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("Consent recorded for this code.");
    const consent = await app.db
      .selectFrom("consent_record")
      .select(["quotes", "audio_recording", "method", "recorded_by"])
      .where("quotes", "=", true)
      .execute();
    expect(consent).toHaveLength(1);
    expect(consent[0]!.method).toBe("paper");
    const mistyped = await facilitator.submit(`${base}/paper-consent`, { code: "ABCD-12", agreed: statementIds });
    expect(mistyped.status).toBe(400);
    expect(await mistyped.text()).toContain("That is not a participant code.");
  });

  it("changes someone's quote choice by code at their request, audited without the code; asks for a choice first", async () => {
    const quotesOf = async () =>
      (await app.db.selectFrom("consent_record").select(["quotes", "audio_recording"]).where("method", "=", "paper").execute()).map(
        (r) => r.quotes,
      );
    expect(await quotesOf()).toContain(true);
    const nothing = await facilitator.submit(`${base}/consent-choices`, { code: codes[0]!, quotes: "", audio_recording: "" });
    expect(nothing.status).toBe(400);
    expect(await nothing.text()).toContain("Choose yes or no for at least one of the choices.");
    const unknown = await facilitator.submit(`${base}/consent-choices`, { code: "ABCD-12", quotes: "no", audio_recording: "" });
    expect(unknown.status).toBe(400);
    const done = await facilitator.submit(`${base}/consent-choices`, { code: codes[0]!, quotes: "no", audio_recording: "" });
    expect(done.status).toBe(200);
    const html = await done.text();
    expect(html).toContain("Saved. What they agree to now:");
    expect(await quotesOf()).not.toContain(true);
    const audit = await app.db
      .selectFrom("audit_event")
      .select(["detail", "actor_user_id"])
      .where("action", "=", "consent_changed_by_staff")
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.detail).toMatchObject({ changed: ["quotes"], via: "workspace" });
    expect(audit[0]!.actor_user_id).not.toBeNull();
    expect(JSON.stringify(audit)).not.toContain(codes[0]!.replace(/-/g, "").slice(0, 8));
    // Saying the same again changes nothing and is not audited twice.
    const again = await facilitator.submit(`${base}/consent-choices`, { code: codes[0]!, quotes: "no", audio_recording: "" });
    expect(await again.text()).toContain("Nothing changed");
    expect(await app.db.selectFrom("audit_event").select("id").where("action", "=", "consent_changed_by_staff").execute()).toHaveLength(1);
  });

  it("enters answers with a participant (assisted), refusing invalid answers and writing nothing then", async () => {
    const form = await (await facilitator.get(`${base}/assisted?use=peer-support-wellbeing:pre&language=cy`)).text();
    expect(form).toContain('lang="cy"');
    const radios = [
      ...form.matchAll(/type="radio"[^>]*name="([^"]+)"[^>]*value="([^"]+)"|name="([^"]+)"[^>]*type="radio"[^>]*value="([^"]+)"/g),
    ];
    expect(radios.length).toBeGreaterThan(0);
    const first = radios[0]!;
    const item = first[1] ?? first[3]!;
    const value = first[2] ?? first[4]!;
    const control = { _use: "peer-support-wellbeing:pre", _language: "cy", _interpreter: "phone", _code: codes[0]! };
    const bad = await facilitator.submit(`${base}/assisted?use=peer-support-wellbeing:pre&language=cy`, {
      ...control,
      [item]: "not-an-option",
    });
    expect(bad.status).toBe(400);
    expect(await app.db.selectFrom("response").select("id").execute()).toEqual([]);
    const ok = await facilitator.submit(`${base}/assisted?use=peer-support-wellbeing:pre&language=cy`, { ...control, [item]: value });
    expect(ok.status).toBe(200);
    const response = await app.db.selectFrom("response").select(["mode", "interpreter", "language", "timepoint"]).executeTakeFirstOrThrow();
    expect(response).toEqual({ mode: "assisted", interpreter: "phone", language: "cy", timepoint: "pre" });
  });

  it("records a withdrawal that reached staff; erasure deletes the participant", async () => {
    const before = (await app.db.selectFrom("participant").select("id").execute()).length;
    const done = await facilitator.submit(`${base}/withdrawal`, { code: codes[1]!, mode: "erase" });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("Withdrawal recorded.");
    expect((await app.db.selectFrom("participant").select("id").execute()).length).toBe(before - 1);
    const again = await facilitator.submit(`${base}/withdrawal`, { code: codes[1]!, mode: "erase" });
    expect(again.status).toBe(400);
    const audit = await app.db.selectFrom("audit_event").select(["detail"]).where("action", "=", "withdrawal_recorded").execute();
    expect(audit.map((a) => a.detail)).toEqual([{ mode: "erase", by: "staff", studyId: expect.any(String) }]);
  });

  it("a facilitator cannot see the dashboard or change the study", async () => {
    expect((await facilitator.get(`${base}/dashboard`)).status).toBe(403);
    expect((await facilitator.get(`${base}/edit`)).status).toBe(403);
  });
});
