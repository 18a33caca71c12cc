/**
 * Issue 12, items 1, 2 and 6, in Chromium as a participant meets them: Farsi and Arabic at 320 px with
 * JavaScript off (and JavaScript on only for Shift×3, which is the one thing the script adds).
 * - "Leave this site quickly" ends the session on the server, forgets the language, lands on the
 *   neutral page, and Back shows nothing of the study: no question, no answer, no code.
 * - Helpline numbers keep their digit order in right-to-left pages (measured from where the digit
 *   groups are drawn, not from the markup) and are tel: links; e-mail addresses are mailto: links
 *   that break, if at all, only after the @.
 * - The first page speaks every offered language; "Language" returns to the same page; a language
 *   the study does not offer falls back to the chooser, in that language.
 * See docs/decisions/064-quick-exit-and-participant-language.md.
 */
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { messagesFor } from "../../app/i18n/catalogues.server";
import { QUICK_EXIT_URL } from "../../app/participants/quick-exit";
import { findParticipantStudy } from "../../app/participants/study.server";
import { appAndBrowser, REQUIRED_STATEMENTS } from "../support/browser";

const run = appAndBrowser();
async function phone(options: { javaScript?: boolean; width?: number } = {}): Promise<BrowserContext> {
  return run.browser.newContext({ javaScriptEnabled: options.javaScript ?? false, viewport: { width: options.width ?? 320, height: 640 } });
}

/**
 * Triggers the exit and waits until the browser is on the neutral page. Playwright cannot answer a
 * request reached by a redirect, and the test machine may have no network: the browser asking for
 * the neutral page and showing its address (or its "no connection" page) is the proof.
 */
async function exitTo(page: Page, trigger: () => Promise<unknown>) {
  const asked = page.waitForRequest(QUICK_EXIT_URL, { timeout: 15_000 });
  const started = Date.now();
  await trigger();
  await asked;
  const took = Date.now() - started;
  // Offline, Chromium shows its error page for the neutral address, which Back leaves like any page.
  await expect.poll(() => page.url() === QUICK_EXIT_URL || page.url().startsWith("chrome-error://"), { timeout: 15_000 }).toBe(true);
  return took;
}

async function go(page: Page, click: () => Promise<unknown>) {
  await Promise.all([page.waitForNavigation({ waitUntil: "domcontentloaded" }), click()]);
}

/** Chooses the language, consents and answers the first question page: a participant mid-study. */
async function startStudy(page: Page, language: string) {
  await page.goto(`${run.app.url}/s/demo`);
  await go(page, () => page.click(`main a[hreflang=${language}].button`));
  await page.goto(`${run.app.url}/s/demo/consent`);
  for (const id of REQUIRED_STATEMENTS) await page.check(`input[name=${id}][value=yes]`);
  await page.check("input[name=audio_recording][value=no]");
  await page.check("input[name=quotes][value=no]");
  await go(page, () => page.click("main form button[type=submit]"));
  expect(new URL(page.url()).pathname).toBe("/s/demo/code");
  const code = (await page.textContent(".code"))!.trim();
  await go(page, () => page.click("main .actions a.button"));
  return code;
}

/**
 * History Back from the neutral page (or Chromium's offline error page for it). The study page is
 * asked for again and redirected to the chooser; Playwright may report that redirect as an aborted
 * navigation, so the test waits for where the browser actually lands.
 */
async function back(page: Page) {
  await page.goBack({ waitUntil: "domcontentloaded" }).catch(() => undefined);
  await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).toBe("/s/demo");
  await page.waitForLoadState("domcontentloaded");
}

