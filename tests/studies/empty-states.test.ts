/**
 * Empty pages say what to do next and link there (issue 14 item 2), but only to a page, or a form on
 * the page, that this member may use: a peer researcher's empty dashboard does not send them to the
 * code cards, which are a facilitator's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { createCodingFixture, type CodingFixture } from "../coding/fixtures";

type Role = "researcher" | "peer_researcher" | "facilitator" | "publisher";
let app: TestApp;
let fx: CodingFixture;
let base: string;
const as: Partial<Record<Role, WorkspaceClient>> = {};

beforeAll(async () => {
  app = await startTestApp({ demo: false });
  fx = await createCodingFixture(app.db);
  base = `/research/${fx.orgSlug}/studies/${fx.studySlug}`;
  for (const role of ["researcher", "peer_researcher", "facilitator", "publisher"] as const) {
    await makeMember(app.db, { organisationId: fx.scope.organisationId, email: `${role}@empty.test`, role });
    const client = new WorkspaceClient(app.url);
    expect((await client.signIn(`${role}@empty.test`, TEST_PASSWORD)).status).toBe(302);
    as[role] = client;
  }
}, 180_000);
afterAll(() => app?.close());

/** The empty state's text and links on a page, as this member sees it. */
async function emptyState(role: Role, path: string) {
  const response = await as[role]!.get(path);
  expect(response.status, `${role} ${path}`).toBe(200);
  const html = await response.text();
  const panel = /<div class="ws-panel" data-testid="empty-state">([\s\S]*?)<\/div>/.exec(html)?.[1];
  expect(panel, `${role} ${path} has an empty state`).toBeDefined();
  const links = [...panel!.matchAll(/<a [^>]*href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, "&"));
  return {
    text: panel!
      .replace(/<[^>]+>/g, "")
      .replace(/&#x27;|&#39;/g, "'")
      .replace(/&quot;/g, '"'),
    links,
    html,
  };
}

/** A link either opens for this member or lands on a form of the page they are on. */
async function expectUsable(role: Role, page: { html: string }, href: string) {
  const [path, anchor] = href.split("#");
  if (path) expect((await as[role]!.get(path)).status, `${role} → ${href}`).toBe(200);
  if (anchor) expect(page.html, `${role}: the page has #${anchor}`).toContain(`id="${anchor}"`);
}

describe("empty states", () => {
  it("coding: nothing to code yet → add a session", async () => {
    const page = await emptyState("researcher", `${base}/coding`);
    expect(page.text).toContain("Nothing to code yet: add a session with its transcript");
    expect(page.links).toEqual([`${base}/fieldwork`]);
    await expectUsable("researcher", page, page.links[0]!);
  });

  it("sessions: whoever may add one is taken to the form; a peer researcher, who may not, is only told", async () => {
    const facilitator = await emptyState("facilitator", `${base}/fieldwork`);
    expect(facilitator.text).toContain("Add the first focus group or interview");
    expect(facilitator.links.map((h) => h.replace(/^.*#/, "#"))).toEqual(["#new-session"]);
    await expectUsable("facilitator", facilitator, facilitator.links[0]!);
    const peer = await emptyState("peer_researcher", `${base}/fieldwork`);
    expect(peer.text).toContain("No sessions yet.");
    expect(peer.links).toEqual([]);
  });

  it("themes: a researcher creates or imports the first; a peer researcher proposes one", async () => {
    const researcher = await emptyState("researcher", `${base}/themes`);
    expect(researcher.text).toContain("No themes yet. Themes are the codes you apply");
    expect(researcher.links.map((h) => h.replace(/^.*#/, "#"))).toEqual(["#new-theme", `${base}/themes/import`]);
    for (const href of researcher.links) await expectUsable("researcher", researcher, href);
    const peer = await emptyState("peer_researcher", `${base}/themes`);
    expect(peer.text).toContain("A researcher creates them; you can propose one below.");
    expect(peer.links.map((h) => h.replace(/^.*#/, "#"))).toEqual(["#new-theme"]);
    await expectUsable("peer_researcher", peer, peer.links[0]!);
    expect(peer.html).not.toContain(`${base}/themes/import`);
  });

  it("quotes: nothing coded yet → go to coding", async () => {
    const page = await emptyState("researcher", `${base}/quotes`);
    expect(page.text).toContain("No quotes yet.");
    expect(page.links).toEqual([`${base}/coding`]);
    await expectUsable("researcher", page, page.links[0]!);
  });

  it("dashboard: no answers → issue codes, linked only for a member who may issue them", async () => {
    const researcher = await emptyState("researcher", `${base}/dashboard`);
    expect(researcher.text).toContain("Nobody has answered yet.");
    expect(researcher.links).toEqual([`${base}/codes`]);
    await expectUsable("researcher", researcher, researcher.links[0]!);
    const peer = await emptyState("peer_researcher", `${base}/dashboard`);
    expect(peer.text).toContain("Nobody has answered yet.");
    expect(peer.links).toEqual([]);
    expect((await as.peer_researcher!.get(`${base}/codes`)).status).toBe(403);
  });

  it("report back: no entries → the form to start one", async () => {
    const page = await emptyState("publisher", `/research/${fx.orgSlug}/report-back`);
    expect(page.text).toContain('Start the first "you said, we did" entry');
    expect(page.links.map((h) => h.replace(/^.*#/, "#"))).toEqual(["#new-entry"]);
    await expectUsable("publisher", page, page.links[0]!);
  });
});
