// The public "you said, we did" pages in Chromium: no JavaScript, Arabic right to left, a withdrawn
// author's quote gone from the page and the feed, the poster printing on one A4 page, and axe-core.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withdrawParticipant } from "../../app/participants/withdrawal.server";

import { fitPoster, POSTER_SIZES, posterLanguages } from "../../app/report-back/poster.server";
import { loadEntry } from "../../app/report-back/public.server";
import { startTestApp, type TestApp } from "../support/app";
import { axeViolations, browserAvailable, launchBrowser } from "../support/browser";
import { createReportBackFixture, publishedEntry, republishWith, QUOTED, type ReportBackFixture } from "./fixtures";

const run = browserAvailable();
let app: TestApp;
let browser: Browser;
let fx: ReportBackFixture;
let entryUrl: string;
let listUrl: string;
let feedUrl: string;

beforeAll(async () => {
  if (!run) return;
  app = await startTestApp();
  fx = await createReportBackFixture(app.db);
  await publishedEntry(app.db, fx, "listening-better", { allLanguages: true });
  listUrl = `${app.url}/o/${fx.orgSlug}/you-said-we-did`;
  entryUrl = `${listUrl}/listening-better`;
  feedUrl = `${listUrl}/feed.xml`;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** Everything the participant pages are held to: axe clean, nothing scrolls sideways, no script. */
async function problemsOn(page: Page, what: string): Promise<string[]> {
  const problems = (await axeViolations(page)).map((v) => `${what}: axe ${v.id} (${v.impact}) at ${v.target}`);
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  if (scrollWidth > clientWidth) problems.push(`${what}: ${scrollWidth}px wide at ${clientWidth}px (scrolls sideways)`);
  if ((await page.locator("script").count()) > 0) problems.push(`${what}: ships JavaScript`);
  return problems;
}

describe.runIf(run)("public report back: accessible at 320 px and at 200 % zoom, in every language", () => {
  // 320 px is the narrowest phone (WCAG 1.4.10 reflow); 640 px at a device scale factor of 2 is what a
  // 1280 px window shows at 200 % zoom (WCAG 1.4.4).
  const views = [
    { name: "320px", viewport: { width: 320, height: 640 }, deviceScaleFactor: 1 },
    { name: "200%", viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 },
  ];
  for (const language of ["en", "cy", "ar", "fa"]) {
    it(`${language}: the list and the entry page`, async () => {
      const problems: string[] = [];
      for (const view of views) {
        // axe runs as a script in the page, so the context allows JavaScript; the pages themselves have none
        const context = await browser.newContext({ viewport: view.viewport, deviceScaleFactor: view.deviceScaleFactor });
        const page = await context.newPage();
        for (const url of [`${listUrl}?lang=${language}`, `${entryUrl}?lang=${language}`]) {
          const response = await page.goto(url);
          expect(response?.status(), url).toBe(200);
          expect(await page.getAttribute("html", "lang"), url).toBe(language);
          problems.push(...(await problemsOn(page, `${view.name} ${url.slice(app.url.length)}`)));
        }
        await context.close();
      }
      expect(problems).toEqual([]);
    });
  }
});

async function pdfPages(page: Page) {
  const pdf = await page.pdf({ format: "A4", printBackground: true });
  return (pdf.toString("latin1").match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
}

describe.runIf(run)("public report back", () => {
  it("lists the published entry and links to its page, with an Atom feed", async () => {
    const html = await (await fetch(listUrl)).text();
    expect(html).toContain("Listening better at the drop-in");
    expect(html).toContain(`href="/o/${fx.orgSlug}/you-said-we-did/listening-better"`);
    expect(html).toContain('type="application/atom+xml"');
    expect(html).not.toContain("<script");
    const feed = await fetch(feedUrl);
    expect(feed.headers.get("content-type")).toContain("application/atom+xml");
    const xml = await feed.text();
    expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom"');
    expect(xml).toContain("<title>Listening better at the drop-in</title>");
    expect(xml).toContain(QUOTED);
    // well-formed XML, as a feed reader's parser sees it
    const page = await browser.newPage();
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, "application/xml");
      return {
        error: doc.getElementsByTagName("parsererror").length,
        entries: doc.getElementsByTagName("entry").length,
        root: doc.documentElement.namespaceURI,
      };
    }, xml);
    expect(parsed).toEqual({ error: 0, entries: 1, root: "http://www.w3.org/2005/Atom" });
    await page.close();
  });

  it("reads in Arabic, right to left, with JavaScript off, and passes axe", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const response = await page.goto(`${entryUrl}?lang=ar`);
    expect(response?.status()).toBe(200);
    expect(await page.locator("html").getAttribute("dir")).toBe("rtl");
    expect(await page.locator("html").getAttribute("lang")).toBe("ar");
    await expect(page.locator("h1").textContent()).resolves.toBe("الاستماع بشكل أفضل في جلسات الاستقبال");
    const body = await page.locator("main").innerText();
    for (const heading of ["سألنا", "قلتم", "فعلنا"]) expect(body).toContain(heading);
    expect(body).toContain("أن يُستمع إلينا");
    // counts of people, and "fewer than 5" below five
    expect(body).toContain("ذكر هذا أقل من 5 أشخاص");
    // the English quote is marked up as English inside the Arabic page
    expect(await page.locator(`blockquote[lang="en"]`).first().innerText()).toContain(QUOTED);
    expect(await page.locator("script").count()).toBe(0);
    await context.close();
    // axe runs as a script in the page, so it needs a context with JavaScript; the page itself has none
    const checking = await browser.newPage();
    await checking.goto(`${entryUrl}?lang=ar`);
    expect(await checking.locator("script").count()).toBe(0);
    expect(await axeViolations(checking)).toEqual([]);
    await checking.close();
  });

  it("passes axe in English on the list and the entry page", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    for (const url of [listUrl, entryUrl, `${listUrl}?lang=ar`]) {
      await page.goto(url);
      expect(await axeViolations(page), url).toEqual([]);
    }
    await context.close();
  });

  it("prints the entry as a one-page A4 poster with its QR code, in English and in Arabic", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    for (const url of [entryUrl, `${entryUrl}?lang=ar`]) {
      await page.goto(url);
      await page.emulateMedia({ media: "print" });
      expect(await page.locator(".rb-poster").isVisible(), url).toBe(true);
      expect(await page.locator(".rb-poster-column").count(), url).toBe(2);
      expect(await page.locator(".rb-poster-qr svg").count(), url).toBe(1);
      expect(await page.locator(".rb-poster-quote").count(), url).toBeGreaterThan(0);
      expect(await pdfPages(page), url).toBe(1);
    }
    await context.close();
  });

  it("says on the poster when it was printed, and to scan the QR code for the current version", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const today = new Date(`${new Date().toISOString().slice(0, 10)}T12:00:00Z`);
    for (const [language, scan, printed] of [
      [
        "en",
        "Scan for the current version",
        `Printed on ${new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeZone: "UTC" }).format(today)}`,
      ],
      ["ar", "امسحوا الرمز للاطلاع على النسخة الحالية", "طُبع في"],
    ] as const) {
      await page.goto(`${entryUrl}?lang=${language}`);
      await page.emulateMedia({ media: "print" });
      // beside the QR code, in the poster's first language
      const footer = page.locator(".rb-poster-footer");
      expect(await footer.locator(".rb-poster-qr svg").count()).toBe(1);
      const first = footer.locator(`.rb-poster-stale[lang=${language}]`);
      expect(await first.isVisible(), language).toBe(true);
      expect(await first.innerText(), language).toContain(scan);
      expect(await first.innerText(), language).toContain(printed);
      // and in the poster's second language
      expect(await footer.locator(".rb-poster-stale").count(), language).toBe(2);
      await page.emulateMedia({ media: "screen" });
    }
    await context.close();
  });

  it("fills the sheet: the type is the largest that fits or one size below it, and the columns are at least three quarters full", async () => {
    // A4 less its margins (186 mm) is 703 CSS px: the width the printed page lays out at
    const context = await browser.newContext({ viewport: { width: 703, height: 1032 } });
    const page = await context.newPage();
    const sentence = "We listened to everything you told us about the drop-in and the waiting room. ";
    await republishWith(app.db, fx, "fill-short", { title: "Tea", asked: "We asked what would help.", did: "We trained every volunteer." });
    for (const repeats of [3, 8])
      await republishWith(app.db, fx, `fill-${repeats}`, {
        title: "A long report",
        asked: "We asked about the drop-in.",
        did: sentence.repeat(repeats),
      });
    const sizes = Object.keys(POSTER_SIZES);
    const report: string[] = [];
    for (const path of ["listening-better", "listening-better?lang=ar", "listening-better?lang=fa", "fill-short", "fill-3", "fill-8"]) {
      await page.goto(`${listUrl}/${path}`);
      await page.emulateMedia({ media: "print" });
      expect(await pdfPages(page), path).toBe(1);
      const chosen = ((await page.locator(".rb-poster").getAttribute("class")) ?? "").match(/rb-poster-size-(\w+)/)![1]!;
      // How tall the tallest column's words are at a size, against the space the columns have.
      const measure = (size: string) =>
        page.evaluate((size) => {
          const poster = document.querySelector(".rb-poster")!;
          poster.className = poster.className.replace(/rb-poster-size-\w+/, `rb-poster-size-${size}`);
          const words = Math.max(
            ...[...document.querySelectorAll(".rb-poster-column")].map((column) => {
              const last = column.lastElementChild!;
              return (
                last.getBoundingClientRect().bottom + parseFloat(getComputedStyle(last).marginBottom) - column.getBoundingClientRect().top
              );
            }),
          );
          const mm = 96 / 25.4;
          const space = 268 * mm - document.querySelector(".rb-poster-footer")!.getBoundingClientRect().height;
          return words / space;
        }, size);
      const fill = await measure(chosen);
      const index = sizes.indexOf(chosen);
      const twoUp = index >= 2 ? await measure(sizes[index - 2]!) : null;
      report.push(
        `${path}: ${chosen}, ${Math.round(fill * 100)} % full${twoUp === null ? "" : `, ${sizes[index - 2]} would need ${Math.round(twoUp * 100)} %`}`,
      );
      expect(fill, report.join("; ")).toBeLessThanOrEqual(1);
      // Larger type would not fit two sizes up: the estimate is at most one step cautious.
      if (twoUp !== null) expect(twoUp, report.join("; ")).toBeGreaterThan(1);
      // Short words print at the largest size; anything else fills most of the sheet.
      if (index > 0) expect(fill, report.join("; ")).toBeGreaterThanOrEqual(0.75);
    }
    await context.close();
  });

  it("fits long words by dropping quotes and shrinking the type, never by cutting what we did", async () => {
    // A4 less its margins (186 mm) is 703 CSS px: the width the printed page lays out at
    const context = await browser.newContext({ viewport: { width: 703, height: 1032 } });
    const page = await context.newPage();
    const sentence = "We listened to everything you told us about the drop-in and the waiting room. ";
    const seen: { size: string; quotes: number }[] = [];
    // from a little longer than fits at the largest size to longer than fits at all
    for (const repeats of [3, 4, 8, 10, 14, 50]) {
      const slug = `long-${repeats}`;
      const did = `${sentence.repeat(repeats)}The end of what we did.`;
      await republishWith(app.db, fx, slug, { title: "A long report", asked: "We asked about the drop-in.", did });
      const entry = (await loadEntry(app.db, fx.scope.organisationId, slug))!;
      const fit = fitPoster(entry, posterLanguages(entry, "en"));
      await page.goto(`${listUrl}/${slug}`);
      await page.emulateMedia({ media: "print" });
      const poster = page.locator(".rb-poster");
      // every word of "we did" is in the poster, and none is hidden by a box too small for it
      expect(await poster.innerText(), slug).toContain(did.trim());
      const clipped = await page.evaluate(() =>
        [...document.querySelectorAll(".rb-poster, .rb-poster *")].some((el) => {
          const style = getComputedStyle(el);
          return style.overflow !== "visible" && el.scrollHeight > el.clientHeight + 1;
        }),
      );
      expect(clipped, slug).toBe(false);
      const className = (await poster.getAttribute("class")) ?? "";
      seen.push({
        size: className.match(/rb-poster-size-(\w+)/)?.[1] ?? "",
        quotes: (await page.locator(".rb-poster-quote").count()) / (await page.locator(".rb-poster-column").count()),
      });
      // the estimate errs on the safe side: what the server says fits prints on one sheet; what does
      // not fit even at the smallest size runs onto a second sheet rather than losing words
      if (fit.fits) expect(await pdfPages(page), slug).toBe(1);
      if (repeats === 50) expect([fit.fits, await pdfPages(page)], slug).toEqual([false, 2]);
      await page.emulateMedia({ media: "screen" });
    }
    // the type shrinks as the words grow, quotes go only at 15 pt, and smaller type has none; the
    // small group's quote is never on a poster (ADR 066), so the poster has at most one
    const order = Object.keys(POSTER_SIZES);
    for (let i = 1; i < seen.length; i++) {
      expect(order.indexOf(seen[i]!.size), JSON.stringify(seen)).toBeGreaterThanOrEqual(order.indexOf(seen[i - 1]!.size));
      expect(seen[i]!.quotes, JSON.stringify(seen)).toBeLessThanOrEqual(seen[i - 1]!.quotes);
    }
    for (const s of seen) expect(s.quotes, JSON.stringify(seen)).toBeLessThanOrEqual(parseFloat(s.size) >= 15 ? 1 : 0);
    expect(seen.at(-1)!.size).toBe(order.at(-1));
    await context.close();
  });

  it("removes a withdrawn author's quote from the page and the feed at once, and the count changes", async () => {
    const before = await (await fetch(entryUrl)).text();
    expect(before).toContain(QUOTED);
    expect(before).toContain("6 people raised this");
    await withdrawParticipant(app.db, { studyId: fx.scope.studyId, participantId: fx.quotedParticipant, mode: "erase" });
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(entryUrl);
    const body = await page.locator("body").innerText();
    expect(body).not.toContain(QUOTED);
    expect(body).toContain("5 people raised this");
    await context.close();
    const feed = await (await fetch(feedUrl)).text();
    expect(feed).not.toContain(QUOTED);
  });
});
