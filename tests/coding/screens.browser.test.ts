/**
 * Chromium end to end: import a transcript and map its speakers, code a span with the keyboard only,
 * export quotes; stored-XSS payloads in the transcript stay inert (no dialog, no injected element);
 * axe finds nothing on the coding page.
 */
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTheme } from "../../app/coding/codebook.server";
import { utf16ToCodePoint } from "../../app/coding/spans";
import { addAttendee, createGathering } from "../../app/fieldwork/gatherings.server";
import { axeViolations, browserAvailable, launchBrowser } from "../support/browser";
import { startTestApp, type TestApp } from "../support/app";
import { makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { addParticipant, createCodingFixture, type CodingFixture } from "./fixtures";

const hasBrowser = browserAvailable();
let app: TestApp;
let browser: Browser;
let client: WorkspaceClient;
let fx: CodingFixture;
let base: string;
let sessionId: string;
let themeId: string;

beforeAll(async () => {
  if (!hasBrowser) return;
  app = await startTestApp({ demo: false });
  fx = await createCodingFixture(app.db);
  base = `/research/${fx.orgSlug}/studies/${fx.studySlug}`;
  await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "coder@browser.test", role: "researcher" });
  client = new WorkspaceClient(app.url);
  expect((await client.signIn("coder@browser.test", TEST_PASSWORD)).status).toBe(302);
  const p1 = await addParticipant(app.db, fx, { quotes: true, language: "cy" });
  sessionId = await createGathering(app.db, fx.scope, null, {
    kind: "interview",
    label: "Interview 1",
    heldOn: "2026-03-12",
    languages: ["cy"],
  });
  await addAttendee(app.db, fx.scope, sessionId, p1);
  themeId = (await createTheme(app.db, fx.scope, null, { name: "Genuine care" })).id;
  browser = await launchBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function signedIn(javaScriptEnabled: boolean): Promise<BrowserContext> {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1100, height: 900 }, acceptDownloads: true });
  const url = new URL(app.url);
  await context.addCookies([...client.cookies].map(([name, value]) => ({ name, value, domain: url.hostname, path: "/" })));
  return context;
}

describe.skipIf(!hasBrowser)("coding in Chromium", () => {
  it("imports a transcript, maps speakers, codes a span by keyboard, exports quotes", async () => {
    const context = await signedIn(true);
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on("dialog", async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));

    await page.goto(`${app.url}${base}/fieldwork/${sessionId}`);
    await page.fill(
      "#source",
      `Cyfwelydd: Sut oedd hi?\nGwyn: <img src=x onerror="alert('xss')">Roedd y gŵr yn garedig iawn 🙂 a chefais amser i wella.`,
    );
    await page.fill("#language", "cy");
    await page.click("text=Continue");
    await page.selectOption("#map_0", "facilitator");
    await page.selectOption("#map_1", "p:1");
    await page.click("text=Add the transcript");
    await page.waitForSelector("text=2 turns added");

    // The turn's own form (exact characters by keyboard, the theme list): the second turn, opened.
    await page.goto(`${app.url}${base}/coding?session=${sessionId}&open=1`);
    expect(await page.locator("img[src=x]").count()).toBe(0);
    // the participant's turn is the second unit; select "gŵr yn garedig" with the keyboard only
    const area = page.locator("#u1-text");
    const text = await area.inputValue();
    const from = utf16ToCodePoint(text, text.indexOf("gŵr"));
    await area.focus();
    await page.keyboard.press("Control+Home");
    for (let i = 0; i < from; i++) await page.keyboard.press("ArrowRight");
    for (let i = 0; i < "gŵr yn garedig".length; i++) await page.keyboard.press("Shift+ArrowRight");
    await page.waitForFunction(
      () => (document.querySelector<HTMLInputElement>("section:nth-of-type(2) input[name=end]")?.value ?? "") !== "",
    );
    expect(await page.locator("#u1-text ~ div input[name=start], section:nth-of-type(2) input[name=start]").first().inputValue()).toBe(
      String(from),
    );
    await page.keyboard.press("Tab"); // from
    await page.keyboard.press("Tab"); // to
    await page.keyboard.press("Tab"); // theme
    await page.selectOption("#u1-theme", themeId);
    await page.focus("section:nth-of-type(2) button:has-text('Apply theme')");
    await page.keyboard.press("Enter");
    await page.waitForSelector("text=Theme applied.");
    const coding = await app.db
      .selectFrom("coding")
      .select(["start_cp", "end_cp"])
      .where("theme_id", "=", themeId)
      .executeTakeFirstOrThrow();
    expect(Array.from(text).slice(coding.start_cp, coding.end_cp).join("")).toBe("gŵr yn garedig");
    expect(await page.locator("mark.coding-mark").first().innerText()).toBe("gŵr yn garedig");
    expect(await axeViolations(page)).toEqual([]);
    // Clearing a selection goes back to the whole turn, as the hint says (issue 14 item 5).
    const start = page.locator("section:nth-of-type(2) input[name=start]");
    const end = page.locator("section:nth-of-type(2) input[name=end]");
    await page.locator("#u1-text").focus();
    await page.keyboard.press("Control+Home");
    for (let i = 0; i < 3; i++) await page.keyboard.press("Shift+ArrowRight");
    await expect.poll(() => end.inputValue()).toBe("3");
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => end.inputValue()).toBe(String(Array.from(text).length));
    expect(await start.inputValue()).toBe("0");

    await page.goto(`${app.url}${base}/quotes`);
    await page.check(`#th-${themeId}`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("text=Download CSV (Excel)")]);
    const path = await download.path();
    const { readFileSync } = await import("node:fs");
    const csv = readFileSync(path!, "utf8");
    expect(csv).toContain("gŵr yn garedig");
    expect(csv).toContain("Participant 1, Interview 1");
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
