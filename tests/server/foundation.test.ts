import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BODY_LIMITS } from "../../scripts/server";
import { startTestApp, type TestApp } from "../support/app";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe("the running server", () => {
  it("answers /healthz with 200 while the database answers", async () => {
    const response = await fetch(`${app.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ok");
  });

  it("serves the home page with an enforced CSP carrying a nonce and refusing framing", async () => {
    const response = await fetch(`${app.url}/`);
    expect(response.status).toBe(200);
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]{16,}'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get("content-security-policy-report-only")).toBeNull();
    expect(response.headers.get("x-powered-by")).toBeNull();
    const html = await response.text();
    expect(html).toMatch(/<html lang="en" dir="ltr">/);
  });

  it("answers in the chosen language with its direction", async () => {
    const html = await (await fetch(`${app.url}/?lang=ar`)).text();
    expect(html).toMatch(/<html lang="ar" dir="rtl">/);
    expect(html).toContain("البحث");
  });

  it("never logs query strings, addresses, user agents or cookies", async () => {
    await fetch(`${app.url}/?lang=cy&secret=PARTICIPANT-TEXT`, {
      headers: { "User-Agent": "TestAgent/9.9", Cookie: "tandem_lang=cy; other=COOKIEVALUE" },
    });
    const log = app.logLines.join("\n");
    expect(log).toMatch(/GET \/ 200/);
    expect(log).not.toMatch(/PARTICIPANT-TEXT|secret=|TestAgent|COOKIEVALUE|127\.0\.0\.1|::1/);
  });

  it("refuses a POST from another site before any route runs", async () => {
    const response = await fetch(`${app.url}/`, { method: "POST", headers: { Origin: "https://evil.example" }, body: "x=1" });
    expect(response.status).toBe(403);
  });

  it("refuses an oversized form post with 413 before reading it, and keeps nothing", async () => {
    const before = Number(
      (
        await app.db
          .selectFrom("participant")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const body = new URLSearchParams({ language: "en", padding: "x".repeat(BODY_LIMITS.participant + 1) });
    const response = await fetch(`${app.url}/s/demo`, { method: "POST", headers: { Origin: app.url }, body });
    expect(response.status).toBe(413);
    expect(await response.text()).toMatch(/too much to send at once|more than this page can take/);
    const after = Number(
      (
        await app.db
          .selectFrom("participant")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
    expect(after).toBe(before);
    // An ordinary post of the same form still goes through.
    const ordinary = await fetch(`${app.url}/s/demo`, {
      method: "POST",
      headers: { Origin: app.url },
      body: new URLSearchParams({ language: "en" }),
      redirect: "manual",
    });
    expect(ordinary.status).not.toBe(413);
    expect(ordinary.status).toBeLessThan(500);
  });

  it("answers an unknown page with 404, not 500", async () => {
    const response = await fetch(`${app.url}/no-such-page`);
    expect(response.status).toBe(404);
  });
});

describe("health and shutdown", () => {
  it("reports 503 when the database stops answering", async () => {
    const other = await startTestApp({ demo: false });
    try {
      await other.database.close();
      const response = await fetch(`${other.url}/healthz`);
      expect(response.status).toBe(503);
    } finally {
      await other.server.close();
      await other.database.destroy().catch(() => {});
    }
  });

  it("lets a request in flight finish when shutting down", async () => {
    let arrived!: () => void;
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    const other = await startTestApp({
      demo: false,
      mount: (express) =>
        express.get("/slow", (_req, res) => {
          arrived();
          setTimeout(() => res.send("finished"), 300);
        }),
    });
    const inFlight = fetch(`${other.url}/slow`).then(async (r) => [r.status, await r.text()]);
    await requestArrived;
    await other.close();
    expect(await inFlight).toEqual([200, "finished"]);
    await expect(fetch(`${other.url}/healthz`)).rejects.toThrow();
  });
});
