/**
 * The session page's turns over HTTP, without JavaScript: each turn is shown in its own language
 * (lang on the element, so a screen reader reads Arabic in an Arabic voice), a researcher corrects a
 * language and links an interpreter's turn to the turn it renders in one form, and a bad link is
 * refused with a message and changes nothing. A facilitator without data access sees no words.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addAttendee, createGathering, importTranscript, listTurns } from "../../app/fieldwork/gatherings.server";
import { startTestApp, type TestApp } from "../support/app";
import { makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { addParticipant, createCodingFixture, type CodingFixture } from "../coding/fixtures";

let app: TestApp;
let fx: CodingFixture;
let base: string;
let researcher: WorkspaceClient;
let fran: WorkspaceClient;
let sessionId: string;

beforeAll(async () => {
  app = await startTestApp({ demo: false });
  fx = await createCodingFixture(app.db);
  base = `/research/${fx.orgSlug}/studies/${fx.studySlug}`;
  await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "rhian@turns.test", role: "researcher" });
  const franId = await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "fran@turns.test", role: "facilitator" });
  researcher = new WorkspaceClient(app.url);
  fran = new WorkspaceClient(app.url);
  expect((await researcher.signIn("rhian@turns.test", TEST_PASSWORD)).status).toBe(302);
  expect((await fran.signIn("fran@turns.test", TEST_PASSWORD)).status).toBe(302);
  const amal = await addParticipant(app.db, fx);
  sessionId = await createGathering(app.db, fx.scope, null, {
    kind: "focus_group",
    label: "Group A",
    heldOn: "2026-03-03",
    facilitatorUserId: franId,
  });
  await addAttendee(app.db, fx.scope, sessionId, amal);
  await importTranscript(app.db, fx.scope, sessionId, {
    source: "F: Croeso. What helped?\nA: شعرت بالأمان هنا WORDS-A\nI: I felt safe here WORDS-I\nI: Thank you",
    language: "en",
    mapping: { F: { role: "facilitator" }, A: { role: "participant", participantId: amal }, I: { role: "interpreter" } },
  });
}, 180_000);
afterAll(() => app?.close());

describe("the session page's turns", () => {
  it("shows each turn in its own language and saves corrected languages and links from one form", async () => {
    const page = await (await researcher.get(`${base}/fieldwork/${sessionId}`)).text();
    expect(page).toMatch(/<td lang="ar" dir="auto"[^>]*>شعرت بالأمان هنا WORDS-A<\/td>/);
    expect(page).toMatch(/<td lang="en" dir="auto"[^>]*>I felt safe here WORDS-I<\/td>/);
    const [welcome, arabic, rendering, thanks] = await listTurns(app.db, fx.scope, sessionId);

    const csrf = await researcher.csrf();
    const saved = await researcher.post(
      `${base}/fieldwork/${sessionId}`,
      {
        intent: "turns",
        turn: [welcome!.id, arabic!.id, rendering!.id, thanks!.id],
        [`lang_${welcome!.id}`]: "cy",
        [`lang_${arabic!.id}`]: "ar",
        [`lang_${rendering!.id}`]: "en",
        [`renders_${rendering!.id}`]: arabic!.id,
        [`lang_${thanks!.id}`]: "en",
        [`renders_${thanks!.id}`]: "",
      },
      { csrf },
    );
    expect(saved.status).toBe(200);
    const after = await listTurns(app.db, fx.scope, sessionId);
    expect(after.map((x) => [x.language, x.rendersId])).toEqual([
      ["cy", null],
      ["ar", null],
      ["en", arabic!.id],
      ["en", null],
    ]);
    const html = await (await researcher.get(`${base}/fieldwork/${sessionId}`)).text();
    expect(html).toMatch(/<td lang="cy" dir="auto"[^>]*>Croeso\. What helped\?<\/td>/);
    expect(html).toContain(`<option value="${arabic!.id}" selected="">`);

    // a participant's turn cannot be made a rendering: refused with a message, nothing changed
    const refused = await researcher.post(
      `${base}/fieldwork/${sessionId}`,
      { intent: "turns", turn: [welcome!.id, arabic!.id], [`lang_${welcome!.id}`]: "en", [`renders_${arabic!.id}`]: welcome!.id },
      { csrf },
    );
    expect(refused.status).toBe(200);
    expect(await refused.text()).toContain("Only an interpreter&#x27;s turn can be linked");
    expect((await listTurns(app.db, fx.scope, sessionId))[0]!.language).toBe("cy");
  });

  it("a facilitator without data access sees the session but none of the words, and cannot change turns", async () => {
    const page = await fran.get(`${base}/fieldwork/${sessionId}`);
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain("WORDS-A");
    const [first] = await listTurns(app.db, fx.scope, sessionId);
    const res = await fran.post(
      `${base}/fieldwork/${sessionId}`,
      { intent: "turns", turn: first!.id, [`lang_${first!.id}`]: "fa" },
      { csrf: await fran.csrf() },
    );
    expect(res.status).toBe(403);
    expect((await listTurns(app.db, fx.scope, sessionId))[0]!.language).toBe("cy");
  });
});
