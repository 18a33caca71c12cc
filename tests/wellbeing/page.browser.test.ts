/**
 * The wellbeing page in real Chromium: without JavaScript the server-drawn charts and their tables
 * are there; with JavaScript recharts takes over after hydration without errors; axe finds nothing.
 */
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secretsFrom } from "../../app/security/secrets.server";
import { axeViolations, browserAvailable, launchBrowser } from "../support/browser";
import { startTestApp, TEST_SECRET, type TestApp } from "../support/app";
import { makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { seedWellbeingStudy } from "./fixtures";

const hasBrowser = browserAvailable();
let app: TestApp;
let browser: Browser;
let client: WorkspaceClient;
let path: string;

beforeAll(async () => {
  if (!hasBrowser) return;
  app = await startTestApp({ demo: false });
  const study = await seedWellbeingStudy(app.db, "peer-support-browser", secretsFrom(TEST_SECRET).codeHashKey);
  const org = await app.db.selectFrom("organisation").select("slug").where("id", "=", study.organisationId).executeTakeFirstOrThrow();
  await makeMember(app.db, { organisationId: study.organisationId, email: "researcher@browser.test", role: "researcher" });
  client = new WorkspaceClient(app.url);
  expect((await client.signIn("researcher@browser.test", TEST_PASSWORD)).status).toBe(302);
  path = `/research/${org.slug}/studies/${study.slug}/wellbeing?measure=who5`;
  browser = await launchBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function signedInContext(javaScriptEnabled: boolean): Promise<BrowserContext> {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1024, height: 900 } });
  const url = new URL(app.url);
  await context.addCookies([...client.cookies].map(([name, value]) => ({ name, value, domain: url.hostname, path: "/" })));
  return context;
}

describe.skipIf(!hasBrowser)("wellbeing page in Chromium", () => {
  it("without JavaScript: three server-drawn charts and tables that open", async () => {
    const context = await signedInContext(false);
    const page = await context.newPage();
    await page.goto(app.url + path);
    expect(await page.locator(".wb-static-chart").count()).toBe(3);
    await page.locator("details.wb-chart-table summary").first().click();
    expect(await page.locator("details.wb-chart-table").first().locator("table").isVisible()).toBe(true);
    // axe runs as a script in the page, so it is run in the JavaScript test below.
    await context.close();
  });

  it("with JavaScript: recharts draws the charts after hydration, without errors, axe clean", async () => {
    const context = await signedInContext(true);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    await page.goto(app.url + path);
    await page.waitForSelector(".recharts-surface", { timeout: 15_000 }).catch(() => {
      throw new Error(`recharts did not draw; page errors: ${errors.join(" | ")}`);
    });
    await page.waitForFunction(() => document.querySelectorAll(".recharts-surface").length === 3);
    expect(await page.locator(".wb-static-chart").count()).toBe(0);
    expect(await page.locator(".recharts-scatter-symbol").count()).toBeGreaterThan(0);
    // Issue 14 item 8 after hydration too: the stacked chart keeps its legend, and the change
    // histogram's x axis is numeric (its ticks are round values through zero, not one per bar).
    expect(await page.locator("#chart-bands-title ~ .wb-chart-canvas [data-testid=chart-legend] li").count()).toBeGreaterThanOrEqual(2);
    const changeTicks = await page
      .locator("#chart-change-title ~ .wb-chart-canvas .recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value")
      .allTextContents();
    expect(changeTicks).toContain("0");
    expect(await page.locator("#chart-change-title ~ .wb-chart-canvas .recharts-bar-rectangle").count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});
