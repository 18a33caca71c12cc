/**
 * Memos over HTTP: a coded span's memos are shown on the coding page (escaped, with author and date)
 * and only their author can change them; study memos are listed, added and edited on the themes page;
 * and no memo ever leaves the workspace: not in the quote exports (CSV, Markdown, print page), the
 * full exports, the REFI-QDA project, nor the organisation's public pages.
 */
import { readFileSync } from "node:fs";
import { inflateRawSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTheme } from "../../app/coding/codebook.server";
import { addMemo, applyTheme, CodingError, editMemo, listMemos } from "../../app/coding/codings.server";
import { startTestApp, type TestApp } from "../support/app";
import { csrfFrom, makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { addAnswer, addParticipant, createCodingFixture, type CodingFixture } from "./fixtures";

let app: TestApp;
let fx: CodingFixture;
let base: string;
let researcher: WorkspaceClient;
let peer: WorkspaceClient;
let researcherId: string;
let peerId: string;
let themeId: string;
let codingId: string;

const XSS = `<img src=x onerror="alert(1)">MEMO-ON-SPAN`;
const STUDY_MEMO = "MEMO-ON-STUDY: ask the group about transport";

beforeAll(async () => {
  app = await startTestApp({ demo: false });
  fx = await createCodingFixture(app.db);
  base = `/research/${fx.orgSlug}/studies/${fx.studySlug}`;
  researcherId = await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "rhian@memos.test", role: "researcher" });
  peerId = await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "samir@memos.test", role: "peer_researcher" });
  researcher = new WorkspaceClient(app.url);
  peer = new WorkspaceClient(app.url);
  expect((await researcher.signIn("rhian@memos.test", TEST_PASSWORD)).status).toBe(302);
  expect((await peer.signIn("samir@memos.test", TEST_PASSWORD)).status).toBe(302);
  const p = await addParticipant(app.db, fx, { quotes: true });
  const unit = await addAnswer(app.db, fx, p, "The volunteer waited with me at the bus stop.");
  themeId = (await createTheme(app.db, fx.scope, null, { name: "Genuine care" })).id;
  codingId = await applyTheme(app.db, fx.scope, researcherId, { unit, themeId, start: 0, end: 13 });
}, 180_000);
afterAll(() => app?.close());

const codingPage = () => `${base}/coding?source=answers`;

describe("memos on coded spans", () => {
  it("are added from the coding page and shown escaped, with author and date", async () => {
    const response = await researcher.submit(codingPage(), { intent: "memo", unit: "", coding: codingId, text: XSS });
    expect(response.status).toBe(200);
    const html = await (await researcher.get(codingPage())).text();
    expect(html).toContain("MEMO-ON-SPAN");
    expect(html).not.toContain(`<img src=x`);
    expect(html).toContain("&lt;img src=x");
    const today = new Date().toISOString().slice(0, 10);
    expect(html).toContain(`MEMO-ON-SPAN</span> <span class="ws-muted">— rhian@memos.test, ${today}</span>`);
    // The author can change it: the form is there for them.
    expect(html).toContain('name="intent" value="editMemo"');
  });

  it("can be changed only by their author", async () => {
    const [memo] = await listMemos(app.db, fx.scope, { on: "coding", codingId });
    // The peer researcher sees the memo but has no form to change it, and a forged post is refused.
    const peerHtml = await (await peer.get(codingPage())).text();
    expect(peerHtml).toContain("MEMO-ON-SPAN");
    expect(peerHtml).not.toContain('name="intent" value="editMemo"');
    const refused = await peer.submit(codingPage(), { intent: "editMemo", memo: memo!.id, text: "overwritten by someone else" });
    expect(await refused.text()).toContain("You can only change your own memo.");
    expect((await listMemos(app.db, fx.scope, { on: "coding", codingId }))[0]!.text).toBe(XSS);
    await expect(editMemo(app.db, fx.scope, peerId, memo!.id, "x")).rejects.toBeInstanceOf(CodingError);

    const changed = await researcher.submit(codingPage(), { intent: "editMemo", memo: memo!.id, text: `${XSS} (checked)` });
    expect(await changed.text()).toContain("Memo changed.");
    expect((await listMemos(app.db, fx.scope, { on: "coding", codingId }))[0]!.text).toBe(`${XSS} (checked)`);
  });
});

