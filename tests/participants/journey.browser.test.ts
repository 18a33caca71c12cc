/**
 * The participant journey in real Chromium with JavaScript switched off, as a person on a cheap
 * phone might meet it. Data are checked in the database the server uses.
 */
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { appAndBrowser, REQUIRED_STATEMENTS } from "../support/browser";

const run = appAndBrowser();
const { hasBrowser } = run;
const REQUIRED = REQUIRED_STATEMENTS;

async function newContext(width = 390): Promise<BrowserContext> {
  return run.browser.newContext({ javaScriptEnabled: false, viewport: { width, height: 800 } });
}

async function count(table: "participant" | "consent_record" | "answer" | "response" | "form_submission") {
  const row = await run.app.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function chooseLanguage(page: Page, code: string) {
  await page.goto(`${run.app.url}/s/demo`);
  await page.click(`a[hreflang=${code}]`);
  await page.waitForURL(/\/information$/);
}

async function consent(page: Page, optional: { quotes?: boolean } = {}) {
  await page.goto(`${run.app.url}/s/demo/consent`);
  for (const id of REQUIRED) await page.check(`input[name=${id}][value=yes]`);
  await page.check(`input[name=audio_recording][value=no]`);
  await page.check(`input[name=quotes][value=${optional.quotes ? "yes" : "no"}]`);
  await page.click("main form button[type=submit]");
  await page.waitForURL(/\/code$/);
  return (await page.textContent(".code"))!.trim();
}

async function clickSave(page: Page) {
  await Promise.all([page.waitForLoadState("domcontentloaded"), page.click("button[value=save]")]);
}

describe.skipIf(!hasBrowser)("participant journey (Chromium, no JavaScript)", () => {
  it("the whole journey in Arabic: right to left, consent, code, every page, typed text kept", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await chooseLanguage(page, "ar");
    expect(await page.getAttribute("html", "lang")).toBe("ar");
    expect(await page.getAttribute("html", "dir")).toBe("rtl");
    expect(await page.textContent("h1")).toContain("ورقة");
    // The study contact setting appears in the information sheet, in Arabic.
    expect(await page.textContent("main")).toContain("فريق البحث التجريبي");
    await page.click("main .actions a.button");
    await page.waitForURL(/\/consent$/);
    expect(await page.textContent("h1")).toBe("هل توافق على المشاركة؟");
    await page.goto(`${run.app.url}/s/demo/information`);
    await page.click("main .actions a.button");
    for (const id of REQUIRED) await page.check(`input[name=${id}][value=yes]`);
    await page.check("input[name=audio_recording][value=no]");
    await page.check("input[name=quotes][value=yes]");
    await page.click("main form button[type=submit]");
    await page.waitForURL(/\/code$/);
    const code = (await page.textContent(".code"))!.trim();
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    expect(page.url()).not.toContain(code);
    await page.click("main .actions a.button");

    const typed = "الموظفون كانوا لطفاء معي";
    let pages = 0;
    while (!page.url().endsWith("/done")) {
      expect(++pages).toBeLessThan(40);
      expect(await page.getAttribute("html", "dir")).toBe("rtl");
      const textarea = await page.$("textarea");
      if (textarea) await textarea.fill(typed);
      const radio = await page.$("input[type=radio]");
      if (radio) await radio.check();
      await clickSave(page);
    }
    expect(await page.textContent("h1")).toBe("شكرًا لك");
    const participant = await run.app.db
      .selectFrom("participant")
      .select(["id", "language"])
      .where("language", "=", "ar")
      .executeTakeFirstOrThrow();
    const answers = await run.app.db
      .selectFrom("answer")
      .innerJoin("response", "response.id", "answer.response_id")
      .select(["answer.value", "response.language", "response.completed_on"])
      .where("response.participant_id", "=", participant.id)
      .execute();
    expect(answers.filter((a) => a.value === typed).length).toBeGreaterThan(0);
    expect(answers.every((a) => a.language === "ar" && a.completed_on !== null)).toBe(true);
    const consent = await run.app.db
      .selectFrom("consent_record")
      .select(["quotes", "audio_recording", "method"])
      .where("participant_id", "=", participant.id)
      .executeTakeFirstOrThrow();
    expect(consent).toEqual({ quotes: true, audio_recording: false, method: "online" });
    // Going back shows the typed text, in its own direction.
    // The demo asks the focus-group questions one to a page.
    await page.goto(`${run.app.url}/s/demo/q/focus-group-questions/once/how_supported`);
    expect(await page.inputValue("textarea")).toBe(typed);
    expect(await page.getAttribute("textarea", "dir")).toBe("auto");
    await context.close();
  });

  it("pause, then resume in a new browser with the code typed carelessly, at the first page not done", async () => {
    const first = await newContext();
    const page = await first.newPage();
    await chooseLanguage(page, "en");
    const code = await consent(page);
    await page.click("main .actions a.button");
    await page.waitForURL(/\/q\/focus-group-questions\/once\/introduction$/);
    await clickSave(page);
    await page.waitForURL(/lived_experience$/);
    await clickSave(page);
    await page.waitForURL(/how_supported$/);
    await page.fill("textarea[name=how_supported]", "I waited a long time");
    await clickSave(page);
    const stoppedAt = page.url();
    await page.click("text=Take a break");
    expect(await page.textContent("main")).toContain(code);
    await first.close();

    const second = await newContext();
    const again = await second.newPage();
    await chooseLanguage(again, "en");
    await again.goto(`${run.app.url}/s/demo/resume`);
    // Small letters, spaces for dashes, O for 0 and l for 1.
    await again.fill("#code", code.toLowerCase().replaceAll("-", " ").replaceAll("0", "o").replaceAll("1", "l"));
    await again.click("main form button[type=submit]");
    await again.waitForURL((url) => url.toString() === stoppedAt);
    await again.click("text=Go back to the page before");
    expect(await again.inputValue("textarea[name=how_supported]")).toBe("I waited a long time");
    // Changed, and saved again.
    await again.fill("textarea[name=how_supported]", "I waited a very long time");
    await clickSave(again);
    const values = await run.app.db.selectFrom("answer").select("value").where("item_id", "=", "how_supported").execute();
    expect(values.map((v) => v.value)).toContain("I waited a very long time");
    expect(values.map((v) => v.value)).not.toContain("I waited a long time");
    await second.close();
  });

  it("a mistyped code gets a message next to the field, and typos never lock anyone out", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await chooseLanguage(page, "cy");
    await page.goto(`${run.app.url}/s/demo/resume`);
    await page.fill("#code", "ABCD-EFGH-JKMN-PQRS");
    await page.click("main form button[type=submit]");
    expect(await page.textContent(".error-summary")).toContain("Dydy hwn ddim yn edrych fel cod");
    expect(await page.textContent(".field-error .error-message")).toContain("Dydy hwn ddim yn edrych fel cod");
    // A room sharing one address makes typos all day: the check character catches them before any
    // lookup, so they are not guesses and never count (docs/decisions/057-attempt-limits.md).
    for (let i = 0; i < 12; i++) {
      await page.fill("#code", "ABCD-EFGH-JKMN-PQRS");
      await page.click("main form button[type=submit]");
    }
    expect(await page.textContent(".error-message")).toContain("Dydy hwn ddim yn edrych fel cod");
    expect(await page.textContent(".error-message")).not.toContain("Arhoswch 15 munud");
    await context.close();
  });

  it("a double submit of the consent page and of an answer page is recorded once", async () => {
    const before = await count("participant");
    const context = await newContext();
    const page = await context.newPage();
    await chooseLanguage(page, "fa");
    await page.goto(`${run.app.url}/s/demo/consent`);
    for (const id of REQUIRED) await page.check(`input[name=${id}][value=yes]`);
    await page.check("input[name=audio_recording][value=no]");
    await page.check("input[name=quotes][value=no]");
    // The same form sent twice (a double tap, or a retry after a timeout), then the real click.
    const form = await page
      .evaluate(() => null)
      .then(async () => {
        const token = await page.getAttribute("input[name=_token]", "value");
        const fields: Record<string, string> = { _token: token!, audio_recording: "no", quotes: "no" };
        for (const id of REQUIRED) fields[id] = "yes";
        return fields;
      });
    const post = () => context.request.post(`${run.app.url}/s/demo/consent`, { form, headers: { origin: run.app.url }, maxRedirects: 0 });
    const [a, b] = await Promise.all([post(), post()]);
    expect([a.status(), b.status()]).toEqual([302, 302]);
    await page.click("main form button[type=submit]");
    // The browser already holds the session the earlier posts opened, so it simply carries on.
    await page.waitForURL(/\/q\/focus-group-questions\/once\/introduction$/);
    expect(await count("participant")).toBe(before + 1);
    await page.goto(`${run.app.url}/s/demo/code`);
    expect(await page.textContent(".code")).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);

    await page.goto(`${run.app.url}/s/demo/q/peer-support-wellbeing/pre/who5_section`);
    await page.check("input[name=who5_1][value='4']");
    const answersBefore = await count("answer");
    const answerForm = { who5_1: "4", _intent: "save" };
    await Promise.all(
      [1, 2].map(() => context.request.post(page.url(), { form: answerForm, headers: { origin: run.app.url }, maxRedirects: 0 })),
    );
    await clickSave(page);
    expect(await count("answer")).toBe(answersBefore + 1);
    await context.close();
  });

  it("declining a required statement ends kindly with contact and support, and stores nothing", async () => {
    const tables = ["participant", "consent_record", "form_submission", "answer"] as const;
    const before = await Promise.all(tables.map(count));
    const context = await newContext();
    const page = await context.newPage();
    await chooseLanguage(page, "en");
    await page.goto(`${run.app.url}/s/demo/consent`);
    for (const id of REQUIRED) await page.check(`input[name=${id}][value=yes]`);
    await page.check("input[name=agree_to_take_part][value=no]");
    await page.click("main form button[type=submit]");
    await page.waitForURL(/\/declined$/);
    const text = await page.textContent("main");
    expect(text).toContain("Thank you for thinking about it");
    expect(text).toContain("research@demo.tandem.test");
    expect(text).toContain("Samaritans");
    expect(await Promise.all(tables.map(count))).toEqual(before);
    expect((await context.cookies()).map((c) => c.name)).not.toContain("tandem_p");
    await context.close();
  });

  it("withdrawal with erasure: confirm, see what happened, and nothing of that person's answers is left", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await chooseLanguage(page, "en");
    await consent(page, { quotes: true });
    await page.goto(`${run.app.url}/s/demo/q/focus-group-questions/once/how_supported`);
    const words = "Words only this person wrote 7f3a";
    await page.fill("textarea[name=how_supported]", words);
    await clickSave(page);
    await page.waitForURL(/sensitivity_to_history$/);
    await page.fill("textarea[name=sensitivity_to_history]", words);
    await clickSave(page);
    const participant = await run.app.db
      .selectFrom("answer")
      .innerJoin("response", "response.id", "answer.response_id")
      .select("response.participant_id")
      .where("answer.item_id", "=", "how_supported")
      .where(({ eb }) => eb("answer.value", "=", JSON.stringify(words)))
      .executeTakeFirstOrThrow();
    await page.click("footer >> text=Stop taking part");
    await page.check("input[name=mode][value=erase]");
    await page.click("main form button[type=submit]");
    expect(await page.textContent("h1")).toBe("Are you sure?");
    await page.click("button.button-warning");
    await page.waitForURL(/\/withdrawn/);
    expect(await page.textContent("main")).toContain("We deleted 2 answers.");
    const left = await run.app.db.selectFrom("answer").select("value").execute();
    expect(left.filter((a) => JSON.stringify(a.value).includes("7f3a"))).toEqual([]);
    for (const table of ["response", "consent_record", "participant_session"] as const) {
      expect(
        await run.app.db.selectFrom(table).select("participant_id").where("participant_id", "=", participant.participant_id).execute(),
        table,
      ).toEqual([]);
    }
    expect(await run.app.db.selectFrom("participant").select("id").where("id", "=", participant.participant_id).execute()).toEqual([]);
    await context.close();
  });

  it("changing the quote choice takes effect at once", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await chooseLanguage(page, "en");
    await consent(page, { quotes: true });
    await page.goto(`${run.app.url}/s/demo/consent-choices`);
    await page.check("input[name=quotes][value=no]");
    await page.check("input[name=audio_recording][value=yes]");
    await page.click("main form button[type=submit]");
    expect(await page.textContent("[role=status]")).toContain("Your choices are saved.");
    const changes = await run.app.db.selectFrom("consent_change").select(["flag", "value"]).orderBy("id", "desc").limit(2).execute();
    expect(changes).toEqual(
      expect.arrayContaining([
        { flag: "quotes", value: false },
        { flag: "audio_recording", value: true },
      ]),
    );
    await context.close();
  });
});
