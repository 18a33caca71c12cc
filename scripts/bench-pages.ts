/**
 * `npm run bench:pages`: every participant page in every language the demo study offers, with its
 * HTML and CSS sizes after gzip (what crosses a slow connection). Budget: 14 KB together, about what
 * fits in the first round trip (TCP initial window of 10 segments). Pages over budget are flagged and
 * the exit code is 1. Runs the built app in this process on a throwaway in-memory database.
 */
import { gzipSync } from "node:zlib";
import { openDatabase } from "../db/index";
import { secretsFrom } from "../app/security/secrets.server";
import { bootstrap } from "./bootstrap";
import { startServer } from "./server";
import { ParticipantClient, codeOnPage, consentForm, hiddenValue } from "../tests/support/participant-http";

const BUDGET = 14 * 1024;

async function main() {
  const handle = await openDatabase({ dataDir: "memory://" });
  await bootstrap(handle, { demo: true, demoAdminPassword: "bench-only password 0123456789" });
  const study = await handle.db.selectFrom("study").select("languages").where("slug", "=", "demo").executeTakeFirstOrThrow();
  const server = await startServer({ database: handle, secrets: secretsFrom("bench-secret-".padEnd(48, "x")), port: 0, log: () => {} });
  const cssCache = new Map<string, number>();
  const rows: { language: string; page: string; html: number; css: number }[] = [];
  try {
    for (const language of study.languages) {
      const c = new ParticipantClient(server.url);
      const measure = async (label: string, html: string) => {
        let css = 0;
        for (const [, href] of html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)) {
          if (!cssCache.has(href!)) cssCache.set(href!, gzipSync(Buffer.from(await (await fetch(new URL(href!, server.url))).arrayBuffer())).length);
          css += cssCache.get(href!)!;
        }
        rows.push({ language, page: label, html: gzipSync(Buffer.from(html)).length, css });
      };
      const visit = async (path: string, label = path) => measure(label, (await c.get(path)).html);
      await visit("/s/demo");
      await c.get(`/s/demo?lang=${language}`);
      for (const path of ["/s/demo/information", "/s/demo/support", "/s/demo/break", "/s/demo/stop", "/s/demo/resume", "/s/demo/declined", "/s/demo/finished"]) await visit(path);
      const consentPage = await c.get("/s/demo/consent");
      await measure("/s/demo/consent", consentPage.html);
      await measure("/s/demo/consent (errors)", (await c.post("/s/demo/consent", { _token: hiddenValue(consentPage.html, "_token") })).html);
      const code = await c.post("/s/demo/consent", consentForm(hiddenValue(consentPage.html, "_token"), { quotes: true }));
      codeOnPage(code.html);
      await measure("/s/demo/code", code.html);
      let page = await c.get("/s/demo/next");
      for (let n = 0; !page.url.endsWith("/done") && n < 50; n++) {
        await measure(new URL(page.url).pathname, page.html);
        page = await c.post(new URL(page.url).pathname, { _intent: "skip" });
      }
      await measure("/s/demo/done", page.html);
      await visit("/s/demo/consent-choices");
      await visit("/s/demo/withdraw");
      await measure("/s/demo/withdraw (confirm)", (await c.post("/s/demo/withdraw", { mode: "keep" })).html);
      await measure("/s/demo/withdrawn", (await c.post("/s/demo/withdraw", { mode: "keep", _intent: "confirm" })).html);
    }
  } finally {
    await server.close();
  }
  const kb = (n: number) => (n / 1024).toFixed(1).padStart(5);
  console.log(`${"language".padEnd(9)}${"page".padEnd(58)}${"html".padStart(7)}${"css".padStart(7)}${"total".padStart(8)}  (KB, gzip)`);
  let over = 0;
  for (const r of rows) {
    const total = r.html + r.css;
    const flag = total > BUDGET ? "  OVER 14 KB" : "";
    if (flag) over++;
    console.log(`${r.language.padEnd(9)}${r.page.padEnd(58)}${kb(r.html).padStart(7)}${kb(r.css).padStart(7)}${kb(total).padStart(8)}${flag}`);
  }
  const largest = rows.reduce((a, b) => (a.html + a.css >= b.html + b.css ? a : b));
  console.log(`\n${rows.length} pages; largest ${kb(largest.html + largest.css).trim()} KB (${largest.language} ${largest.page}); budget 14 KB; ${over} over budget.`);
  process.exitCode = over > 0 ? 1 : 0;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
