/**
 * Refusals are 4xx, never 500, and every error page is a kind page in the person's language (issue 11,
 * item 12; docs/decisions/062-user-text-isolation-and-error-pages.md), over HTTP:
 * - error pages in English and Arabic for 404, 400, 403, 413, 405, 500 and 503 (the database gone),
 *   with no raw catalogue key, and on a participant's address the quick exit and support links;
 * - a `tandem_lang` cookie with a bad %-escape, a malformed multipart body, and ids that are not
 *   ours (another organisation's theme, unit or cohort, or not an id at all) are answered without a 500;
 * - a small fuzz: garbage cookies, bodies and ids sent to a list of routes, none answered 500.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messagesFor } from "../../app/i18n/catalogues.server";
import { makeTranslate } from "../../app/i18n/intl";
import { createOrganisation } from "../../app/organisations/people.server";
import { createStudy } from "../../app/studies/studies.server";
import { createTheme } from "../../app/coding/codebook.server";
import { createCohort } from "../../app/wellbeing/cohorts.server";
import { startTestApp, type TestApp } from "../support/app";
import { makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";

let app: TestApp;
let admin: WorkspaceClient;
let csrf: string;
const foreign: { theme?: string; cohort?: string; study?: string } = {};

beforeAll(async () => {
  app = await startTestApp();
  const demo = await app.db.selectFrom("organisation").select("id").where("slug", "=", "demo").executeTakeFirstOrThrow();
  await makeMember(app.db, { organisationId: demo.id, email: "admin@errors.test", role: "admin" });
  const other = await createOrganisation(app.db, { slug: "other", name: "Another organisation" });
  const otherAdmin = await makeMember(app.db, { organisationId: other.id, email: "admin@other.test", role: "admin" });
  expect(
    (
      await createStudy(app.db, {
        organisationId: other.id,
        actorUserId: otherAdmin,
        study: { slug: "other-study", languages: ["en"], titles: { en: "Other" }, withdrawalModes: ["erase"] },
      })
    ).ok,
  ).toBe(true);
  const otherStudy = await app.db.selectFrom("study").select("id").where("slug", "=", "other-study").executeTakeFirstOrThrow();
  const scope = { organisationId: other.id, studyId: otherStudy.id };
  foreign.study = otherStudy.id;
  foreign.theme = (
    await createTheme(app.db, scope, otherAdmin, {
      name: "Another organisation's theme",
      definition: "",
      useWhen: "",
      notUseWhen: "",
      parentId: null,
    })
  ).id;
  foreign.cohort = (
    await createCohort(app.db, scope, { name: "Another organisation's group", startsOn: null, endsOn: null, facilitatorIds: [] })
  ).id;
  admin = new WorkspaceClient(app.url);
  expect((await admin.signIn("admin@errors.test", TEST_PASSWORD)).status).toBe(302);
  csrf = await admin.csrf();
}, 120_000);
afterAll(async () => {
  await app?.close().catch(() => {});
});

const t = { en: makeTranslate("en", messagesFor("en")), ar: makeTranslate("ar", messagesFor("ar")) };
const RAW_KEY = /\b(common|workspace|participant|coding|wellbeing|reportback)\.[a-zA-Z]+\.[a-zA-Z.]+/;

/** What a page of this kind must say in this language, and what it must not show. */
function expectKindPage(html: string, language: "en" | "ar", key: string, where: string) {
  expect(html, `${where}: a raw catalogue key`).not.toMatch(RAW_KEY);
  expect(html, where).toContain(`lang="${language}"`);
  expect(html, where).toContain(`dir="${language === "ar" ? "rtl" : "ltr"}"`);
  expect(html, `${where}: the ${key} title in ${language}`).toContain(escapeHtml(t[language](`${key}.title`)));
  expect(html, where).not.toMatch(/at \w+ \(|Error:|TypeError|node_modules/);
}

function expectParticipantFrame(html: string, language: "en" | "ar", where: string) {
  expect(html, `${where}: the quick exit`).toMatch(/class="quick-exit"/);
  expect(html, `${where}: the support link`).toContain('href="/s/demo/support"');
  expect(html, where).toContain(escapeHtml(t[language]("participant.bar.leave")));
}

function escapeHtml(text: string) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
}

const get = (path: string, cookie?: string) => fetch(app.url + path, { redirect: "manual", headers: cookie ? { cookie } : {} });

