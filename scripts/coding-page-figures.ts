/**
 * The coding page a coder meets, measured (issue 15 target 7: a 40-turn transcript's page at most
 * 40 KB of gzip HTML, answering in under 100 ms on an idle machine). Used by scripts/bench-coding.ts.
 *
 * The built app is served in this process on its own in-memory embedded database: one focus group
 * of 40 turns (a facilitator and six participants; English, Welsh and Arabic, with emoji), the 24
 * seeded two-level themes (app/coding/codebook.server.ts), a signed-in researcher. The page is
 * fetched as a browser would (gzip asked for, the session's cookie) and measured twice: before any
 * coding, and half coded (30 codings by two coders, 3 memos). The size is the body's bytes on the
 * wire. The time is from request to the last byte: the median and the fastest of 20 requests after
 * 25 to warm up (the fastest is the nearest to an idle machine when others share it), and the
 * process's CPU time per request (all its threads, compression and garbage collection too). The
 * controls are counted in the HTML as sent; with JavaScript each turn is then one tab stop (ADR 075).
 */
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { gunzipSync } from "node:zlib";
import { listThemes, seedCodebook } from "../app/coding/codebook.server";
import { addMemo, applyTheme } from "../app/coding/codings.server";
import { readSegments } from "../app/consent/units.server";
import { addAttendee, createGathering, importTranscript, type SpeakerMapping } from "../app/fieldwork/gatherings.server";
import { secretsFrom } from "../app/security/secrets.server";
import { openDatabase } from "../db/index";
import { makeMember, TEST_PASSWORD, WorkspaceClient } from "../tests/support/workspace";
import { bootstrap } from "./bootstrap";
import { startServer } from "./server";

const TURNS = 40;
const WARM_UP = 25;
const MEASURED = 20;
const PARTICIPANTS = 6;

// Turns of a focus group's usual length (three or four sentences, about 330 characters), in the study's three languages.
const SENTENCES = [
  "Roedd y gŵr yn garedig iawn a chefais amser i wella cyn iddynt ofyn mwy o gwestiynau.",
  "شعرت بالأمان عندما تحدث أحدهم بلغتي، ولم أشعر أنني مجرد رقم في ملف 🙏",
  "The interpreter made me feel seen, not like a case number, and she waited while I found the words.",
  "I had to start from the beginning every time I met someone new — it hurts to tell it again and again.",
  "When the group met on Tuesdays I knew someone would ask how my children were doing at school 🙂",
  "Nobody explained the letter from the Home Office, so I waited three weeks before I could ask anyone.",
];

function turnText(i: number) {
  const n = 3 + (i % 2);
  return Array.from({ length: n }, (_, k) => SENTENCES[(i + k * 2) % SENTENCES.length]).join(" ");
}

interface Fetched {
  status: number;
  wire: number;
  html: string;
  ms: number;
}

function get(url: URL, cookie: string): Promise<Fetched> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.request(url, { headers: { cookie, "accept-encoding": "gzip", accept: "text/html" } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const ms = performance.now() - start;
        const body = Buffer.concat(chunks);
        const html = (response.headers["content-encoding"] === "gzip" ? gunzipSync(body) : body).toString("utf8");
        resolve({ status: response.statusCode ?? 0, wire: body.length, html, ms });
      });
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end();
  });
}

