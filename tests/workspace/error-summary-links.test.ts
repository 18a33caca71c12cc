/**
 * The workspace's one error summary links each refusal to the control that puts it right (GOV.UK
 * error summary; issue 13 item 2), on the pages that used to show a bare sentence: a gathering's
 * page, the coding page, redactions, and the set-a-password page behind invitation and reset links.
 * Each test also checks the link's target exists on the same page, so the link cannot point nowhere.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGathering } from "../../app/fieldwork/gatherings.server";
import { setRedactionNames } from "../../app/coding/codings.server";
import { suggestRedactions } from "../../app/coding/redactions.server";
import { issuePasswordLinkByOperator } from "../../app/organisations/people.server";
import { startTestApp, type TestApp } from "../support/app";
import { makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { addAnswer, addParticipant, createCodingFixture, type CodingFixture } from "../coding/fixtures";

let app: TestApp;
let fx: CodingFixture;
let base: string;
let researcher: WorkspaceClient;
let researcherId: string;
let unit: string;

beforeAll(async () => {
  app = await startTestApp({ demo: false });
  fx = await createCodingFixture(app.db);
  base = `/research/${fx.orgSlug}/studies/${fx.studySlug}`;
  researcherId = await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "rhian@summary.test", role: "researcher" });
  const participantId = await addParticipant(app.db, fx);
  unit = await addAnswer(app.db, fx, participantId, "The group helped me find a GP and Amina found me a college course.");
  researcher = new WorkspaceClient(app.url);
  expect((await researcher.signIn("rhian@summary.test", TEST_PASSWORD)).status).toBe(302);
}, 180_000);
afterAll(() => app?.close());

/** The summary's links, and whether each target id is on the page. */
function summaryLinks(html: string) {
  const summary = /<div class="ws-error-summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? "";
  return [...summary.matchAll(/<a href="#([^"]+)"/g)].map((m) => ({ id: m[1]!, present: html.includes(`id="${m[1]}"`) }));
}

describe("a new gathering", () => {
  it("names each wrong field in the summary and links to it, and creates nothing", async () => {
    const html = await (
      await researcher.submit(`${base}/fieldwork`, { kind: "focus_group", label: "", heldOn: "next Tuesday", languages: "English!" })
    ).text();
    expect(summaryLinks(html)).toEqual([
      { id: "label", present: true },
      { id: "heldOn", present: true },
      { id: "languages", present: true },
    ]);
    expect(html).toContain("Enter the date the session was held.");
    const rows = await app.db.selectFrom("study_session").select("id").where("study_id", "=", fx.scope.studyId).execute();
    expect(rows).toEqual([]);
  });
});

describe("a gathering's page", () => {
  let page: string;
  beforeAll(async () => {
    const id = await createGathering(app.db, fx.scope, researcherId, { kind: "focus_group", label: "Tuesday group", heldOn: "2026-11-03" });
    page = `${base}/fieldwork/${id}`;
  });

  it("links a code that is not a participant code to the code box", async () => {
    const html = await (await researcher.submit(page, { intent: "attendee", code: "NOT-A-CODE" })).text();
    expect(summaryLinks(html)).toEqual([{ id: "code", present: true }]);
  });

  it("links an empty transcript to the box to paste it in", async () => {
    const html = await (await researcher.submit(page, { intent: "preview", source: "   ", language: "en" })).text();
    expect(summaryLinks(html)).toEqual([{ id: "source", present: true }]);
  });
});

describe("the coding page", () => {
  it("links a refused coding to the text it was for", async () => {
    const html = await (
      await researcher.submit(`${base}/coding?source=answers`, { intent: "apply", unit, theme: randomUUID(), start: "0", end: "5" })
    ).text();
    const links = summaryLinks(html);
    expect(links).toHaveLength(1);
    expect(links[0]!.present).toBe(true);
    // The section the link lands on holds that text.
    const section = new RegExp(`<section id="${links[0]!.id}"[\\s\\S]*?</section>`).exec(html)?.[0] ?? "";
    expect(section).toContain("find a GP");
  });
});

describe("redactions", () => {
  it("links an extent the text cannot hold to that redaction's 'from' box", async () => {
    await setRedactionNames(app.db, fx.scope, ["Amina"]);
    expect(await suggestRedactions(app.db, fx.scope)).toBe(1);
    const { id: redactionId } = await app.db
      .selectFrom("redaction")
      .select("id")
      .where("study_id", "=", fx.scope.studyId)
      .executeTakeFirstOrThrow();
    const html = await (
      await researcher.submit(`${base}/coding/redactions`, { intent: "extend", id: redactionId, start: "40", end: "900" })
    ).text();
    expect(summaryLinks(html)).toEqual([{ id: `start-${redactionId}`, present: true }]);
  });
});

describe("setting a password from a link", () => {
  it("links a password that is too short to the password box, and a mismatch to the confirmation box", async () => {
    const { token } = await issuePasswordLinkByOperator(app.db, researcherId);
    const visitor = new WorkspaceClient(app.url);
    const short = await (await visitor.submit(`/research/reset/${token}`, { password: "short", confirm: "short" })).text();
    expect(summaryLinks(short).length).toBeGreaterThan(0);
    expect(summaryLinks(short).every((l) => l.id === "password" && l.present)).toBe(true);
    const html = await (
      await visitor.submit(`/research/reset/${token}`, {
        password: "a long and unusual new passphrase 9",
        confirm: "something else entirely",
      })
    ).text();
    expect(summaryLinks(html)).toEqual([{ id: "confirm", present: true }]);
    // Each message also stands beside its box, tied to it for screen readers.
    expect(html).toMatch(/<input[^>]*id="confirm"[^>]*aria-describedby="confirm-error"|aria-describedby="confirm-error"[^>]*id="confirm"/);
  });
});
