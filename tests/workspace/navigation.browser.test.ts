/**
 * Navigation by role, in Chromium (issue 14 item 1): for each role, starting at /research after
 * signing in, follow every workspace link breadth-first. Every page the authorisation matrix lets
 * that role open (own organisation, the demo study) must be reached by clicking, and no link may
 * lead to a page the role is refused. Each role's study link lands where its work is.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { roleHas, ROLES } from "../../app/auth/permissions.server";
import type { Role } from "../../db/tables/foundation";
import { appAndBrowser } from "../support/browser";
import { makeMember, TEST_PASSWORD } from "../support/workspace";
import { ROUTES } from "../security/authz-routes";

const run = appAndBrowser();

/** Links a walk does not follow: leaving, downloads and files, and other studies' or organisations' pages. */
function followable(pathname: string) {
  if (!pathname.startsWith("/research")) return false;
  if (pathname === "/research/sign-out" || pathname.startsWith("/research/sign-in")) return false;
  if (/\/(exports|quotes)\/|\.csv$|\/download$|\/qdpx$|\/preview$/.test(pathname)) return false;
  return ["/research", "/research/totp", "/research/account"].includes(pathname) || pathname.startsWith("/research/demo");
}

async function signIn(page: Page, email: string) {
  await page.goto(`${run.app.url}/research/sign-in`);
  await page.fill("#email", email);
  await page.fill("#password", TEST_PASSWORD);
  await Promise.all([page.waitForURL((url) => !url.pathname.endsWith("/sign-in")), page.click("button[type=submit]")]);
}

/** Breadth-first over the links of every page reached; the status of each page opened. */
async function walk(page: Page) {
  const statuses = new Map<string, number>();
  const firstLinkTo = new Map<string, string>();
  const queue = ["/research"];
  while (queue.length > 0 && statuses.size < 120) {
    const path = queue.shift()!;
    if (statuses.has(path)) continue;
    const response = await page.goto(`${run.app.url}${path}`);
    statuses.set(path, response?.status() ?? 0);
    if (response?.status() !== 200) continue;
    const hrefs = await page.$$eval("a[href]", (links) => links.map((a) => (a as HTMLAnchorElement).href));
    for (const href of hrefs) {
      const url = new URL(href);
      if (url.origin !== new URL(run.app.url).origin || !followable(url.pathname)) continue;
      if (!firstLinkTo.has(url.pathname)) firstLinkTo.set(url.pathname, path);
      if (!statuses.has(url.pathname)) queue.push(url.pathname);
    }
  }
  return { statuses, firstLinkTo };
}

describe.runIf(run.hasBrowser)("the workspace's links, role by role", () => {
  for (const role of ROLES) {
    it(`a ${role} reaches every page they may use by clicking, and is shown no link they may not follow`, async () => {
      const demo = await run.app.db.selectFrom("organisation").select("id").where("slug", "=", "demo").executeTakeFirstOrThrow();
      const email = `${role}@navigation.test`;
      await makeMember(run.app.db, { organisationId: demo.id, email, role: role as Role });
      const context = await run.browser.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      try {
        await signIn(page, email);
        const { statuses, firstLinkTo } = await walk(page);
        const refused = [...statuses]
          .filter(([, status]) => status !== 200)
          .map(([path, status]) => `${path} (${status}, linked from ${firstLinkTo.get(path)})`);
        expect(refused, "links to pages this role cannot open").toEqual([]);
        const allowed = ROUTES.filter(
          (r) => r.method === "GET" && !r.formAnswer && (r.permission === "signed_in" || roleHas(role as Role, r.permission)),
        ).map((r) => new URL(r.path.replace("{org}", "demo").replace("{study}", "demo"), "http://x").pathname);
        const unreached = [...new Set(allowed)].filter((path) => !statuses.has(path));
        expect(unreached, "pages this role may use but cannot reach by clicking").toEqual([]);
      } finally {
        await context.close();
      }
    }, 300_000);
  }

  it("each role's study link lands where its work is", async () => {
    const landings: Record<string, string> = {};
    for (const role of ["peer_researcher", "facilitator", "researcher"] as const) {
      const context = await run.browser.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      await signIn(page, `${role}@navigation.test`);
      await page.goto(`${run.app.url}/research/demo`);
      landings[role] = new URL(
        await page
          .locator("main a[href*='/studies/demo']")
          .first()
          .evaluate((a) => (a as HTMLAnchorElement).href),
      ).pathname;
      await context.close();
    }
    expect(landings).toEqual({
      peer_researcher: "/research/demo/studies/demo/coding",
      facilitator: "/research/demo/studies/demo/fieldwork",
      researcher: "/research/demo/studies/demo",
    });
    const context = await run.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, "publisher@navigation.test");
    await page.goto(`${run.app.url}/research`);
    expect(await page.locator("main a[href^='/research/demo']").first().getAttribute("href")).toBe("/research/demo/report-back");
    await context.close();
  });
});
