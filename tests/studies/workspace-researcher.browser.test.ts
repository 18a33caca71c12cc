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

describe.runIf(run)("researcher workspace in Chromium", () => {
  it("an admin invites a researcher, who sets a password, signs in, creates a study and opens it", async () => {
    // The admin.
    const adminContext = await browser.newContext();
    const admin = await adminContext.newPage();
    const scriptErrors: string[] = [];
    // Anything the CSP refused would show up here (the favicon 404 is not ours to fix).
    admin.on("console", (m) => m.type() === "error" && !m.text().includes("404") && scriptErrors.push(m.text()));
    await admin.goto(`${app.url}/research/demo/people`);
    await expect(admin.url()).toContain("/research/sign-in");
    await admin.getByLabel("Email address").fill("admin@demo.tandem.test");
    await admin.getByLabel("Password").fill(TEST_ADMIN_PASSWORD);
    await admin.getByRole("button", { name: "Sign in" }).click();
    await admin.waitForURL(`${app.url}/research/demo/people`);
    expect(await axeViolations(admin)).toEqual([]);
    await admin.locator("#new-name").fill("Rania Said");
    await admin.locator("#new-email").fill("new.researcher@demo.tandem.test");
    await admin.locator("#new-role").selectOption("researcher");
    await admin.getByRole("button", { name: "Add and make a link" }).click();
    const link = (await admin.getByTestId("one-time-link").textContent())!.trim();
    expect(link).toMatch(/\/research\/invitation\/[A-Za-z0-9_-]{43}$/);
    await adminContext.close();

    // The researcher, in their own browser.
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on("console", (m) => m.type() === "error" && !m.text().includes("404") && scriptErrors.push(m.text()));
    await page.goto(link);
    await expect(await page.locator("h1").textContent()).toBe("Set your password");
    // The name the admin gave, to keep or change.
    expect(await page.locator("#displayName").inputValue()).toBe("Rania Said");
    const password = "river stones under a quiet bridge";
    await page.getByLabel("New password").fill(password);
    await page.getByLabel("Type the password again").fill(password);
    await page.getByRole("button", { name: "Save password" }).click();
    await page.waitForURL(/\/research\/sign-in/);
    await page.getByLabel("Email address").fill("new.researcher@demo.tandem.test");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${app.url}/research`);
    await page.getByRole("link", { name: "Demo Sanctuary Council" }).click();
    await page.getByRole("link", { name: "New study" }).click();
    expect(await axeViolations(page)).toEqual([]);

    await page.locator("#slug").fill("listening-2027");
    await page.locator("#lang-en").check();
    await page.locator("#lang-ar").check();
    await page.locator("#titles-en").fill("Listening to new arrivals");
    await page.locator("#titles-ar").fill("الاستماع إلى القادمين الجدد");
    await page.getByLabel(/^information-sheet v1/).check();
    await page.getByLabel(/^consent-form v1/).check();
    await page.getByLabel(/^peer-support-wellbeing v1/).check();
    const wellbeingId = await page.getByLabel(/^peer-support-wellbeing v1/).getAttribute("value");
    await page.locator(`#timepoints-${wellbeingId}`).fill("pre, post");
    await page.locator("#cohorts").fill("Newport group");
    await page.locator("#withdrawalDeadline").fill("2027-06-30");
    await page.getByRole("button", { name: "Create study" }).click();
    await page.waitForURL(`${app.url}/research/demo/studies/listening-2027`);
    expect(await page.getByTestId("study-status").textContent()).toBe("Draft");
    expect(await page.locator("main").textContent()).toContain("peer-support-wellbeing v1 · post");

    await page.getByRole("button", { name: "Open the study" }).click();
    await page.waitForURL(`${app.url}/research/demo/studies/listening-2027`);
    expect(await page.getByTestId("study-status").textContent()).toBe("Open");
    expect(await axeViolations(page)).toEqual([]);

    const study = await app.db
      .selectFrom("study")
      .select(["status", "languages"])
      .where("slug", "=", "listening-2027")
      .executeTakeFirstOrThrow();
    expect(study).toEqual({ status: "open", languages: ["en", "ar"] });
    const audit = await app.db.selectFrom("audit_event").select("action").where("subject", "=", "listening-2027").execute();
    expect(audit.map((a) => a.action)).toEqual(["study_created", "study_status_changed"]);
    expect(scriptErrors).toEqual([]);
    await context.close();
  });
});