/** Elements a Tab press can land on, as the server sent them (a turn with tabindex="-1" is not one). */
function tabStops(html: string): number {
  const body = html
    .replace(/<script[\s\S]*?<\/script>/g, "")
    .replace(/<(select|textarea)\b[\s\S]*?<\/\1>/g, (m) => m.slice(0, m.indexOf(">") + 1));
  let n = 0;
  for (const [tag, name] of body.matchAll(/<(a|button|select|textarea|input|summary|[a-z]+(?=[^>]*\btabindex="0"))\b[^>]*>/g)) {
    if (name === "input" && /type="hidden"/.test(tag)) continue;
    if (name === "a" && !/\bhref=/.test(tag)) continue;
    if (/tabindex="-1"/.test(tag) || /\bdisabled\b/.test(tag)) continue;
    n++;
  }
  return n;
}

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function codingPageFigures(): Promise<[string, string][]> {
  if (!existsSync(path.join("build", "index.js"))) {
    return [["coding page", "not measured: the app is not built (npm run build)"]];
  }
  const handle = await openDatabase({ dataDir: "memory://" });
  await bootstrap(handle, { demo: false });
  const { db } = handle;
  const org = await db.insertInto("organisation").values({ slug: "bench", name: "Bench" }).returning("id").executeTakeFirstOrThrow();
  const study = await db
    .insertInto("study")
    .values({
      organisation_id: org.id,
      slug: "page",
      titles: JSON.stringify({ en: "Bench" }),
      languages: ["en", "cy", "ar"],
      settings: "{}",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const scope = { organisationId: org.id, studyId: study.id };
  const consentForm = await db
    .insertInto("instrument_version")
    .values({
      instrument_id: "bench-page-consent",
      version: 1,
      kind: "consent_form",
      content_hash: "p",
      definition: "{}",
      translations: "{}",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const coder = await makeMember(db, { organisationId: org.id, email: "coder@bench.test", role: "researcher" });
  const second = await makeMember(db, { organisationId: org.id, email: "second@bench.test", role: "researcher" });
  await seedCodebook(db, scope, null);
  const themes = (await listThemes(db, scope)).filter((t) => t.depth === 1);
  const session = await createGathering(db, scope, null, { kind: "focus_group", label: "Tuesday group", heldOn: "2026-03-10" });
  const mapping: Record<string, SpeakerMapping> = { F: { role: "facilitator" } };
  for (let p = 0; p < PARTICIPANTS; p++) {
    const participant = await db
      .insertInto("participant")
      .values({
        study_id: study.id,
        code_hash: `bench-page-${p}`,
        language: ["en", "cy", "ar"][p % 3]!,
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
        participant_id: participant.id,
        instrument_version_id: consentForm.id,
        statements: "{}",
        audio_recording: true,
        quotes: true,
        method: "online",
        recorded_by: null,
        recorded_on: "2026-03-01",
        updated_on: "2026-03-01",
      })
      .execute();
    await addAttendee(db, scope, session, participant.id);
    mapping[`P${p + 1}`] = { role: "participant", participantId: participant.id };
  }
  const lines = Array.from({ length: TURNS }, (_, i) => `${i % 5 === 0 ? "F" : `P${(i % PARTICIPANTS) + 1}`}: ${turnText(i)}`);
  await importTranscript(db, scope, session, { source: lines.join("\n"), language: "en", mapping });

  // As deployed (docs/ops/tandem.service sets NODE_ENV=production): React's production renderer and
  // catalogues read once. A build the test suite made (NODE_ENV=test) can only run in development mode.
  const mode = readFileSync("build/index.js", "utf8").includes('"react/jsx-dev-runtime"') ? "development" : "production";
  process.env.NODE_ENV = mode;
  const server = await startServer({
    database: handle,
    secrets: secretsFrom("bench-coding-page-".padEnd(48, "x")),
    port: 0,
    log: () => {},
    production: mode === "production",
  });
  const figures: [string, string][] = [];
  try {
    const client = new WorkspaceClient(server.url);
    const signedIn = await client.signIn("coder@bench.test", TEST_PASSWORD);
    if (signedIn.status !== 302) throw new Error(`sign-in answered ${signedIn.status}`);
    const url = new URL(`/research/bench/studies/page/coding?session=${session}`, server.url);
    const measure = async (label: string) => {
      const times: number[] = [];
      let last: Fetched | undefined;
      let cpu = process.cpuUsage();
      for (let i = 0; i < WARM_UP + MEASURED; i++) {
        if (i === WARM_UP) cpu = process.cpuUsage();
        last = await get(url, client.cookieHeader());
        if (last.status !== 200) throw new Error(`the coding page answered ${last.status}`);
        if (i >= WARM_UP) times.push(last.ms);
      }
      const used = process.cpuUsage(cpu);
      const page = last!;
      const main = page.html.slice(page.html.indexOf("<main"), page.html.indexOf("</main>"));
      const third = main.indexOf('id="u2"');
      figures.push(
        [
          `coding page, ${label}: HTML gzip`,
          `${(page.wire / 1024).toFixed(1)} KB (${(Buffer.byteLength(page.html) / 1024).toFixed(0)} KB raw; budget 40 KB)`,
        ],
        [
          `coding page, ${label}: answers in`,
          `${median(times).toFixed(1)} ms median, fastest ${Math.min(...times).toFixed(1)} ms; ${((used.user + used.system) / 1000 / times.length).toFixed(1)} ms process CPU per request (budget 100 ms)`,
        ],
        [
          `coding page, ${label}: controls`,
          `${(page.html.match(/<select\b/g) ?? []).length} dropdowns; ${tabStops(main)} tab stops in <main> without JavaScript, ${third < 0 ? "?" : tabStops(main.slice(0, third))} before turn 3`,
        ],
      );
    };
    await measure(`${TURNS} turns, ${themes.length + 2} themes, uncoded`);
    const turns = await readSegments(db, scope, "analysis", { sessionId: session });
    let codings = 0;
    for (const [i, turn] of turns.entries()) {
      if (i % 2 === 1) continue;
      const length = Array.from(turn.text).length;
      const id = await applyTheme(db, scope, coder, {
        unit: turn.key,
        themeId: themes[i % themes.length]!.id,
        start: 0,
        end: i % 4 === 0 ? length : 20,
      });
      codings++;
      if (i % 4 === 0) {
        await applyTheme(db, scope, second, { unit: turn.key, themeId: themes[(i + 3) % themes.length]!.id, start: 5, end: 40 });
        codings++;
      }
      if (i % 14 === 0) await addMemo(db, scope, coder, { on: "coding", codingId: id }, "Says this twice; compare with the interview.");
    }
    await measure(`half coded (${codings} codings)`);
    figures.push(["coding page: server", `NODE_ENV=${mode}, embedded database in memory, in this process`]);
  } finally {
    await server.close();
  }
  return figures;
}
