/**
 * The coding screens over HTTP, as a researcher and a peer researcher: sessions, transcript import
 * with speaker mapping, coding a span, theme views, agreement, redaction, quote downloads.
 * Participants' words with markup in them come back escaped on every page.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTheme } from "../../app/coding/codebook.server";
import { applyTheme } from "../../app/coding/codings.server";
import { readSegments } from "../../app/consent/units.server";
import { addAttendee, createGathering } from "../../app/fieldwork/gatherings.server";
import { startTestApp, type TestApp } from "../support/app";
import { csrfFrom, makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { addParticipant, createCodingFixture, type CodingFixture } from "./fixtures";

let app: TestApp;
let fx: CodingFixture;
let researcher: WorkspaceClient;
let peer: WorkspaceClient;
let base: string;
let sessionId: string;
let themeId: string;
let quoted: string;
let unquoted: string;

const XSS = `<script>alert("x")</script><img src=x onerror=alert(1)>`;

beforeAll(async () => {
  app = await startTestApp({ demo: false });
  fx = await createCodingFixture(app.db);
  base = `/research/${fx.orgSlug}/studies/${fx.studySlug}`;
  await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "rhian@coding.test", role: "researcher" });
  await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "samir@coding.test", role: "peer_researcher" });
  researcher = new WorkspaceClient(app.url);
  peer = new WorkspaceClient(app.url);
  expect((await researcher.signIn("rhian@coding.test", TEST_PASSWORD)).status).toBe(302);
  expect((await peer.signIn("samir@coding.test", TEST_PASSWORD)).status).toBe(302);
  quoted = await addParticipant(app.db, fx, { quotes: true, language: "ar" });
  unquoted = await addParticipant(app.db, fx, { quotes: false });
  sessionId = await createGathering(app.db, fx.scope, null, {
    kind: "focus_group",
    label: "Focus group 1",
    heldOn: "2026-03-10",
    languages: ["ar", "en"],
  });
  await addAttendee(app.db, fx.scope, sessionId, quoted);
  await addAttendee(app.db, fx.scope, sessionId, unquoted);
  themeId = (await createTheme(app.db, fx.scope, null, { name: "Being heard" })).id;
}, 180_000);
afterAll(() => app?.close());

describe("coding screens over HTTP", () => {
  it("lists sessions and imports a transcript after mapping speakers", async () => {
    const list = await researcher.get(`${base}/fieldwork`);
    expect(list.status).toBe(200);
    expect(await list.text()).toContain("Focus group 1");

    const source = `Facilitator: Welcome\nAmal: ${XSS} شعرت بالأمان 🙏\nBen: NOT-FOR-QUOTES I agree`;
    const page = `${base}/fieldwork/${sessionId}`;
    const csrf = csrfFrom(await (await researcher.get(page)).text());
    const preview = await researcher.post(page, { intent: "preview", source, language: "ar" }, { csrf });
    const previewHtml = await preview.text();
    expect(preview.status).toBe(200);
    expect(previewHtml).toContain('name="map_0"');
    expect(previewHtml).toContain("Amal");
    const imported = await researcher.post(
      page,
      { intent: "import", source, language: "ar", map_0: "facilitator", map_1: "p:1", map_2: "p:2" },
      { csrf },
    );
    expect(await imported.text()).toContain("3 turns added");
    const segments = await readSegments(app.db, fx.scope, "analysis", { sessionId });
    expect(segments.map((s) => s.speakerRole)).toEqual(["facilitator", "participant", "participant"]);
  });

  it("shows the transcript escaped, codes a span, and refuses the peer researcher's quote export", async () => {
    const page = await researcher.get(`${base}/coding?session=${sessionId}`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;script&gt;");
    expect(html).toContain("Participant 1");
    expect(html).not.toContain("Amal");

    const [, amal, ben] = await readSegments(app.db, fx.scope, "analysis", { sessionId });
    const csrf = csrfFrom(html);
    const start = Array.from(amal!.text).indexOf("ش");
    const applied = await researcher.post(
      `${base}/coding?session=${sessionId}`,
      { intent: "apply", unit: amal!.key, theme: themeId, start: String(start), end: String(Array.from(amal!.text).length) },
      { csrf },
    );
    expect(await applied.text()).toContain("Theme applied");
    const bad = await researcher.post(
      `${base}/coding?session=${sessionId}`,
      { intent: "apply", unit: amal!.key, theme: themeId, start: "0", end: "9999" },
      { csrf },
    );
    expect(await bad.text()).toContain("goes beyond the end");
    const users = await app.db.selectFrom("app_user").select("id").where("email", "=", "rhian@coding.test").executeTakeFirstOrThrow();
    await applyTheme(app.db, fx.scope, users.id, { unit: ben!.key, themeId, start: 0, end: 14 });

    const views = await researcher.get(`${base}/themes/views?theme=${themeId}`);
    const viewsHtml = await views.text();
    expect(views.status).toBe(200);
    expect(viewsHtml).toContain("Being heard");
    expect(viewsHtml).not.toContain("<script>alert");

    const peerQuotes = await peer.get(`${base}/quotes`);
    expect(peerQuotes.status).toBe(403);
    const peerCoding = await peer.get(`${base}/coding?session=${sessionId}`);
    expect(peerCoding.status).toBe(200);
  });

  it("downloads consented, redacted quotes as CSV and Markdown, and shows a print page; each export audited", async () => {
    const quotesPage = await researcher.get(`${base}/quotes`);
    const csrf = csrfFrom(await quotesPage.text());
    const csv = await researcher.post(`${base}/quotes/download?format=csv`, { theme: themeId, translation: "en" }, { csrf });
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.headers.get("content-disposition")).toContain(`${fx.studySlug}-quotes-`);
    const body = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await csv.arrayBuffer());
    expect(body.startsWith("\uFEFF")).toBe(true);
    expect(body).toContain("شعرت بالأمان 🙏");
    expect(body).toContain("Participant 1, Focus group 1");
    expect(body).not.toContain("NOT-FOR-QUOTES");
    const md = await researcher.post(`${base}/quotes/download?format=md`, { theme: themeId }, { csrf });
    const mdText = await md.text();
    expect(mdText).toContain("شعرت بالأمان");
    expect(mdText).not.toContain("<script>");
    const print = await researcher.post(`${base}/quotes`, { theme: themeId }, { csrf });
    const printHtml = await print.text();
    expect(printHtml).toContain("Quotes: 1");
    expect(printHtml).not.toContain("<script>alert");
    const audit = await app.db
      .selectFrom("audit_event")
      .select("detail")
      .where("action", "=", "export")
      .where("organisation_id", "=", fx.scope.organisationId)
      .execute();
    expect(audit.map((a) => (a.detail as { format: string }).format)).toEqual(["csv", "md", "print"]);
  });

  it("runs the redaction check and the agreement page", async () => {
    const page = await researcher.get(`${base}/coding/redactions`);
    const csrf = csrfFrom(await page.text());
    const checked = await researcher.post(`${base}/coding/redactions`, { intent: "suggest" }, { csrf });
    expect(checked.status).toBe(200);
    const agreement = await researcher.get(`${base}/coding/agreement`);
    expect(agreement.status).toBe(200);
    const themes = await researcher.get(`${base}/themes`);
    expect(await themes.text()).toContain("Being heard");
  });
});
