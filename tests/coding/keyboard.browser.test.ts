/**
 * The coding page driven by keyboard alone, in Chromium (issue 14 item 4): a turn is one tab stop,
 * J/K and the arrows move between turns, a number applies a quick theme to the whole turn or to
 * words selected with the keyboard, a cleared selection codes the whole turn again (item 5), Enter
 * finds any theme of the hierarchy by typing, Tab reaches the current turn's codes to remove one,
 * ? shows the keys and Escape closes them, O opens the turn's full form. Every coding is stored as
 * the keys said, announced in a live region, the focus stays on the turn, the page hydrates without
 * a mismatch, shows no message key in place of words, and axe finds nothing.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTheme } from "../../app/coding/codebook.server";
import { readSegments } from "../../app/consent/units.server";
import { addAttendee, createGathering, importTranscript } from "../../app/fieldwork/gatherings.server";
import { axeViolations, browserAvailable, launchBrowser } from "../support/browser";
import { startTestApp, type TestApp } from "../support/app";
import { makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { addParticipant, createCodingFixture, type CodingFixture } from "./fixtures";

const hasBrowser = browserAvailable();
let app: TestApp;
let browser: Browser;
let client: WorkspaceClient;
let fx: CodingFixture;
let coderId: string;
let page: string;
const themes: Record<string, string> = {};
let turns: { key: string; text: string }[];

const TRANSCRIPT = [
  "F: Croeso. Sut oedd y gwasanaeth?",
  "P1: Roedd y gŵr yn garedig iawn 🙂 a chefais amser i wella.",
  "P2: شعرت بالأمان عندما تحدث أحدهم بلغتي",
  "P1: Nobody explained the letter, so I waited three weeks.",
].join("\n");

beforeAll(async () => {
  if (!hasBrowser) return;
  app = await startTestApp({ demo: false });
  fx = await createCodingFixture(app.db);
  coderId = await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "keys@browser.test", role: "researcher" });
  client = new WorkspaceClient(app.url);
  expect((await client.signIn("keys@browser.test", TEST_PASSWORD)).status).toBe(302);
  const session = await createGathering(app.db, fx.scope, null, { kind: "focus_group", label: "Keys group", heldOn: "2026-03-12" });
  const p1 = await addParticipant(app.db, fx, { language: "cy" });
  const p2 = await addParticipant(app.db, fx, { language: "ar" });
  await addAttendee(app.db, fx.scope, session, p1);
  await addAttendee(app.db, fx.scope, session, p2);
  await importTranscript(app.db, fx.scope, session, {
    source: TRANSCRIPT,
    language: "cy",
    mapping: { F: { role: "facilitator" }, P1: { role: "participant", participantId: p1 }, P2: { role: "participant", participantId: p2 } },
  });
  turns = (await readSegments(app.db, fx.scope, "analysis", { sessionId: session })).map((s) => ({ key: s.key, text: s.text }));
  // A two-level codebook: a heading and its themes, and one theme on its own.
  const values = (await createTheme(app.db, fx.scope, null, { name: "Relational values" })).id;
  for (const name of ["Genuine care", "Being heard", "Safety and respect"])
    themes[name] = (await createTheme(app.db, fx.scope, null, { name, parentId: values })).id;
  themes["Waiting"] = (await createTheme(app.db, fx.scope, null, { name: "Waiting" })).id;
  page = `${app.url}/research/${fx.orgSlug}/studies/${fx.studySlug}/coding?session=${session}`;
  browser = await launchBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const codings = () =>
  app.db
    .selectFrom("coding")
    .select(["id", "theme_id", "segment_id", "start_cp", "end_cp"])
    .where("coder_id", "=", coderId)
    .orderBy("created_at")
    .execute();

// A coding is announced once the page's data has come back; on a busy machine that takes a while.
const SOON = { timeout: 15_000 };

const focused = (p: Page) => p.evaluate(() => document.activeElement?.id ?? "");

describe.skipIf(!hasBrowser)("the coding page driven by keyboard alone", () => {
  it("moves between turns, codes whole turns and selected words, finds themes, removes a code, shows the keys", async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const url = new URL(app.url);
    await context.addCookies([...client.cookies].map(([name, value]) => ({ name, value, domain: url.hostname, path: "/" })));
    const p = await context.newPage();
    const problems: string[] = [];
    p.on("pageerror", (e) => problems.push(e.message));
    p.on("console", (m) => {
      if (m.type() === "error" && !m.location().url.endsWith("/favicon.ico")) problems.push(m.text());
    });
    await p.goto(page);
    await p.waitForSelector(".qb"); // hydrated: the quick bar is the script's

    // A turn is one tab stop: Tab from the quick bar's last control lands on the first turn, and only one turn is in the Tab order.
    expect(await p.locator('.ct[tabindex="0"]').count()).toBe(1);
    await p.locator(".qb-row button").focus();
    await p.keyboard.press("Tab");
    expect(await focused(p)).toBe("u0");
    await p.keyboard.press("j");
    expect(await focused(p)).toBe("u1");
    await p.keyboard.press("ArrowDown");
    expect(await focused(p)).toBe("u2");
    await p.keyboard.press("k");
    expect(await focused(p)).toBe("u1");
    expect(await p.locator('.ct[tabindex="0"]').getAttribute("id")).toBe("u1");

    // 1: the first quick theme (the codebook's first theme without sub-themes) on the whole turn.
    const turn = turns[1]!;
    const length = Array.from(turn.text).length;
    await p.keyboard.press("1");
    await expect.poll(async () => (await codings()).length, SOON).toBe(1);
    expect(await codings()).toMatchObject([
      { theme_id: themes["Genuine care"], segment_id: turn.key.slice(2), start_cp: 0, end_cp: length },
    ]);
    await expect.poll(() => p.locator("#ct-said").textContent(), SOON).toContain("Genuine care applied to Participant 1, the whole turn");
    await p.waitForSelector("#u1 .ct-chip");
    expect(await focused(p)).toBe("u1");

    // S: select words with Shift and the arrows, then 2 codes just those words.
    await p.keyboard.press("s");
    expect(await focused(p)).toBe("u1-s");
    const from = Array.from(turn.text).indexOf("g"); // "gŵr yn garedig"
    for (let i = 0; i < from; i++) await p.keyboard.press("ArrowRight");
    for (let i = 0; i < "gŵr yn garedig".length; i++) await p.keyboard.press("Shift+ArrowRight");
    await expect.poll(() => p.locator(".qb-target").innerText(), SOON).toContain("“gŵr yn garedig”");
    await p.keyboard.press("2");
    await expect.poll(async () => (await codings()).length, SOON).toBe(2);
    const span = (await codings())[1]!;
    expect(span.theme_id).toBe(themes["Being heard"]);
    expect(Array.from(turn.text).slice(span.start_cp, span.end_cp).join("")).toBe("gŵr yn garedig");

    // A cleared selection means the whole turn again, not the last words selected (issue 14 item 5).
    await p.keyboard.press("Shift+ArrowRight");
    await p.keyboard.press("ArrowRight");
    await expect.poll(() => p.locator(".qb-target").innerText(), SOON).toContain("the whole turn");
    await p.keyboard.press("3");
    await expect.poll(async () => (await codings()).length, SOON).toBe(3);
    expect((await codings())[2]).toMatchObject({ theme_id: themes["Safety and respect"], start_cp: 0, end_cp: length });
    await p.keyboard.press("Escape");
    expect(await focused(p)).toBe("u1");

    // Enter: find any theme by typing; Enter applies it to the turn, and the focus comes back to the turn.
    await p.keyboard.press("ArrowDown");
    expect(await focused(p)).toBe("u2");
    await p.keyboard.press("Enter");
    expect(await focused(p)).toBe("qb-find");
    await p.keyboard.type("wait");
    expect((await p.locator("#qb-list [role=option]").allInnerTexts()).map((o) => o.trim())).toEqual(["Waiting"]);
    await p.keyboard.press("Enter");
    await expect.poll(async () => (await codings()).length, SOON).toBe(4);
    expect((await codings())[3]).toMatchObject({ theme_id: themes["Waiting"], segment_id: turns[2]!.key.slice(2) });
    expect(await focused(p)).toBe("u2");
    // Typing a parent's name lists its themes too, indented beneath it.
    await p.keyboard.press("Enter");
    await p.keyboard.type("relational");
    expect(await p.locator("#qb-list [role=option]").count()).toBe(4);
    await p.keyboard.press("Escape");
    expect(await focused(p)).toBe("u2");

    // Tab reaches the current turn's codes (and only its): remove the one just applied. Its chip
    // comes with the page's reload of data after the coding is saved (slow on a busy machine): a
    // person tabs to it once it is there.
    await p.waitForSelector('#u2 [aria-label="Remove Waiting"]', { timeout: SOON.timeout });
    await p.keyboard.press("Tab");
    expect(await p.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Remove Waiting");
    await p.keyboard.press("Enter");
    await expect.poll(async () => (await codings()).length, SOON).toBe(3);
    await expect.poll(() => focused(p), SOON).toBe("u2");
    await p.waitForSelector("#u2 .ct-chip", { state: "detached" });

    // ?: the keys, in a dialog that Escape closes.
    await p.keyboard.press("?");
    expect(await p.locator("dialog.qb-help").isVisible()).toBe(true);
    expect(await axeViolations(p)).toEqual([]);
    await p.keyboard.press("Escape");
    await expect.poll(() => p.locator("dialog.qb-help").count(), SOON).toBe(0);
    expect(await focused(p)).toBe("u2");

    // Nothing typed into a field is taken as a key.
    await p.locator("#qb-find").focus();
    await p.keyboard.type("1j");
    expect(await p.locator("#qb-find").inputValue()).toBe("1j");
    expect((await codings()).length).toBe(3);
    await p.keyboard.press("Escape");

    // O: the turn's full form (exact characters, redaction, translation, memos), without a reload.
    await p.keyboard.press("o");
    await p.waitForURL(/open=2/);
    await expect.poll(() => focused(p), SOON).toBe("u2-text");

    expect(await axeViolations(p)).toEqual([]);
    const text = await p.evaluate(() => document.body.innerText);
    expect(text.match(/\b(?:coding|workspace|common)\.[a-zA-Z]+\.[a-zA-Z.]+/g) ?? []).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("codes words selected with the mouse from the quick bar, keeps them selected for the next theme, and leaves with the right words", async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const url = new URL(app.url);
    await context.addCookies([...client.cookies].map(([name, value]) => ({ name, value, domain: url.hostname, path: "/" })));
    const p = await context.newPage();
    await p.goto(page);
    await p.waitForSelector(".qb");
    const before = (await codings()).length;
    const turn = turns[3]!;
    const words = "waited three weeks";
    // Drag across the words in the fourth turn's text, as a mouse does.
    await p.locator("#u3-t").scrollIntoViewIfNeeded();
    const [start, end, y] = await p.evaluate((w) => {
      const node = document.querySelector("#u3-t span")!.firstChild as Text;
      const at = node.data.indexOf(w);
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + 1);
      const first = range.getBoundingClientRect();
      range.setStart(node, at + w.length - 1);
      range.setEnd(node, at + w.length);
      const last = range.getBoundingClientRect();
      return [first.left + 1, last.right - 1, first.top + first.height / 2];
    }, words);
    await p.mouse.move(start, y);
    await p.mouse.down();
    await p.mouse.move(end, y, { steps: 8 });
    await p.mouse.up();
    await expect.poll(() => p.locator(".qb-target").innerText(), SOON).toContain(`“${words}”`);
    await p.locator(".qb-theme", { hasText: "Being heard" }).click();
    await expect.poll(async () => (await codings()).length, SOON).toBe(before + 1);
    const coded = (await codings())[before]!;
    expect(coded).toMatchObject({ theme_id: themes["Being heard"], segment_id: turn.key.slice(2) });
    expect(Array.from(turn.text).slice(coded.start_cp, coded.end_cp).join("")).toBe(words);
    // The marks were drawn again, and the same words are still selected: the next theme goes to them too.
    await p.waitForSelector("#u3-t mark");
    expect(await p.evaluate(() => document.getSelection()?.toString())).toBe(words);
    await p.keyboard.press("4");
    await expect.poll(async () => (await codings()).length, SOON).toBe(before + 2);
    expect((await codings())[before + 1]).toMatchObject({ theme_id: themes["Waiting"], start_cp: coded.start_cp, end_cp: coded.end_cp });
    // A click in the text clears the selection: the whole turn again (issue 14 item 5).
    await p.mouse.click(start, y);
    await expect.poll(() => p.locator(".qb-target").innerText(), SOON).toContain("the whole turn");

    // Leaving for another page in the browser (no reload) brings the messages that page needs.
    await p.locator(".ws-subnav a", { hasText: /^Themes$/ }).click();
    await p.waitForURL(/\/themes$/);
    await p.waitForSelector("text=Relational values");
    const text = await p.evaluate(() => document.body.innerText);
    expect(text.match(/\b(?:coding|workspace|common)\.[a-zA-Z]+\.[a-zA-Z.]+/g) ?? []).toEqual([]);
    await context.close();
  });
});
