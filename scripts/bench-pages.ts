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
 * It also refuses any page that ships a script other than the quick exit's (ADR 064), and walks the
 * quote-check and "what happened" pages with a person whose answers are quoted in an entry (ADR 078).
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
import { sql } from "kysely";
import type { DB } from "../db/index";
import { createTheme } from "../app/coding/codebook.server";
import { applyTheme } from "../app/coding/codings.server";
import { hashParticipantCode, normaliseParticipantCode } from "../app/participants/code";
import {
  addEntryQuote,
  addMilestone,
  createEntry,
  markTextReviewed,
  publishEntry,
  reviewEntry,
  saveEntryText,
  setEntryThemes,
  submitForReview,
} from "../app/report-back/entries.server";

function normaliseCode(code: string): string {
  const normalised = normaliseParticipantCode(code);
  if (!normalised.ok) throw new Error(`not a code: ${code}`);
  return normalised.code;
}
import { startServer } from "./server";

const BUDGET = 14 * 1024;
const SECRETS = secretsFrom("bench-pages-secret-".padEnd(48, "x"));
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

interface Quoting {
  scope: { organisationId: string; studyId: string };
  themeId: string;
  users: { publisher: string; reviewer: string; admin: string };
  languages: string[];
}

/**
 * A theme that five other people raised (so its quotes may be shown, ADR 066) and the staff who write,
 * review and publish an entry, on the demo study (which checks quotes).
 */
