/**
 * The codebook's .qdc download and import page over HTTP, without JavaScript: the Exports page
 * offers the file (audited); a researcher uploads a file, sees what would change with nothing
 * written, and confirms; a bad file is a translated error summary and writes nothing; a peer
 * researcher may not import; another organisation cannot reach the study at all.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTheme } from "../../app/coding/codebook.server";
import { createOrganisation } from "../../app/organisations/people.server";
import { startTestApp, type TestApp } from "../support/app";
import { csrfFrom, makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { createCodingFixture, type CodingFixture } from "./fixtures";

let app: TestApp;
let fx: CodingFixture;
let base: string;
let researcher: WorkspaceClient;
let peer: WorkspaceClient;
let outsider: WorkspaceClient;

beforeAll(async () => {
  app = await startTestApp({ demo: false });
  fx = await createCodingFixture(app.db);
  base = `/research/${fx.orgSlug}/studies/${fx.studySlug}`;
  await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "rhian@qdc.test", role: "researcher" });
  await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "samir@qdc.test", role: "peer_researcher" });
  const other = await createOrganisation(app.db, { slug: `other-${fx.orgSlug}`, name: "Another organisation" });
  await makeMember(app.db, { organisationId: other.id, email: "admin@other-qdc.test", role: "admin" });
  researcher = new WorkspaceClient(app.url);
  peer = new WorkspaceClient(app.url);
  outsider = new WorkspaceClient(app.url);
  expect((await researcher.signIn("rhian@qdc.test", TEST_PASSWORD)).status).toBe(302);
  expect((await peer.signIn("samir@qdc.test", TEST_PASSWORD)).status).toBe(302);
  expect((await outsider.signIn("admin@other-qdc.test", TEST_PASSWORD)).status).toBe(302);
  await createTheme(app.db, fx.scope, null, { name: "Belonging", definition: "Feeling part of a community.", colour: "#009e73" });
}, 180_000);
afterAll(() => app?.close());

/** A multipart upload, as a browser without JavaScript sends the import form. */
async function upload(client: WorkspaceClient, path: string, fields: Record<string, string>, file: string | null) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  if (file !== null) body.append("file", new Blob([file], { type: "application/xml" }), "codebook.qdc");
  return fetch(app.url + path, { method: "POST", redirect: "manual", headers: { Cookie: client.cookieHeader() }, body });
}

function hidden(html: string, name: string) {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!m) throw new Error(`no ${name} field`);
  return m[1]!
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, "&");
}

const themeNames = async () =>
  (await app.db.selectFrom("theme").select("name").where("study_id", "=", fx.scope.studyId).orderBy("name").execute()).map((t) => t.name);

const FILE = `<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="QualCoder"><Codes>
  <Code guid="11111111-2222-4333-8444-555555555555" name="Belonging" isCodable="true" color="#CC79A7">
    <Description>Feeling part of a community.
Use when: someone talks about friends &amp; groups.</Description>
    <Code guid="21111111-2222-4333-8444-555555555555" name="Loneliness" isCodable="true"/>
  </Code>
</Codes></CodeBook>`;

describe("codebook exchange in the workspace", () => {
  it("downloads the codebook as a .qdc from the Exports page, audited", async () => {
    const page = await (await researcher.get(`${base}/exports`)).text();
    expect(page).toContain(`action="${base}/exports/codebook.qdc"`);
    expect(page).toContain(`href="${base}/themes/import"`);
    const response = await researcher.post(`${base}/exports/codebook.qdc`, {}, { csrf: csrfFrom(page) });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/xml");
    expect(response.headers.get("content-disposition")).toMatch(
      new RegExp(`filename="${fx.studySlug}-codebook-\\d{4}-\\d{2}-\\d{2}\\.qdc"`),
    );
    expect(await response.text()).toContain('name="Belonging"');
    const audit = await app.db
      .selectFrom("audit_event")
      .select("detail")
      .where("action", "=", "export")
      .where("organisation_id", "=", fx.scope.organisationId)
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(audit.detail).toMatchObject({ export: "codebook_qdc", via: "workspace", rows: 1 });
  });

  it("previews an upload without writing, then imports on confirmation", async () => {
    const page = await researcher.get(`${base}/themes/import`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/<form method="post" action="[^"]*\/themes\/import" encType="multipart\/form-data"/i);
    const csrf = csrfFrom(html);

    const preview = await upload(researcher, `${base}/themes/import`, { csrf, intent: "preview", mode: "merge" }, FILE);
    expect(preview.status).toBe(200);
    const shown = await preview.text();
    expect(shown).toContain("1 theme to add");
    expect(shown).toContain("Loneliness, under Belonging");
    expect(shown).toContain("Belonging: when to use it, colour");
    expect(await themeNames()).toEqual(["Belonging"]);

    const confirm = await researcher.post(
      `${base}/themes/import`,
      { intent: "confirm", mode: hidden(shown, "mode"), digest: hidden(shown, "digest"), fileText: hidden(shown, "fileText") },
      { csrf },
    );
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain("The codebook was imported: 1 theme added, 1 theme changed.");
    expect(await themeNames()).toEqual(["Belonging", "Loneliness"]);
    const audit = await app.db
      .selectFrom("audit_event")
      .select(["detail", "actor_user_id"])
      .where("action", "=", "codebook_imported")
      .executeTakeFirstOrThrow();
    expect(audit.detail).toMatchObject({ via: "workspace", mode: "merge", added: 1, changed: 1 });
  });

  it("answers a bad file with an error summary in the user's language and writes nothing", async () => {
    const csrf = csrfFrom(await (await researcher.get(`${base}/themes/import`)).text());
    const before = await themeNames();
    const evil = `<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="11111111-2222-4333-8444-555555555555" name="&lol;" isCodable="true"/></Codes></CodeBook>`;
    const response = await upload(researcher, `${base}/themes/import?lang=cy`, { csrf, intent: "preview", mode: "merge" }, evil);
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('id="error-summary"');
    expect(html).toContain("Nid oedd modd darllen y ffeil fel llyfr codau");
    expect(html).toContain('href="#file"');
    const missing = await upload(researcher, `${base}/themes/import`, { csrf, intent: "preview", mode: "merge" }, null);
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("Choose a codebook file (.qdc) to import.");
    // A confirmation whose text was tampered with after the preview is re-planned, not written blind.
    const tampered = await researcher.post(
      `${base}/themes/import`,
      { intent: "confirm", mode: "merge", digest: "0".repeat(32), fileText: FILE.replace("Loneliness", "Planted") },
      { csrf },
    );
    expect(tampered.status).toBe(200);
    expect(await tampered.text()).toContain("The codebook changed after the preview");
    expect(await themeNames()).toEqual(before);
  });

  it("is closed to a peer researcher and, as if it did not exist, to another organisation", async () => {
    const file = FILE.replace("Loneliness", "Planted");
    expect((await peer.get(`${base}/themes/import`)).status).toBe(403);
    expect((await upload(peer, `${base}/themes/import`, { csrf: await peer.csrf(), intent: "preview", mode: "merge" }, file)).status).toBe(
      403,
    );
    expect((await outsider.get(`${base}/themes/import`)).status).toBe(404);
    const csrf = await outsider.csrf();
    expect((await upload(outsider, `${base}/themes/import`, { csrf, intent: "preview", mode: "merge" }, file)).status).toBe(404);
    expect((await outsider.post(`${base}/exports/codebook.qdc`, {}, { csrf })).status).toBe(404);
    expect(await themeNames()).not.toContain("Planted");
  });
});