describe("error pages are kind and in the person's language", () => {
  for (const language of ["en", "ar"] as const) {
    const cookie = `tandem_lang=${language}`;

    it(`${language}: 404 for an unknown address, on its own and under a study (with the quick exit and support)`, async () => {
      const plain = await get("/no-such-page", cookie);
      expect(plain.status).toBe(404);
      expectKindPage(await plain.text(), language, "common.notFound", "/no-such-page");

      const participant = await get("/s/demo/no-such-page", cookie);
      expect(participant.status).toBe(404);
      const html = await participant.text();
      expectKindPage(html, language, "common.notFound", "/s/demo/no-such-page");
      expectParticipantFrame(html, language, "/s/demo/no-such-page");

      const unknownStudy = await get(`/s/no-such-study/information?lang=${language}`);
      expect(unknownStudy.status).toBe(404);
      expectKindPage(await unknownStudy.text(), language, "common.notFound", "an unknown study");
    });

    it(`${language}: 400 for a malformed form body on a workspace action`, async () => {
      const response = await fetch(`${app.url}/research/demo/studies/demo/themes`, {
        method: "POST",
        headers: { cookie: `${admin.cookieHeader()}; ${cookie}`, "content-type": "multipart/form-data; boundary=XX" },
        body: '--XX\r\nContent-Disposition: form-data; name="intent"\r\n\r\ncut off here',
      });
      expect(response.status).toBe(400);
      expectKindPage(await response.text(), language, "common.errors.badRequest", "malformed multipart");
    });

    it(`${language}: 403 for a workspace form without its token`, async () => {
      const response = await fetch(`${app.url}/research/demo/studies/demo/themes`, {
        method: "POST",
        headers: { cookie: `${admin.cookieHeader()}; ${cookie}`, "content-type": "application/x-www-form-urlencoded" },
        body: "intent=seed",
      });
      expect(response.status).toBe(403);
      expectKindPage(await response.text(), language, "workspace.errors.forbidden", "no CSRF token");
    });

    it(`${language}: 400 for a participant's form posted to a page that takes none (an action-less route)`, async () => {
      const response = await fetch(`${app.url}/s/demo/support`, {
        method: "POST",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded", origin: app.url },
        body: "a=b",
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      const html = await response.text();
      expect(html).not.toMatch(RAW_KEY);
      expect(html).toContain(`lang="${language}"`);
      expectParticipantFrame(html, language, "POST to /s/demo/support");
    });

    it(`${language}: the server's own refusals (405, 413, 403) and a 500 render the same kind page`, async () => {
      // scripts/server.ts refuses these before Remix runs; the build gives it the page to send.
      const build = (await import(pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;
      const errorDocument = (
        build.entry.module as unknown as { errorDocument: (input: { path: string; cookie?: string; status: number }) => string }
      ).errorDocument;
      const keys = {
        403: "common.errors.forbidden",
        405: "common.errors.methodNotAllowed",
        413: "common.errors.tooLarge",
        500: "common.error",
        503: "common.errors.unavailable",
      } as const;
      for (const [status, key] of Object.entries(keys)) {
        const html = errorDocument({ path: "/s/demo/consent", cookie, status: Number(status) });
        expectKindPage(html, language, key, `errorDocument ${status}`);
        expectParticipantFrame(html, language, `errorDocument ${status}`);
        expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
      }
    });

    it(`${language}: a tandem_lang cookie with a bad %-escape is ignored, not a 500`, async () => {
      for (const bad of ["%E0%A4%A", "%", "%zz", "ar%"]) {
        for (const page of ["/", "/s/demo", "/s/demo/information", "/research/sign-in", "/no-such-page"]) {
          const response = await get(`${page}${page.includes("?") ? "&" : "?"}lang=${language}`, `tandem_lang=${bad}`);
          expect(response.status, `${page} with tandem_lang=${bad}`).toBeLessThan(500);
          expect(await response.text()).not.toMatch(RAW_KEY);
        }
      }
    });
  }
});

describe("ids that are not ours are refused with a 4xx, never a 500", () => {
  const base = "/research/demo/studies/demo";

  // Walks every page: a minute on an idle two-core machine, more when other test files run beside it.
  it("another organisation's theme, cohort and units, or no id at all, in our own study's forms", async () => {
    const ids = [foreign.theme!, foreign.cohort!, "not-an-id", "00000000-0000-4000-8000-000000000000", "'\"<x>"];
    const statuses: string[] = [];
    for (const id of ids) {
      const sends: [string, Record<string, string>][] = [
        [`${base}/themes`, { intent: "accept", theme: id }],
        [`${base}/themes`, { intent: "rename", theme: id, name: "n" }],
        [`${base}/themes`, { intent: "merge", theme: id, into: id }],
        [`${base}/themes`, { intent: "memo", theme: id, text: "t" }],
        [`${base}/themes`, { intent: "create", name: `child of ${id}`, parent: id }],
        [`${base}/coding`, { intent: "apply", unit: `s:${id}`, theme: id, start: "0", end: "1" }],
        [`${base}/coding`, { intent: "apply", unit: `a:${id}:what_helped`, theme: id, start: "0", end: "1" }],
        [`${base}/coding`, { intent: "translate", unit: `a:${id}:what_helped`, language: "en", text: "t" }],
        [`${base}/coding`, { intent: "remove", coding: id, unit: id }],
        [`${base}/coding`, { intent: "memo", coding: id, text: "t" }],
        [`${base}/coding`, { intent: "editMemo", memo: id, text: "t" }],
        [`${base}/coding/agreement`, { intent: "resolve", unit: `s:${id}`, theme: id, decision: "applied" }],
        [`${base}/wellbeing/cohorts`, { intent: "join", cohort: id, code: "ABCD-EFGH-JKMN-PQRS" }],
        [`${base}/wellbeing/cohorts/${encodeURIComponent(id)}`, { intent: "session", heldOn: "2025-01-01" }],
      ];
      for (const [to, body] of sends) {
        const response = await admin.post(to, body, { csrf });
        statuses.push(`${response.status} POST ${to} ${JSON.stringify(body)}`);
        expect(await response.text()).not.toContain("Another organisation's");
      }
      for (const page of [
        `${base}/fieldwork/${encodeURIComponent(id)}`,
        `${base}/coding?session=${encodeURIComponent(id)}`,
        `${base}/wellbeing/cohorts/${encodeURIComponent(id)}`,
        `${base}/themes?theme=${encodeURIComponent(id)}`,
        `${base}/wellbeing?cohort=${encodeURIComponent(id)}`,
      ]) {
        const response = await admin.get(page);
        statuses.push(`${response.status} GET ${page}`);
        expect(await response.text()).not.toContain("Another organisation's");
      }
    }
    expect(statuses.filter((s) => s.startsWith("5"))).toEqual([]);
    // And nothing of the other organisation's changed: its theme and group are as they were.
    const theme = await app.db
      .selectFrom("theme")
      .select(["name", "status", "parent_id"])
      .where("id", "=", foreign.theme!)
      .executeTakeFirstOrThrow();
    expect(theme).toEqual({ name: "Another organisation's theme", status: "accepted", parent_id: null });
    expect(await app.db.selectFrom("memo").select("id").where("theme_id", "=", foreign.theme!).execute()).toEqual([]);
    expect(await app.db.selectFrom("group_session").select("id").where("cohort_id", "=", foreign.cohort!).execute()).toEqual([]);
  }, 300_000);

  it("fuzz: garbage cookies, bodies and ids to a list of routes get no 500", async () => {
    const pages = [
      "/",
      "/s/demo",
      "/s/demo/information",
      "/s/demo/consent",
      "/s/demo/resume",
      "/s/demo/withdraw",
      "/o/demo/you-said-we-did",
      "/research",
      "/research/sign-in",
      "/research/demo",
      `${base}/themes`,
      `${base}/coding`,
      `${base}/wellbeing/cohorts`,
      "/research/demo/people",
    ];
    const cookies = [
      "tandem_lang=%E0%A4%A",
      "tandem_lang=%%",
      "tandem_p=%zz",
      "tandem_p=" + "A".repeat(300),
      "tandem_session=%",
      "__Host-tandem_session=%zz; tandem_lang=ar",
      "=;;=; tandem_lang",
      "tandem_lang=ar\u00e9".normalize(),
    ];
    const bodies: [string, string][] = [
      ["multipart/form-data", "garbage"],
      ["multipart/form-data; boundary=XX", "--XX\r\nContent-Disposition: form-data\r\n\r\nbroken"],
      ["multipart/form-data; boundary=XX", "--XX--"],
      ["application/x-www-form-urlencoded", "a=%zz&b=%&&&=&csrf=%E0%A4%A"],
      ["application/x-www-form-urlencoded", `intent=apply&unit=s:${"x".repeat(2000)}&theme=${"'".repeat(50)}`],
      ["text/plain", "\u0000\u0001\u0002"],
      ["application/json", '{"intent":'],
    ];
    const failures: string[] = [];
    for (const page of pages) {
      for (const cookie of cookies) {
        const response = await fetch(app.url + page, { redirect: "manual", headers: { cookie: `${cookie}; ${admin.cookieHeader()}` } });
        await response.arrayBuffer();
        if (response.status >= 500) failures.push(`${response.status} GET ${page} cookie ${cookie}`);
      }
      for (const [type, body] of bodies) {
        const response = await fetch(app.url + page, {
          method: "POST",
          redirect: "manual",
          headers: { cookie: admin.cookieHeader(), "content-type": type, origin: app.url },
          body,
        });
        await response.arrayBuffer();
        if (response.status >= 500) failures.push(`${response.status} POST ${page} ${type} ${JSON.stringify(body).slice(0, 60)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe("while the database is unavailable", () => {
  it("a participant gets a kind 503 page in their language, with the quick exit (English and Arabic)", async () => {
    // Last in this file: the database is closed under the running server, as if it had gone away.
    await app.db.destroy();
    for (const language of ["en", "ar"] as const) {
      const response = await get("/s/demo/information", `tandem_lang=${language}`);
      expect(response.status).toBe(503);
      const html = await response.text();
      expectKindPage(html, language, "common.errors.unavailable", `503 in ${language}`);
      expectParticipantFrame(html, language, `503 in ${language}`);
    }
  });
});
