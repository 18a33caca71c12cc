import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from "../support/app";
import { axeViolations, browserAvailable, launchBrowser } from "../support/browser";

const run = browserAvailable();
let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  if (!run) return;
  app = await startTestApp();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const PAGES = [
  "/research",
  "/research/totp",
  "/research/demo",
  "/research/demo/people",
  "/research/demo/audit",
  "/research/demo/studies/new",
  "/research/demo/studies/demo",
  "/research/demo/studies/demo/edit",
  "/research/demo/studies/demo/dashboard",
  "/research/demo/studies/demo/dashboard?view=share",
  "/research/demo/studies/demo/codes",
  "/research/demo/studies/demo/paper-consent",
  "/research/demo/studies/demo/assisted?use=peer-support-wellbeing:pre&language=ar",
  "/research/demo/studies/demo/withdrawal",
  "/research/demo/studies/demo/quote-checks",
];

describe.runIf(run)("every workspace page in Chromium", () => {
  it("passes axe (WCAG 2.2 AA), in English and in Arabic, and runs no script", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const refused: string[] = [];
    page.on("console", (m) => m.type() === "error" && !m.text().includes("404") && refused.push(m.text()));
    await page.goto(`${app.url}/research/sign-in`);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel("Email address").fill("admin@demo.tandem.test");
    await page.getByLabel("Password").fill(TEST_ADMIN_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${app.url}/research`);
    for (const language of ["en", "ar"]) {
      await context.addCookies([{ name: "tandem_lang", value: language, url: app.url }]);
      for (const path of PAGES) {
        await page.goto(`${app.url}${path}`);
        expect(await page.locator("h1").count(), path).toBeGreaterThan(0);
        expect(await page.evaluate(() => document.scripts.length), path).toBe(0);
        expect(await axeViolations(page), `${language} ${path}`).toEqual([]);
      }
    }
    expect(refused).toEqual([]);
    await context.close();
  });
});