async function prepareQuoting(db: DB, studyId: string, languages: string[]): Promise<Quoting> {
  const study = await db.selectFrom("study").select(["organisation_id"]).where("id", "=", studyId).executeTakeFirstOrThrow();
  const scope = { organisationId: study.organisation_id, studyId };
  const staff = async (name: string, role: "admin" | "publisher" | "researcher") => {
    const user = await db
      .insertInto("app_user")
      .values({ email: `${name}@bench.test`, display_name: name, password_hash: null, totp_secret: null, disabled_at: null })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db.insertInto("membership").values({ user_id: user.id, organisation_id: scope.organisationId, role }).execute();
    return user.id;
  };
  const users = {
    publisher: await staff("publisher", "publisher"),
    reviewer: await staff("reviewer", "researcher"),
    admin: await staff("admin", "admin"),
  };
  const theme = await createTheme(db, scope, users.reviewer, { name: "Being listened to" });
  const use = await db
    .selectFrom("study_instrument")
    .innerJoin("instrument_version", "instrument_version.id", "study_instrument.instrument_version_id")
    .select(["instrument_version.id", "instrument_version.instrument_id", "study_instrument.role"])
    .where("study_instrument.study_id", "=", studyId)
    .execute();
  const consent = use.find((u) => u.role === "consent_form")!.id;
  const questions = use.find((u) => u.instrument_id === "focus-group-questions")!.id;
  for (let i = 0; i < 5; i++) {
    const person = await db
      .insertInto("participant")
      .values({
        study_id: studyId,
        code_hash: `bench-${i}`,
        language: "en",
        source: "online",
        enrolled_on: "2026-03-01",
        enrolled_at: null,
        cohort_id: null,
        withdrawn_on: null,
        withdrawal_mode: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("consent_record")
      .values({
        participant_id: person.id,
        instrument_version_id: consent,
        statements: "{}",
        audio_recording: false,
        quotes: true,
        method: "online",
        recorded_by: null,
        recorded_on: "2026-03-01",
        updated_on: "2026-03-01",
      })
      .execute();
    const response = await db
      .insertInto("response")
      .values({
        participant_id: person.id,
        study_id: studyId,
        instrument_version_id: questions,
        language: "en",
        interpreter: null,
        entered_by: null,
        started_on: "2026-03-01",
        completed_on: "2026-03-01",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const text = "Someone listened to me.";
    await db
      .insertInto("answer")
      .values({ response_id: response.id, item_id: "how_supported", value: JSON.stringify(text), answered_on: "2026-03-01" })
      .execute();
    await applyTheme(db, scope, users.reviewer, { unit: `a:${response.id}:how_supported`, themeId: theme.id, start: 0, end: text.length });
  }
  return { scope, themeId: theme.id, users, languages };
}

/**
 * The person with this code: three of their answers coded and quoted in an entry of their own
 * (written in every shipped language, reviewed, published), which asks them to check each quote.
 * Returns the checks' ids.
 */
async function quotePerson(db: DB, quoting: Quoting, code: string, language: string): Promise<string[]> {
  const { scope, users } = quoting;
  const person = await db
    .selectFrom("participant")
    .select("id")
    .where("study_id", "=", scope.studyId)
    .where("code_hash", "=", hashParticipantCode(normaliseCode(code), SECRETS.codeHashKey))
    .executeTakeFirstOrThrow();
  const answers = await db
    .selectFrom("answer")
    .innerJoin("response", "response.id", "answer.response_id")
    .select(["answer.response_id", "answer.item_id", sql<string>`answer.value #>> '{}'`.as("text")])
    .where("response.participant_id", "=", person.id)
    .where(sql<boolean>`jsonb_typeof(answer.value) = 'string'`)
    .orderBy("answer.item_id")
    .limit(3)
    .execute();
  const org = scope.organisationId;
  const author = { userId: users.publisher };
  const entry = await createEntry(db, org, author, {
    studyId: scope.studyId,
    slug: `bench-${language}`,
    actionStatus: "in_progress",
    progress: 40,
  });
  for (const code of quoting.languages)
    await saveEntryText(db, org, author, entry, code, {
      title: `Listening better at the drop-in (${code})`,
      asked: "We asked how our drop-in sessions felt and what would make them better.",
      did: "We are training every volunteer in trauma-informed listening, led by people with lived experience.",
    });
  await setEntryThemes(db, org, author, entry, [
    { themeId: quoting.themeId, labels: Object.fromEntries(quoting.languages.map((code) => [code, `Being listened to (${code})`])) },
  ]);
  for (const answer of answers) {
    const coding = await applyTheme(db, scope, users.reviewer, {
      unit: `a:${answer.response_id}:${answer.item_id}`,
      themeId: quoting.themeId,
      start: 0,
      end: [...answer.text].length,
    });
    await addEntryQuote(db, org, author, entry, coding);
  }
  await addMilestone(db, org, author, entry, {
    dueOn: "2026-05-01",
    labels: Object.fromEntries(quoting.languages.map((code) => [code, `First training day (${code})`])),
  });
  await addMilestone(db, org, author, entry, {
    dueOn: "2026-09-01",
    labels: Object.fromEntries(quoting.languages.map((code) => [code, `Everyone trained (${code})`])),
  });
  for (const code of quoting.languages) await markTextReviewed(db, org, { userId: users.reviewer }, entry, code);
  await submitForReview(db, org, author, entry);
  await reviewEntry(db, org, { userId: users.reviewer }, entry, "approve");
  await publishEntry(db, org, { userId: users.admin }, entry);
  const checks = await db.selectFrom("quote_check").select("id").where("participant_id", "=", person.id).orderBy("id").execute();
  if (checks.length < 3) throw new Error(`expected three quotes to check, found ${checks.length}`);
  return checks.map((c) => c.id);
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
    secrets: SECRETS,
    port: 0,
    log: () => {},
  });
  const origin = new URL(server.url).origin;
  const quoting = await prepareQuoting(handle.db, study.id, shipped);
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
        // No script on a participant page but the quick exit's "Shift three times" (ADR 064), which
        // the page works without: nothing hydrates, nothing else runs.
        const scripts = [...sent.html.matchAll(/<script\b[^>]*>/g)]
          .map(([tag]) => tag)
          .filter((tag) => !/src="\/quick-exit\.js"/.test(tag));
        if (scripts.length > 0) throw new Error(`${page} (${language}): a script on a participant page: ${scripts.join(" ")}`);
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

      // Quote checks and "what happened" (ADR 078): this person's answers are quoted in an entry;
      // they check the quotes (yes, words left out, no), then see what happened to what they said.
      const checks = await quotePerson(handle.db, quoting, code, language);
      await measure("my-quotes", await browser.get("/s/demo/my-quotes"), "/s/demo/my-quotes");
      const [first, second, third] = checks.map((id) => `/s/demo/my-quotes/${id}`) as [string, string, string];
      await measure("my-quotes/<check>", await browser.get(first), first);
      await measure("my-quotes/<check> (nothing chosen)", await browser.post(first, {}), first);
      await measure("my-quotes (saved)", await browser.post(first, { choice: "approve" }), "/s/demo/my-quotes");
      await measure("my-quotes/<check>/words", await browser.post(second, { choice: "leave_out" }), `${second}/words`);
      await measure("my-quotes/<check>/words (none chosen)", await browser.post(`${second}/words`, {}), `${second}/words`);
      await measure("my-quotes (words left out)", await browser.post(`${second}/words`, { word: "2" }), "/s/demo/my-quotes");
      await measure("my-quotes (said no)", await browser.post(third, { choice: "refuse" }), "/s/demo/my-quotes");
      await measure("what-happened", await browser.get("/s/demo/what-happened"), "/s/demo/what-happened");

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
  console.log("scripts: none on any page but /quick-exit.js (checked on every page).");
  console.log(
    `${pages.length} pages x ${shipped.length} languages (${shipped.join(", ")}) = ${rows.length} measured; ` +
      `max ${largestTotal} bytes (${(largestTotal / 1024).toFixed(1)} KB, ${largest.page}, ${largest.language}) of ${BUDGET} budget; ${over} over budget.`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