describe("study memos", () => {
  it("are listed on the themes page, added by anyone who codes, and changed only by their author", async () => {
    expect((await peer.submit(`${base}/themes`, { intent: "studyMemo", text: STUDY_MEMO })).status).toBe(200);
    expect(await (await peer.submit(`${base}/themes`, { intent: "studyMemo", text: "   " })).text()).toContain(
      "Write something in the memo first.",
    );
    const [memo] = await listMemos(app.db, fx.scope, { on: "study" });
    expect(memo).toMatchObject({ text: STUDY_MEMO, author_id: peerId });

    const researcherHtml = await (await researcher.get(`${base}/themes`)).text();
    expect(researcherHtml).toContain("Study memos");
    expect(researcherHtml).toContain("MEMO-ON-STUDY");
    expect(researcherHtml).not.toContain('name="intent" value="editMemo"');
    const refused = await researcher.submit(`${base}/themes`, { intent: "editMemo", memo: memo!.id, text: "not mine to change" });
    expect(await refused.text()).toContain("You can only change your own memo.");

    const peerHtml = await (await peer.get(`${base}/themes`)).text();
    expect(peerHtml).toContain('name="intent" value="editMemo"');
    expect(
      await (await peer.submit(`${base}/themes`, { intent: "editMemo", memo: memo!.id, text: `${STUDY_MEMO}, and food` })).text(),
    ).toContain("Memo changed.");
    expect((await listMemos(app.db, fx.scope, { on: "study" }))[0]!.text).toBe(`${STUDY_MEMO}, and food`);
  });
});

/** Every entry of a zip file (the .qdpx), inflated, as text. */
function unzipText(zip: Buffer): string {
  let out = "";
  let at = 0;
  while (zip.readUInt32LE(at) === 0x04034b50) {
    const method = zip.readUInt16LE(at + 8);
    const size = zip.readUInt32LE(at + 18);
    const nameLength = zip.readUInt16LE(at + 26);
    const extraLength = zip.readUInt16LE(at + 28);
    const start = at + 30 + nameLength + extraLength;
    const raw = zip.subarray(start, start + size);
    out += method === 8 ? inflateRawSync(raw).toString("utf8") : raw.toString("utf8");
    at = start + size;
  }
  return out;
}

describe("memos never leave the workspace", () => {
  it("are in no quote export, full export, REFI-QDA project or public page", async () => {
    await addMemo(app.db, fx.scope, researcherId, { on: "theme", themeId }, "MEMO-ON-THEME");
    const csrf = csrfFrom(await (await researcher.get(`${base}/exports`)).text());
    const outputs: Record<string, string> = {};
    // The quote itself is exported (so the memo's absence is not an empty export).
    outputs.csv = await (await researcher.post(`${base}/quotes/download?format=csv`, { theme: themeId }, { csrf })).text();
    outputs.md = await (await researcher.post(`${base}/quotes/download?format=md`, { theme: themeId }, { csrf })).text();
    outputs.print = await (await researcher.post(`${base}/quotes`, { theme: themeId }, { csrf })).text();
    for (const key of ["csv", "md", "print"]) expect(outputs[key], key).toContain("The volunteer");
    for (const file of ["answers-long.csv", "answers-wide.csv", "data-dictionary.csv", "coded-spans.csv", "codebook.csv"]) {
      const response = await researcher.post(`${base}/exports/${file}`, {}, { csrf });
      expect(response.status, file).toBe(200);
      outputs[file] = await response.text();
    }
    const qdpx = await researcher.post(`${base}/quotes/qdpx`, {}, { csrf });
    expect(qdpx.status).toBe(200);
    outputs.qdpx = unzipText(Buffer.from(await qdpx.arrayBuffer()));
    expect(outputs.qdpx).toContain("The volunteer waited");
    for (const path of [`/o/${fx.orgSlug}/you-said-we-did`, `/o/${fx.orgSlug}/you-said-we-did/feed.xml`]) {
      outputs[path] = await (await fetch(app.url + path)).text();
    }
    for (const [name, body] of Object.entries(outputs)) expect(body, name).not.toMatch(/MEMO-ON-(SPAN|STUDY|THEME)|ask the group/);
  });

  it("are read by no export or public module (only the workspace's coding and codebook code touches the memo table)", () => {
    const modules = [
      "app/coding/quotes.server.ts",
      "app/coding/exports.server.ts",
      "app/coding/export-downloads.server.ts",
      "app/coding/qdpx.server.ts",
      "app/coding/quote-form.server.ts",
      "app/routes/o.$org.you-said-we-did._index.tsx",
      "app/routes/o.$org.you-said-we-did.$entry.tsx",
      "app/routes/o.$org.you-said-we-did.feed[.]xml.tsx",
    ];
    for (const path of modules) expect(readFileSync(path, "utf8"), path).not.toMatch(/["'`]memo["'`]|memo\./);
  });
});
