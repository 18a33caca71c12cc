/**
 * How big every participant page is on the wire, in every shipped language, against the budget:
 * HTML and the CSS it links together at most 14 KB compressed, about what a server can send in the
 * first round trip (TCP's initial window of 10 segments), which matters on a slow phone connection.
 *
 *   npm run bench:pages                        (brotli: what browsers ask for over HTTPS)
 *   npm run bench:pages -- --encoding gzip     (what older browsers, and browsers over plain HTTP, get)
 *
 * Starts the built app in this process, as the HTTP tests do, on a throwaway in-memory embedded
 * database with the demo study, and walks the participant journey over HTTP as a browser without
 * JavaScript would: cookies kept (the server-side participant session), Origin sent on form posts.
 * A language is shipped when it has a participant catalogue (app/i18n/catalogues/participant/);
 * the demo study offers them all. Each figure is the body as the server sent it, compressed by
 * the `compression` middleware (which sends bodies under 1 KB uncompressed); a page's CSS is
 * counted in full, as on a first visit with nothing cached. Response headers are not counted.
 * Needs the build (`npm run build`, or `npm start` once).
 */
import { existsSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import { secretsFrom } from "../app/security/secrets.server";
import { languageCodes } from "../app/i18n/languages";
import { openDatabase } from "../db/index";
import { codeOnPage, consentForm, hiddenValue } from "../tests/support/participant-http";
import { bootstrap } from "./bootstrap";
import { startServer } from "./server";

const BUDGET = 14 * 1024;
const ENCODINGS = { br: "br, gzip, deflate", gzip: "gzip, deflate" } as const;

function encodingFromArgs(): keyof typeof ENCODINGS {
  const i = process.argv.indexOf("--encoding");
  const value = i >= 0 ? process.argv[i + 1] : (process.env.BENCH_ENCODING ?? "br");
  if (value !== "br" && value !== "gzip") {
    console.error(`--encoding must be br or gzip, not "${value}"`);
    process.exit(2);
  }
  return value;
}

interface Sent {
  status: number;
  url: URL;
  html: string;
  /** Body bytes as they crossed the connection. */
  wire: number;
  encoding: string;
}

/**
 * One participant's browser: keeps cookies across redirects, follows them itself, and reads the body
 * as it arrived (fetch would decompress it before anyone could count it).
 */
class Browser {
  private cookies = new Map<string, string>();
  constructor(
    private readonly origin: string,
    private readonly acceptEncoding: string,
  ) {}

  async get(path: string) {
    return this.send(path);
  }

  async post(path: string, form: Record<string, string>) {
    return this.send(path, new URLSearchParams(form).toString());
  }

  private async send(path: string, body?: string): Promise<Sent> {
    let url = new URL(path, this.origin);
    for (let hops = 0; hops < 10; hops++) {
      const headers: Record<string, string> = { "accept-encoding": this.acceptEncoding, accept: "text/html" };
      if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
      if (body !== undefined) Object.assign(headers, { origin: this.origin, "content-type": "application/x-www-form-urlencoded" });
      const response = await exchange(url, body === undefined ? "GET" : "POST", headers, body);
      for (const line of response.headers["set-cookie"] ?? []) {
        const [name, ...rest] = line.split(";")[0]!.split("=");
        const value = rest.join("=");
        if (value === "" || /Max-Age=0/i.test(line)) this.cookies.delete(name!.trim());
        else this.cookies.set(name!.trim(), value);
      }
      if (response.status >= 300 && response.status < 400) {
        url = new URL(response.headers.location!, url);
        body = undefined;
        continue;
      }
      const encoding = String(response.headers["content-encoding"] ?? "identity");
      return { status: response.status, url, html: decode(response.body, encoding).toString("utf8"), wire: response.body.length, encoding };
    }
    throw new Error(`too many redirects from ${path}`);
  }
}

function exchange(url: URL, method: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const request = http.request(url, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(body);
  });
}

function decode(body: Buffer, encoding: string): Buffer {
  if (encoding === "br") return brotliDecompressSync(body);
  if (encoding === "gzip") return gunzipSync(body);
  if (encoding === "deflate") return inflateSync(body);
  return body;
}

