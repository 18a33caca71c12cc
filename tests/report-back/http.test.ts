// Report back over HTTP: who may reach the editor and who may publish (from the one permission table),
// and what the public may see (published entries, reviewed languages, nothing of another organisation).
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../db/tables/foundation";
import { roleHas, ROLES } from "../../app/auth/permissions.server";
import { createEntry, saveEntryText } from "../../app/report-back/entries.server";
import { startTestApp, type TestApp } from "../support/app";
import { makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { createReportBackFixture, publishedEntry, type ReportBackFixture } from "./fixtures";

let app: TestApp;
let fx: ReportBackFixture;
let other: ReportBackFixture;
const clients = new Map<Role, WorkspaceClient>();

beforeAll(async () => {
  app = await startTestApp();
  fx = await createReportBackFixture(app.db);
  other = await createReportBackFixture(app.db, { heardPeople: 1 });
  await publishedEntry(app.db, fx, "published-one");
  const draft = await createEntry(
    app.db,
    fx.scope.organisationId,
    { userId: fx.users.publisher },
    { studyId: fx.scope.studyId, slug: "still-a-draft" },
  );
  await saveEntryText(app.db, fx.scope.organisationId, { userId: fx.users.publisher }, draft, "en", { title: "Secret draft" });
  for (const role of ROLES) {
    await makeMember(app.db, { organisationId: fx.scope.organisationId, email: `${role}-http@example.org`, role });
    const client = new WorkspaceClient(app.url);
    await client.signIn(`${role}-http@example.org`, TEST_PASSWORD);
    clients.set(role, client);
  }
});
afterAll(() => app?.close());

describe("workspace editor permissions", () => {
  for (const role of ROLES) {
    it(`${role}: editor ${roleHas(role, "publication:draft") ? "allowed" : "refused"}, publishing ${roleHas(role, "publication:publish") ? "allowed" : "refused"}`, async () => {
      const client = clients.get(role)!;
      const list = await client.get(`/research/${fx.orgSlug}/report-back`);
      expect(list.status).toBe(roleHas(role, "publication:draft") ? 200 : 403);
      const csrf = await client.csrf();
      const bad = await client.post(`/research/${fx.orgSlug}/report-back`, { studyId: fx.scope.studyId, slug: "Not A Slug" }, { csrf });
      expect(bad.status).toBe(roleHas(role, "publication:draft") ? 400 : 403);
      const preview = await client.get(`/research/${fx.orgSlug}/report-back/still-a-draft/preview`);
      expect(preview.status).toBe(roleHas(role, "publication:draft") ? 200 : 403);
      if (!roleHas(role, "publication:draft")) return;
      expect(await preview.text()).toContain("Secret draft");
      // publishing an entry that is only a draft: refused by role (403) before the state is looked at (400)
      const publish = await client.post(`/research/${fx.orgSlug}/report-back/still-a-draft`, { intent: "publish" }, { csrf });
      expect(publish.status).toBe(roleHas(role, "publication:publish") ? 400 : 403);
    });
  }

  it("hides another organisation's editor and refuses a POST without the CSRF token", async () => {
    const admin = clients.get("admin")!;
    expect((await admin.get(`/research/${other.orgSlug}/report-back`)).status).toBe(404);
    expect((await admin.post(`/research/${fx.orgSlug}/report-back`, { studyId: fx.scope.studyId, slug: "x" })).status).toBe(403);
    // another organisation's study cannot be reported on from here
    const csrf = await admin.csrf();
    expect(
      (await admin.post(`/research/${fx.orgSlug}/report-back`, { studyId: other.scope.studyId, slug: "borrowed" }, { csrf })).status,
    ).toBe(400);
  });

  it("sends a signed-out visitor to sign in", async () => {
    const response = await fetch(`${app.url}/research/${fx.orgSlug}/report-back`, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toContain("/research/sign-in");
  });
});

describe("public pages", () => {
  it("shows published entries only, and never a draft", async () => {
    const list = await (await fetch(`${app.url}/o/${fx.orgSlug}/you-said-we-did`)).text();
    expect(list).toContain("Listening better at the drop-in");
    expect(list).not.toContain("Secret draft");
    expect((await fetch(`${app.url}/o/${fx.orgSlug}/you-said-we-did/still-a-draft`)).status).toBe(404);
    const feed = await (await fetch(`${app.url}/o/${fx.orgSlug}/you-said-we-did/feed.xml`)).text();
    expect(feed).not.toContain("Secret draft");
  });

  it("answers 404 for an unknown organisation or another organisation's entry", async () => {
    expect((await fetch(`${app.url}/o/no-such-org/you-said-we-did`)).status).toBe(404);
    expect((await fetch(`${app.url}/o/${other.orgSlug}/you-said-we-did/published-one`)).status).toBe(404);
  });

  it("is not cached, sends no script, and offers only reviewed languages", async () => {
    const response = await fetch(`${app.url}/o/${fx.orgSlug}/you-said-we-did/published-one?lang=cy`);
    expect(response.headers.get("cache-control")).toBe("no-store");
    // Welsh is not offered (no reviewed Welsh text): redirected to the language shown, so the page's lang agrees
    expect(response.redirected).toBe(true);
    expect(new URL(response.url).search).toBe("?lang=en");
    const html = await response.text();
    expect(html).toContain('<html lang="en" dir="ltr">');
    expect(html).not.toContain("<script");
    // no reviewed Welsh text: the page falls back to English and does not offer Welsh
    expect(html).toContain("Listening better at the drop-in");
    expect(html).not.toContain('hrefLang="cy"');
    expect(html).toContain('hrefLang="ar"');
    expect(html).toContain("Fewer than 5 people raised this");
    expect(html).toContain("6 people raised this");
  });

  it("keeps to the participant pages' budget: 14 KB of compressed HTML and CSS", async () => {
    for (const path of ["", "/published-one", "/published-one?lang=ar"]) {
      const html = await (await fetch(`${app.url}/o/${fx.orgSlug}/you-said-we-did${path}`)).text();
      let css = "";
      for (const [, href] of html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)) css += await (await fetch(app.url + href)).text();
      expect(css.length).toBeGreaterThan(0);
      expect(gzipSync(html).length + gzipSync(css).length, path).toBeLessThanOrEqual(14 * 1024);
    }
  });
});