async function sessions() {
  const row = await run.app.db
    .selectFrom("participant_session")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function studyTitles() {
  const study = (await findParticipantStudy(run.app.db, { slug: "demo" }))!;
  return Object.values(study.titles);
}

describe.skipIf(!run.hasBrowser)("quick exit (JavaScript off, 320 px)", () => {
  for (const language of ["fa", "ar"]) {
    it(`${language}: the exit ends the session and forgets the language; Back shows nothing of the study`, async () => {
      const context = await phone();
      const page = await context.newPage();
      const code = await startStudy(page, language);
      const questionUrl = page.url();
      expect(questionUrl).toMatch(/\/q\//);
      const before = await sessions();
      const cookieNames = async () => (await context.cookies(run.app.url)).map((c) => c.name).sort();
      expect(await cookieNames()).toEqual(["tandem_lang", "tandem_p"]);

      const exit = page.locator(".exit-bar button.quick-exit");
      expect((await exit.textContent())?.trim()).toBe(messagesFor(language as "fa")["participant.bar.leave"]);
      const took = await exitTo(page, () => exit.click());
      console.log(`quick exit (${language}, JavaScript off): ${took} ms from the press to the neutral page`);
      expect(await sessions()).toBe(before - 1);
      expect(await cookieNames()).toEqual([]);

      // Back: the question page is asked for again (no-store), and the server no longer knows this browser.
      await back(page);
      const body = await page.locator("body").innerText();
      expect(new URL(page.url()).pathname).toBe("/s/demo");
      expect(body).not.toContain(code);
      expect(await page.locator("form input, form textarea, .code").count()).toBe(0);
      for (const title of await studyTitles()) {
        expect(body).not.toContain(title);
        expect(await page.title()).not.toContain(title);
      }
      // Nothing else in this browser shows the code either.
      await page.goto(`${run.app.url}/s/demo/break`);
      expect(await page.locator(".code").count()).toBe(0);
      expect(await page.locator("body").innerText()).not.toContain(code);
      await context.close();
    }, 120_000);
  }

  it("the exit is also a plain link: GET /s/<study>/exit clears the session and the language, says Clear-Site-Data, and goes to the neutral page", async () => {
    const response = await fetch(`${run.app.url}/s/demo/exit`, { redirect: "manual", headers: { cookie: "tandem_lang=fa; tandem_p=x" } });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(QUICK_EXIT_URL);
    expect(response.headers.get("clear-site-data")).toBe('"cache"');
    expect(response.headers.get("cache-control")).toBe("no-store");
    const cleared = response.headers.getSetCookie();
    expect(cleared.some((c) => /^tandem_p=;.*Max-Age=0/.test(c))).toBe(true);
    expect(cleared.some((c) => /^tandem_lang=;.*Max-Age=0/.test(c))).toBe(true);
    // An exit never fails, not even for a study that does not exist.
    const unknown = await fetch(`${run.app.url}/s/no-such-study/exit`, {
      method: "POST",
      redirect: "manual",
      headers: { origin: run.app.url },
    });
    expect([unknown.status, unknown.headers.get("location")]).toEqual([303, QUICK_EXIT_URL]);
  });

  it("the exit stays in view while scrolling, without JavaScript, and every page title leaves out who the study is for", async () => {
    const context = await phone();
    const page = await context.newPage();
    await page.goto(`${run.app.url}/s/demo?lang=fa`);
    const titles = await studyTitles();
    for (const path of ["information", "consent", "support", "stop", "break", "resume"]) {
      await page.goto(`${run.app.url}/s/demo/${path}`);
      const title = await page.title();
      expect(title, path).toMatch(/ – Tandem$/);
      for (const t of titles) expect(title, path).not.toContain(t);
    }
    await page.goto(`${run.app.url}/s/demo/consent`);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    expect(height).toBeGreaterThan(640 * 2);
    await page.mouse.wheel(0, height);
    await page.waitForFunction(() => window.scrollY > 600).catch(() => undefined);
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(600);
    const box = (await page.locator(".quick-exit").boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(640);
    await context.close();
  }, 120_000);

  it("the first page and the support page say how to hide a visit, in the page's language", async () => {
    const context = await phone();
    const page = await context.newPage();
    const fa = messagesFor("fa");
    await page.goto(`${run.app.url}/s/demo?lang=fa`);
    await page.goto(`${run.app.url}/s/demo/support`);
    expect(await page.locator("#privacy-tips-title").textContent()).toBe(fa["participant.privacy.title"]);
    expect(await page.locator(".privacy-tips").innerText()).toContain(fa["participant.privacy.private"]);
    await page.goto(`${run.app.url}/s/demo`);
    expect(await page.locator("#privacy-tips-title").textContent()).toBe(fa["participant.privacy.title"]);
    await context.close();
  }, 60_000);

  it("the thank-you page's main action is to finish on this device, which ends the session", async () => {
    const context = await phone();
    const page = await context.newPage();
    await startStudy(page, "fa");
    await page.goto(`${run.app.url}/s/demo/done`);
    const finish = page.locator("main form button[type=submit]");
    expect(await finish.count()).toBe(1);
    expect(await finish.getAttribute("class")).toBe("button");
    const before = await sessions();
    await go(page, () => finish.click());
    expect(new URL(page.url()).pathname).toBe("/s/demo/finished");
    expect(await sessions()).toBe(before - 1);
    await context.close();
  }, 120_000);
});

describe.skipIf(!run.hasBrowser)("quick exit with JavaScript on", () => {
  it("Shift pressed three times leaves, through the server; the script is the page's only one and carries the nonce", async () => {
    const context = await phone({ javaScript: true, width: 1280 });
    const page = await context.newPage();
    const code = await startStudy(page, "en");
    const scripts = await page
      .locator("script")
      .evaluateAll((s) => s.map((e) => [e.getAttribute("src"), (e as HTMLScriptElement).nonce !== ""]));
    expect(scripts).toEqual([["/quick-exit.js", true]]);
    const before = await sessions();
    await page.keyboard.press("Shift");
    await page.keyboard.press("Shift");
    expect(new URL(page.url()).origin).toBe(run.app.url);
    await exitTo(page, () => page.keyboard.press("Shift"));
    expect(await sessions()).toBe(before - 1);
    await back(page);
    expect(await page.locator("body").innerText()).not.toContain(code);
    expect(await page.locator("form textarea, form input[type=radio]").count()).toBe(0);
    await context.close();
  }, 120_000);

  it("Shift, then another key, then Shift twice does not leave", async () => {
    const context = await phone({ javaScript: true, width: 1280 });
    const page = await context.newPage();
    await page.goto(`${run.app.url}/s/demo?lang=en`);
    await page.goto(`${run.app.url}/s/demo/information`);
    for (const key of ["Shift", "a", "Shift", "Shift"]) await page.keyboard.press(key);
    await page.waitForTimeout(300);
    expect(new URL(page.url()).pathname).toBe("/s/demo/information");
    await context.close();
  }, 60_000);
});

describe.skipIf(!run.hasBrowser)("helplines and e-mail addresses in right-to-left pages (JavaScript off, 320 px)", () => {
  for (const language of ["ar", "fa"]) {
    it(`${language}: each phone number is a tel: link drawn left to right on one line; the e-mail is a mailto: link`, async () => {
      const context = await phone();
      const page = await context.newPage();
      await page.goto(`${run.app.url}/s/demo?lang=${language}`);
      await page.goto(`${run.app.url}/s/demo/support`);
      expect(await page.getAttribute("html", "dir")).toBe("rtl");
      const numbers = await page.locator("a.tel").evaluateAll((links) =>
        links.map((a) => {
          const text = a.textContent ?? "";
          const node = a.firstChild!;
          // Where each digit group is drawn: left edges must increase in reading order.
          const groups: { text: string; left: number }[] = [];
          const re = /\S+/g;
          for (let m = re.exec(text); m; m = re.exec(text)) {
            const range = document.createRange();
            range.setStart(node, m.index);
            range.setEnd(node, m.index + m[0].length);
            groups.push({ text: m[0], left: range.getBoundingClientRect().left });
          }
          return {
            href: a.getAttribute("href"),
            dir: a.getAttribute("dir"),
            lines: a.getClientRects().length,
            groups,
            visual: [...groups]
              .sort((x, y) => x.left - y.left)
              .map((g) => g.text)
              .join(" "),
            text,
          };
        }),
      );
      expect(numbers.map((n) => n.href)).toEqual(["tel:116123", "tel:0800132737"]);
      for (const n of numbers) {
        expect(n.dir).toBe("ltr");
        expect(n.lines, n.text).toBe(1);
        expect(n.groups.length).toBeGreaterThan(1);
        // The order drawn on screen is the order written: "0800 132 737", never "737 132 0800".
        expect(n.visual).toBe(n.text);
      }
      const email = page.locator("a.email");
      expect(await email.getAttribute("href")).toBe("mailto:research@demo.tandem.test");
      const parts = await email.evaluate((a) => {
        const pieces = [...a.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE);
        return pieces.map((node) => {
          const range = document.createRange();
          range.selectNodeContents(node);
          return { text: node.textContent, lines: new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size };
        });
      });
      // Each side of the @ stays whole: a line may break only after the @, never inside a word.
      expect(parts).toEqual([
        { text: "research@", lines: 1 },
        { text: "demo.tandem.test", lines: 1 },
      ]);
      await context.close();
    }, 60_000);
  }
});

describe.skipIf(!run.hasBrowser)("language (JavaScript off, 320 px)", () => {
  it("the first page says 'Choose your language', Leave this site quickly and 'I already have a code' in every offered language, each marked", async () => {
    const context = await phone();
    const page = await context.newPage();
    await page.goto(`${run.app.url}/s/demo`);
    const offered = ["en", "cy", "ar", "fa"] as const;
    const marked = async (selector: string) =>
      page
        .locator(selector)
        .evaluateAll((els) => els.map((e) => [e.getAttribute("lang"), e.getAttribute("dir"), (e.textContent ?? "").trim()]));
    const expected = (key: string) => offered.map((code) => [code, code === "ar" || code === "fa" ? "rtl" : "ltr", messagesFor(code)[key]]);
    expect(await marked("h1 [lang]")).toEqual(expected("participant.language.title"));
    expect(await marked(".quick-exit [lang]")).toEqual(expected("participant.bar.leave"));
    expect(await marked(".multilingual-links [lang]")).toEqual(expected("participant.info.haveCode"));
    const wide = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    expect(wide[0], "the first page scrolls sideways at 320 px").toBeLessThanOrEqual(wide[1]!);
    // "I already have a code" in Farsi: Farsi, then the code page.
    await go(page, () => page.click(".multilingual-links a[hreflang=fa]"));
    expect(new URL(page.url()).pathname).toBe("/s/demo/resume");
    expect(await page.getAttribute("html", "lang")).toBe("fa");
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await context.close();
  }, 60_000);

  it("'Language' on a question page returns to that same page in the newly chosen language", async () => {
    const context = await phone();
    const page = await context.newPage();
    await startStudy(page, "ar");
    const here = page.url();
    await go(page, () => page.click(`header a:text-is("${messagesFor("ar")["participant.bar.language"]}")`));
    expect(new URL(page.url()).pathname).toBe("/s/demo");
    await go(page, () => page.click("main a[hreflang=fa].button"));
    expect(page.url()).toBe(here);
    expect(await page.getAttribute("html", "lang")).toBe("fa");
    await context.close();
  }, 120_000);

  it("a language the study does not offer (?lang=ps) falls back to the chooser of the offered ones, titled in that language", async () => {
    const context = await phone();
    const page = await context.newPage();
    const ps = messagesFor("ps");
    for (const path of ["/s/demo?lang=ps", "/s/demo/information?lang=ps"]) {
      await page.goto(`${run.app.url}${path}`);
      expect(new URL(page.url()).pathname, path).toBe("/s/demo");
      expect(await page.getAttribute("html", "lang")).toBe("ps");
      expect(await page.title()).toBe(`${ps["participant.language.title"]} – Tandem`);
      expect(await page.locator("main").innerText()).toContain(ps["participant.language.notOffered"]!.replace("{language}", "پښتو"));
      expect(await page.locator("main a.button[hreflang]").evaluateAll((links) => links.map((a) => a.getAttribute("hreflang")))).toEqual([
        "en",
        "cy",
        "ar",
        "fa",
      ]);
    }
    await context.close();
  }, 60_000);
});

describe.skipIf(!run.hasBrowser)("participant codes at 320 px in Arabic (JavaScript off)", () => {
  it("the resume hint's example code and the code box keep a code on one line, left to right, inside the page", async () => {
    const context = await phone();
    const page = await context.newPage();
    await page.goto(`${run.app.url}/s/demo?lang=ar`);
    await page.goto(`${run.app.url}/s/demo/resume`);
    const example = await page.locator("#code-hint .code-example").evaluate((el) => {
      const node = el.firstChild!;
      const text = node.textContent ?? "";
      const groups = text.split("-").map((g, i, all) => {
        const start = all.slice(0, i).join("-").length + (i > 0 ? 1 : 0);
        const range = document.createRange();
        range.setStart(node, start);
        range.setEnd(node, start + g.length);
        return { g, left: range.getBoundingClientRect().left };
      });
      const box = el.getBoundingClientRect();
      return {
        text,
        lines: el.getClientRects().length,
        visual: [...groups]
          .sort((a, b) => a.left - b.left)
          .map((x) => x.g)
          .join("-"),
        right: box.right,
        left: box.left,
      };
    });
    expect(example.text).toBe("7K3M-Q9XA-2BHD-W4PZ");
    expect(example.lines).toBe(1);
    expect(example.visual).toBe(example.text);
    expect(example.left).toBeGreaterThanOrEqual(0);
    expect(example.right).toBeLessThanOrEqual(320);
    await page.fill("#code", "7K3M-Q9XA-2BHD-W4PZ");
    const input = await page
      .locator("#code")
      .evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, direction: getComputedStyle(el).direction }));
    expect(input.direction).toBe("ltr");
    // The whole code shows in the box: nothing clipped or scrolled out of sight.
    expect(input.scroll).toBeLessThanOrEqual(input.client);
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await context.close();
  }, 60_000);
});
