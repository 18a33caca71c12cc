/**
 * Issue 12, items 4, 7, 8 and 11, in Chromium with JavaScript off at 320 px, in Arabic and Farsi:
 * every form answers with a redirect (Back always shows a page, never "Confirm Form Resubmission"),
 * errors name their question and are read first, the focus-group set one question per page with
 * progress across the study's sets, and "Check your answers" before a set is finished.
 */
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { appAndBrowser, REQUIRED_STATEMENTS } from "../support/browser";

const run = appAndBrowser();
const FG = "/s/demo/q/focus-group-questions/once";

async function phone(): Promise<BrowserContext> {
  return run.browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
}

/** Persian and Arabic-Indic digits read as numbers, whichever system the page uses. */
function numbers(text: string): number[] {
  const western = text.replace(/[۰-۹]/g, (d) => String("۰۱۲۳۴۵۶۷۸۹".indexOf(d))).replace(/[٠-٩]/g, (d) => String("٠١٢٣٤٥٦٧٨٩".indexOf(d)));
  return [...western.matchAll(/\d+/g)].map((m) => Number(m[0]));
}

async function submit(page: Page, selector = "main form button[type=submit]") {
  await Promise.all([page.waitForLoadState("domcontentloaded"), page.waitForNavigation(), page.click(selector)]);
}

async function enrol(page: Page, language: string) {
  await page.goto(`${run.app.url}/s/demo`);
  await Promise.all([page.waitForURL(/\/information$/), page.click(`a[hreflang=${language}]`)]);
  await page.goto(`${run.app.url}/s/demo/consent`);
  for (const id of REQUIRED_STATEMENTS) await page.check(`input[name=${id}][value=yes]`);
  await submit(page);
  await page.waitForURL(/\/code$/);
  await page.goto(`${run.app.url}/s/demo/next`);
}

