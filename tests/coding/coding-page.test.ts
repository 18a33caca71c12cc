/**
 * The coding page without JavaScript, over HTTP (issue 14 item 4): the transcript is compact, with
 * no theme list per turn; each turn links to its own form, where a quick theme codes the whole turn
 * in one press; the quick themes are the coder's most recent, in codebook order, filled from the
 * codebook; the quick path refuses another organisation's theme as the list does, changing nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTheme } from "../../app/coding/codebook.server";
import { quickThemeIds } from "../../app/coding/quick-themes";
import { readSegments } from "../../app/consent/units.server";
import { addAttendee, createGathering, importTranscript } from "../../app/fieldwork/gatherings.server";
import { startTestApp, type TestApp } from "../support/app";
import { csrfFrom, makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { addParticipant, createCodingFixture, type CodingFixture } from "./fixtures";

let app: TestApp;
let fx: CodingFixture;
let researcher: WorkspaceClient;
let coderId: string;
let page: string;
let turns: { key: string; text: string }[];
const leaves: string[] = [];

beforeAll(async () => {
  app = await startTestApp({ demo: false });
  fx = await createCodingFixture(app.db);
  coderId = await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "nojs@coding.test", role: "researcher" });
  researcher = new WorkspaceClient(app.url);
  expect((await researcher.signIn("nojs@coding.test", TEST_PASSWORD)).status).toBe(302);
  const session = await createGathering(app.db, fx.scope, null, { kind: "interview", label: "Interview", heldOn: "2026-03-12" });
  const person = await addParticipant(app.db, fx, { language: "ar" });
  await addAttendee(app.db, fx.scope, session, person);
  const lines = Array.from({ length: 12 }, (_, i) => (i % 2 ? `P: شعرت بالأمان ${i}` : `F: How was it? (${i})`));
  await importTranscript(app.db, fx.scope, session, {
    source: lines.join("\n"),
    language: "en",
    mapping: { F: { role: "facilitator" }, P: { role: "participant", participantId: person } },
  });
  turns = (await readSegments(app.db, fx.scope, "analysis", { sessionId: session })).map((s) => ({ key: s.key, text: s.text }));
  const heading = (await createTheme(app.db, fx.scope, null, { name: "Relational values" })).id;
  for (let i = 1; i <= 12; i++) leaves.push((await createTheme(app.db, fx.scope, null, { name: `Value ${i}`, parentId: heading })).id);
  page = `/research/${fx.orgSlug}/studies/${fx.studySlug}/coding?session=${session}&page=1`;
}, 180_000);
afterAll(() => app?.close());

const quickButtons = (html: string) => [...html.matchAll(/name="quick" value="([0-9a-f-]{36})"/g)].map((m) => m[1]);

describe("the coding page without JavaScript", () => {
  it("shows the turns compact, each in its own language, with one link to its form and no theme list", async () => {
    const html = await (await researcher.get(page)).text();
    expect(html.match(/<select\b/g)).toHaveLength(1); // the transcript to show, once for the page
    expect(html).not.toContain('name="theme"');
    expect(html).not.toContain("<textarea");
    expect(html.match(/<section id="u\d+"/g)).toHaveLength(12);
    expect(html.match(/open=\d+#u\d+/g)).toHaveLength(12);
    expect(html).toContain('lang="ar" dir="auto"><span>شعرت بالأمان 1');
  });

  it("opens one turn's form, where a quick theme codes the whole turn in one press", async () => {
    const opened = `${page}&open=1`;
    const form = await (await researcher.get(opened)).text();
    expect(form.match(/<select\b/g)).toHaveLength(3); // the transcript, this turn's themes, its translation's language
    expect(form).toContain('id="u1-theme"');
    // Nothing coded yet: the codebook's first nine themes without sub-themes, in its order.
    expect(quickButtons(form)).toEqual(leaves.slice(0, 9));

    const turn = turns[1]!;
    const end = String(Array.from(turn.text).length);
    const answer = await researcher.post(opened, { quick: leaves[10]!, unit: turn.key, start: "0", end }, { csrf: csrfFrom(form) });
    expect(await answer.text()).toContain("Theme applied.");
    const stored = await app.db.selectFrom("coding").select(["theme_id", "start_cp", "end_cp"]).where("coder_id", "=", coderId).execute();
    expect(stored).toEqual([{ theme_id: leaves[10], start_cp: 0, end_cp: Number(end) }]);

    // The theme just used joins the quick themes, in codebook order, in place of the ninth.
    expect(quickButtons(await (await researcher.get(opened)).text())).toEqual([...leaves.slice(0, 8), leaves[10]]);
    // The chip on the compact page removes it: a button naming the coding, in the turn's one form.
    const compact = await (await researcher.get(page)).text();
    expect(compact).toContain('aria-label="Remove Value 11"');
    const { id } = await app.db.selectFrom("coding").select("id").where("coder_id", "=", coderId).executeTakeFirstOrThrow();
    expect(compact).toContain(`name="coding" value="${id}"`);
    const removed = await researcher.post(page, { intent: "remove", unit: turn.key, coding: id }, { csrf: csrfFrom(compact) });
    expect(await removed.text()).toContain("Coding removed.");
    expect(await app.db.selectFrom("coding").select("id").where("coder_id", "=", coderId).execute()).toEqual([]);
  });

  it("refuses another organisation's theme through the quick path, and stores nothing", async () => {
    const other = await createCodingFixture(app.db);
    const foreign = (await createTheme(app.db, other.scope, null, { name: "Elsewhere" })).id;
    const before = await app.db.selectFrom("coding").select("id").execute();
    const opened = `${page}&open=3`;
    const csrf = csrfFrom(await (await researcher.get(opened)).text());
    const refused = await researcher.post(opened, { quick: foreign, unit: turns[3]!.key, start: "0", end: "3" }, { csrf });
    expect(refused.status).toBe(200);
    expect(await refused.text()).toContain("That theme cannot be used for coding.");
    expect(await app.db.selectFrom("coding").select("id").execute()).toEqual(before);
    // And without the page's CSRF token nothing is stored either.
    expect((await researcher.post(opened, { quick: leaves[0]!, unit: turns[3]!.key, start: "0", end: "3" })).status).toBe(403);
    expect(await app.db.selectFrom("coding").select("id").execute()).toEqual(before);
  });
});

describe("quick themes", () => {
  const tree = [
    { id: "heading", parentId: null },
    { id: "a", parentId: "heading" },
    { id: "b", parentId: "heading" },
    { id: "c", parentId: "heading" },
    { id: "alone", parentId: null },
  ];

  it("are the recent ones in codebook order, filled with themes without sub-themes", () => {
    expect(quickThemeIds(tree, [], 3)).toEqual(["a", "b", "c"]);
    expect(quickThemeIds(tree, ["alone"], 3)).toEqual(["a", "b", "alone"]);
    expect(quickThemeIds(tree, ["c", "heading"], 3)).toEqual(["heading", "a", "c"]);
    // Applying a theme already there moves no number.
    expect(quickThemeIds(tree, ["b", "a", "c"], 3)).toEqual(quickThemeIds(tree, ["a", "c", "b"], 3));
  });

  it("leave out a theme the coder may no longer use", () => {
    expect(quickThemeIds(tree, ["merged-away", "b"], 2)).toEqual(["a", "b"]);
  });
});