/** Every question on a questionnaire page answered: the first choice of each group, words in each text box. */
function answersFor(html: string): Record<string, string> {
  const form: Record<string, string> = { _intent: "save" };
  for (const [, name, value] of html.matchAll(/<input type="(?:radio|checkbox)"[^>]*name="([a-z0-9_]+)" value="([^"]*)"/g))
    form[name!] ??= value!;
  for (const [, name] of html.matchAll(/<textarea[^>]*name="([a-z0-9_]+)"/g)) form[name!] = "The staff were kind and patient with me.";
  for (const [tag, name] of html.matchAll(/<input[^>]*name="([a-z0-9_]+)"[^>]*type="text"[^>]*>/g)) {
    if (!name!.startsWith("_")) form[name!] = tag.includes('inputMode="decimal"') || tag.includes('inputmode="decimal"') ? "3" : "Cardiff";
  }
  return form;
}

interface Row {
  page: string;
  language: string;
  html: number;
  css: number;
}

async function main() {
  const encoding = encodingFromArgs();
  if (!existsSync(path.join("build", "index.js")) || !existsSync(path.join("public", "build"))) {
    console.error("The app is not built: run `npm run build` first.");
    process.exit(2);
  }
  const shipped = languageCodes.filter((code) => existsSync(path.join("app", "i18n", "catalogues", "participant", `${code}.json`)));
  const handle = await openDatabase({ dataDir: "memory://" });
  await bootstrap(handle, { demo: true, demoAdminPassword: "bench-only password 0123456789" });
  const study = await handle.db.selectFrom("study").select(["id", "languages"]).where("slug", "=", "demo").executeTakeFirstOrThrow();
  const missing = shipped.filter((code) => !study.languages.includes(code));
  if (missing.length > 0) {
    // A shipped language the demo does not offer yet is still measured, on this throwaway copy.
    await handle.db
      .updateTable("study")
      .set({ languages: [...study.languages, ...missing] })
      .where("id", "=", study.id)
      .execute();
  }
  const server = await startServer({
    database: handle,
    secrets: secretsFrom("bench-pages-secret-".padEnd(48, "x")),
    port: 0,
    log: () => {},
  });
  const origin = new URL(server.url).origin;
  const cssBytes = new Map<string, number>();
  const encodingsSeen = new Set<string>();
  const rows: Row[] = [];

  try {
    for (const language of shipped) {
      const browser = new Browser(origin, ENCODINGS[encoding]);
      const measure = async (page: string, sent: Sent, expectedPath?: string) => {
        if (sent.status !== 200) throw new Error(`${page} (${language}): status ${sent.status} at ${sent.url.pathname}`);
        if (expectedPath && sent.url.pathname !== expectedPath)
          throw new Error(`${page} (${language}): expected ${expectedPath}, landed on ${sent.url.pathname}`);
        encodingsSeen.add(sent.encoding);
        let css = 0;
        for (const [tag] of sent.html.matchAll(/<link [^>]*rel="stylesheet"[^>]*>/g)) {
          const href = /href="([^"]+)"/.exec(tag)![1]!;
          if (!cssBytes.has(href)) {
            const sheet = await browser.get(href);
            if (sheet.status !== 200) throw new Error(`stylesheet ${href}: status ${sheet.status}`);
            encodingsSeen.add(sheet.encoding);
            cssBytes.set(href, sheet.wire);
          }
          css += cssBytes.get(href)!;
        }
        rows.push({ page, language, html: sent.wire, css });
        return sent;
      };

      // Choosing the language sets its cookie and leads to the information sheet.
      await measure("information", await browser.get(`/s/demo?lang=${language}`), "/s/demo/information");
      await measure("_index (language choice)", await browser.get("/s/demo"), "/s/demo");
      await measure("support (before consent)", await browser.get("/s/demo/support"));
      await measure("break (before consent)", await browser.get("/s/demo/break"));
      await measure("resume", await browser.get("/s/demo/resume"));
      await measure(
        "resume (wrong code)",
        await browser.post("/s/demo/resume", { _to: "next", code: "0000-0000-0000-0000" }),
        "/s/demo/resume",
      );

      const consent = await measure("consent", await browser.get("/s/demo/consent"), "/s/demo/consent");
      const token = hiddenValue(consent.html, "_token");
      await measure("consent (nothing chosen)", await browser.post("/s/demo/consent", { _token: token }), "/s/demo/consent");
      await measure(
        "declined",
        await browser.post("/s/demo/consent", { ...consentForm(token), agree_to_take_part: "no" }),
        "/s/demo/declined",
      );
      const codePage = await measure("code", await browser.post("/s/demo/consent", consentForm(token, { quotes: true })), "/s/demo/code");
      const code = codeOnPage(codePage.html);

      // "next" only redirects: to each questionnaire page in turn, then to "done".
      let page = await browser.get("/s/demo/next");
      for (let n = 0; page.url.pathname.startsWith("/s/demo/q/"); n++) {
        if (n >= 50) throw new Error("more than 50 questionnaire pages: is the journey looping?");
        const [, , , , instrument, timepoint, pageId] = page.url.pathname.split("/");
        await measure(`q/${instrument}/${timepoint}/${pageId}`, page);
        page = await browser.post(page.url.pathname, answersFor(page.html));
      }
      await measure("done", page, "/s/demo/done");

      await measure("break", await browser.get("/s/demo/break"));
      await measure("support", await browser.get("/s/demo/support"));
      await measure("consent-choices", await browser.get("/s/demo/consent-choices"), "/s/demo/consent-choices");
      await measure(
        "consent-choices (saved)",
        await browser.post("/s/demo/consent-choices", { audio_recording: "no", quotes: "no" }),
        "/s/demo/consent-choices",
      );
      await measure("my-consent", await browser.get("/s/demo/my-consent"), "/s/demo/my-consent");
      await measure("my-consent (code shown)", await browser.get("/s/demo/my-consent?code=show"), "/s/demo/my-consent");
      const group = await browser.get("/s/demo/group");
      await measure("group", group, "/s/demo/group");
      const cohort = /name="cohort" value="([0-9a-f-]{36})"/.exec(group.html)?.[1] ?? "";
      await measure("group (joined)", await browser.post("/s/demo/group", { cohort }), "/s/demo/group");
      await measure("stop", await browser.get("/s/demo/stop"), "/s/demo/stop");
      await measure("finished", await browser.post("/s/demo/stop", {}), "/s/demo/finished");

      // Back with the code, to withdraw.
      await measure("resume (to withdraw)", await browser.get("/s/demo/resume?to=withdraw"));
      await measure("withdraw", await browser.post("/s/demo/resume", { _to: "withdraw", code }), "/s/demo/withdraw");
      await measure("withdraw (confirm)", await browser.post("/s/demo/withdraw", { mode: "keep" }), "/s/demo/withdraw");
      await measure("withdrawn", await browser.post("/s/demo/withdraw", { mode: "keep", _intent: "confirm" }), "/s/demo/withdrawn");
    }
  } finally {
    await server.close();
  }

  const pageWidth = Math.max(4, ...rows.map((r) => r.page.length));
  const line = (cells: string[]) =>
    console.log(
      `${cells[0]!.padEnd(pageWidth)}  ${cells[1]!.padEnd(8)}  ${cells
        .slice(2, 5)
        .map((c) => c.padStart(7))
        .join("  ")}  ${cells[5]}`,
    );
  line(["page", "language", "HTML", "CSS", "total", "budget"]);
  const pages = [...new Set(rows.map((r) => r.page))];
  let over = 0;
  for (const page of pages) {
    for (const r of rows.filter((row) => row.page === page)) {
      const total = r.html + r.css;
      if (total > BUDGET) over++;
      line([r.page, r.language, String(r.html), String(r.css), String(total), total > BUDGET ? "OVER" : "OK"]);
    }
  }
  const largest = rows.reduce((a, b) => (b.html + b.css > a.html + a.css ? b : a));
  const largestTotal = largest.html + largest.css;
  console.log(
    `\nbytes on the wire, ${[...encodingsSeen].sort().join("/")} as sent; CSS ${[...cssBytes.values()].join(" + ")} bytes (${cssBytes.size} stylesheet${cssBytes.size === 1 ? "" : "s"}).`,
  );
  console.log(
    `${pages.length} pages x ${shipped.length} languages (${shipped.join(", ")}) = ${rows.length} measured; ` +
      `max ${largestTotal} bytes (${(largestTotal / 1024).toFixed(1)} KB, ${largest.page}, ${largest.language}) of ${BUDGET} budget; ${over} over budget.`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