async function flashRows() {
  const row = await run.app.db
    .selectFrom("participant_flash")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe.skipIf(!run.hasBrowser)("clear question pages (Chromium, no JavaScript, 320 px)", () => {
  it("Farsi: an answer too long comes back by redirect, named, read first, kept once; Back shows a page", async () => {
    const context = await phone();
    const page = await context.newPage();
    await enrol(page, "fa");
    // The focus-group set is one question per page: the introduction, then its first question alone.
    expect(new URL(page.url()).pathname).toBe(`${FG}/introduction`);
    await submit(page, "button[value=save]");
    expect(new URL(page.url()).pathname).toBe(`${FG}/lived_experience`);
    expect(await page.locator("main fieldset, main textarea").count()).toBe(1);
    await page.check("input[name=lived_experience][value=yes]");
    await submit(page, "button[value=save]");
    expect(new URL(page.url()).pathname).toBe(`${FG}/how_supported`);
    const question = (await page.textContent("main label[for=f-how_supported]"))!.trim();
    const tooLong = "خدمات خوب بود ".repeat(400);
    await page.fill("textarea[name=how_supported]", tooLong);

    const responses: number[] = [];
    page.on("response", (r) => {
      if (r.request().isNavigationRequest()) responses.push(r.status());
    });
    await submit(page, "button[value=save]");
    // Post/redirect/get: the POST was answered with 303 and the page itself is a GET.
    expect(responses[0]).toBe(303);
    expect(new URL(page.url()).pathname).toBe(`${FG}/how_supported`);
    expect(await page.title()).toMatch(/^خطا: /);
    const summary = (await page.textContent(".error-summary ul"))!;
    expect(summary).toContain(question);
    // Without JavaScript the summary has the focus: it is what a screen reader reads first.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("error-summary");
    expect(await page.inputValue("textarea[name=how_supported]")).toBe(tooLong);
    // Shown once: a reload is the plain page again, and the flash is gone from the database.
    await page.reload();
    expect(await page.$(".error-summary")).toBeNull();
    expect(await flashRows()).toBe(0);
    // Back walks the history of GETs: no "Confirm Form Resubmission" (ERR_CACHE_MISS) page.
    const back = await page.goBack();
    expect(back?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toMatch(new RegExp(`^${FG}/`));
    expect(await page.textContent("body")).not.toContain("ERR_CACHE_MISS");
    await context.close();
  });

  it("Arabic: progress counts across the study's sets, and 'Check your answers' comes before the next set, with change links", async () => {
    const context = await phone();
    const page = await context.newPage();
    await enrol(page, "ar");
    const seen: number[][] = [];
    while (!page.url().endsWith(`/${"check-answers"}`)) {
      expect(seen.length).toBeLessThan(30);
      seen.push(numbers((await page.textContent(".progress"))!).slice(-2));
      const textarea = await page.$("textarea");
      if (textarea) await textarea.fill(`جواب ${seen.length}`);
      const radio = await page.$("input[type=radio][value=yes]");
      if (radio) await radio.check();
      await submit(page, "button[value=save]");
    }
    // One total for the whole study, counting on from 1 without restarting.
    const total = seen[0]![1]!;
    expect(seen.map((s) => s[1])).toEqual(seen.map(() => total));
    expect(seen.map((s) => s[0])).toEqual(seen.map((_, i) => i + 1));
    expect(total).toBeGreaterThan(seen.length); // the wellbeing set's pages follow

    // Check your answers: each question with its answer, and a change link that comes back here.
    expect(await page.textContent("h1")).toBe("راجع إجاباتك");
    const rows = page.locator(".summary-row");
    expect(await rows.count()).toBe(seen.length - 1); // every question; the introduction has none
    expect(await page.textContent(".summary-list")).toContain("جواب 3");
    await Promise.all([page.waitForNavigation(), page.click(`.summary-row a[href*="/how_supported?return=check"]`)]);
    await page.fill("textarea[name=how_supported]", "تغيّر رأيي");
    await submit(page, "button[value=save]");
    expect(new URL(page.url()).pathname).toBe(`${FG}/check-answers`);
    expect(await page.textContent(".summary-list")).toContain("تغيّر رأيي");
    await submit(page);
    // The next set starts at the page after the focus-group set's last, of the same total.
    expect(new URL(page.url()).pathname).toMatch(/\/q\/peer-support-wellbeing\/pre\//);
    expect(numbers((await page.textContent(".progress"))!).slice(-2)).toEqual([seen.length + 1, total]);
    // Resuming never shows the check again: it is recorded like a page.
    await page.goto(`${run.app.url}/s/demo/next`);
    expect(new URL(page.url()).pathname).toMatch(/\/q\/peer-support-wellbeing\/pre\//);
    await context.close();
  }, 240_000); // about twenty pages, one at a time, on a shared 2-core machine

  it("Arabic: consent errors name each statement, the title says Error, the summary is read first; Back shows a page", async () => {
    const context = await phone();
    const page = await context.newPage();
    await page.goto(`${run.app.url}/s/demo`);
    await Promise.all([page.waitForURL(/\/information$/), page.click("a[hreflang=ar]")]);
    await Promise.all([page.waitForURL(/\/consent$/), page.click("main .actions a.button")]);
    const [first, second, ...rest] = REQUIRED_STATEMENTS;
    for (const id of rest) await page.check(`input[name=${id}][value=yes]`);
    const statements = await Promise.all(
      [first, second].map(async (id) => (await page.textContent(`fieldset:has(input[name=${id}]) legend`))!.trim()),
    );
    const methods: string[] = [];
    page.on("request", (r) => {
      if (r.isNavigationRequest()) methods.push(r.method());
    });
    await submit(page);
    expect(new URL(page.url()).pathname).toBe("/s/demo/consent");
    expect(await page.title()).toMatch(/^خطأ: /);
    const items = await page.locator(".error-summary li").allTextContents();
    expect(items).toHaveLength(2);
    expect(items[0]).toContain(statements[0]);
    expect(items[1]).toContain(statements[1]);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("error-summary");
    // The choices made are still chosen; nothing was stored.
    for (const id of rest) expect(await page.isChecked(`input[name=${id}][value=yes]`)).toBe(true);
    const back = await page.goBack();
    expect(back?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe("/s/demo/consent");
    expect(await page.$(".error-summary")).toBeNull();
    // Only the one POST was ever sent: Back replayed GETs.
    expect(methods.filter((m) => m === "POST")).toHaveLength(1);
    await context.close();
  });

  it("Farsi: after erasing, the withdrawn page says what the server did, once; Back never resends a form; the address proves nothing", async () => {
    const context = await phone();
    const page = await context.newPage();
    await enrol(page, "fa");
    await submit(page, "button[value=save]");
    await page.check("input[name=lived_experience][value=yes]");
    await submit(page, "button[value=save]");
    const methods: string[] = [];
    page.on("request", (r) => {
      if (r.isNavigationRequest()) methods.push(r.method());
    });
    await page.goto(`${run.app.url}/s/demo/withdraw`);
    await submit(page); // no choice made: the error comes back by redirect
    expect(await page.title()).toMatch(/^خطا: /);
    await page.check("input[name=mode][value=erase]");
    await submit(page);
    expect(new URL(page.url()).search).toBe("?mode=erase");
    await submit(page);
    expect(new URL(page.url()).pathname).toBe("/s/demo/withdrawn");
    expect(new URL(page.url()).search).toBe("");
    expect(numbers((await page.textContent("main"))!)).toContain(1); // one answer was deleted
    const posts = methods.filter((m) => m === "POST").length;
    // Back, Back, Back: pages, never "Confirm Form Resubmission", and no form is sent again.
    for (let i = 0; i < 3; i++) {
      const back = await page.goBack();
      if (!back) break;
      expect(back.status()).toBe(200);
    }
    expect(methods.filter((m) => m === "POST").length).toBe(posts);
    // Shown once: the same page again, or a made-up address, claims no count.
    await page.goto(`${run.app.url}/s/demo/withdrawn`);
    expect(numbers((await page.textContent("main"))!)).not.toContain(1);
    await page.goto(`${run.app.url}/s/demo/withdrawn?mode=erase&answers=99`);
    expect(numbers((await page.textContent("main"))!)).not.toContain(99);
    await context.close();
  });
});
