/**
 * How the coding screens behave: the coding page a coder meets, then the queries with a 10,000-segment study.
 *
 *   npm run bench:coding                       (embedded database, in memory)
 *   npm run bench:coding -- --page             (the coding page's figures only: a few seconds)
 *   DATABASE_URL=postgres://… npx tsx scripts/bench-coding.ts   (a throwaway database on that server)
 *
 * First the page (issue 15 target 7: at most 40 KB gzip of HTML, under 100 ms): the built app served
 * in this process on its own in-memory database, one 40-turn focus group in English, Welsh and
 * Arabic, the 24 seeded two-level themes, a signed-in researcher; the page's HTML as gzip on the wire,
 * and the median time to answer, uncoded and half coded (see scripts/coding-page-figures.ts).
 * Needs the build (`npm run build`).
 *
 * Then the queries: 200 consenting participants, 20 focus groups of 500 turns each (10,000 segments,
 * Welsh/Arabic/emoji text), 24 seeded themes, two coders with ~12,000 codings each; then times what
 * the coding page, theme views, agreement, quotes and the REFI-QDA export do, and prints the figures.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { agreementReport } from "../app/coding/agreement.server";
import { listThemes, seedCodebook } from "../app/coding/codebook.server";
import { codingsForUnits } from "../app/coding/codings.server";
import { buildQdpx } from "../app/coding/qdpx.server";
import { collectQuotes } from "../app/coding/quotes.server";
import { suggestRedactions } from "../app/coding/redactions.server";
import { coOccurrence, themeCounts } from "../app/coding/theme-views.server";
import { readSegments } from "../app/consent/units.server";
import { addAttendee, createGathering, importTranscript, type SpeakerMapping } from "../app/fieldwork/gatherings.server";
import { openDatabase, type DatabaseHandle } from "../db/index";
import { migrateToLatest } from "../db/migrate";
import { codingPageFigures } from "./coding-page-figures";

const SESSIONS = 20;
const TURNS = 500;
const PARTICIPANTS_PER_SESSION = 10;
const PAGE = 50;

const PHRASES = [
  "Roedd y gŵr yn garedig iawn a chefais amser i wella.",
  "شعرت بالأمان عندما تحدث أحدهم بلغتي 🙏",
  "The interpreter made me feel seen, not like a case number.",
  "I had to start from the beginning every time — it hurts.",
  "Call me on 07700 900123 if the group meets again 🙂",
];

async function time<T>(label: string, fn: () => Promise<T>, figures: [string, string][]): Promise<T> {
  const start = performance.now();
  const result = await fn();
  figures.push([label, `${(performance.now() - start).toFixed(1)} ms`]);
  return result;
}

async function openBenchDatabase(): Promise<{ handle: DatabaseHandle; drop: () => Promise<void> }> {
  const server = process.env.DATABASE_URL;
  if (!server) {
    const handle = await openDatabase({ dataDir: "memory://" });
    return { handle, drop: async () => {} };
  }
  const name = `tandem_bench_${randomBytes(5).toString("hex")}`;
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    await client.query(text);
    await client.end();
  };
  await admin(`create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString() });
  return { handle, drop: () => admin(`drop database if exists ${name} with (force)`) };
}

async function main() {
  const figures: [string, string][] = [];
  figures.push(...(await codingPageFigures()));
  if (process.argv.includes("--page")) return print(figures);
  const { handle, drop } = await openBenchDatabase();
  const { db } = handle;
  try {
    await migrateToLatest(db);
    const org = await db.insertInto("organisation").values({ slug: "bench-org", name: "Bench" }).returning("id").executeTakeFirstOrThrow();
    const study = await db
      .insertInto("study")
      .values({
        organisation_id: org.id,
        slug: "bench-study",
        titles: JSON.stringify({ en: "Bench" }),
        languages: ["en", "cy", "ar"],
        settings: "{}",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const scope = { organisationId: org.id, studyId: study.id };
    const consentForm = await db
      .insertInto("instrument_version")
      .values({ instrument_id: "bench-consent", version: 1, kind: "consent_form", content_hash: "x", definition: "{}", translations: "{}" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const coders: string[] = [];
    for (const name of ["coder-a", "coder-b"]) {
      const u = await db
        .insertInto("app_user")
        .values({ email: `${name}@bench.test`, display_name: name, password_hash: null, totp_secret: null, disabled_at: null })
        .returning("id")
        .executeTakeFirstOrThrow();
      coders.push(u.id);
    }
    await seedCodebook(db, scope, coders[0]!);
    const themes = (await listThemes(db, scope)).filter((t) => t.depth === 1);

    await time(
      `import ${SESSIONS * TURNS} segments (${SESSIONS} transcripts)`,
      async () => {
        for (let s = 0; s < SESSIONS; s++) {
          const session = await createGathering(db, scope, null, {
            kind: s % 4 === 0 ? "interview" : "focus_group",
            label: `Focus group ${s + 1}`,
            heldOn: `2026-0${1 + (s % 9)}-10`,
          });
          const mapping: Record<string, SpeakerMapping> = { F: { role: "facilitator" } };
          for (let p = 0; p < PARTICIPANTS_PER_SESSION; p++) {
            const participant = await db
              .insertInto("participant")
              .values({
                study_id: study.id,
                code_hash: randomBytes(16).toString("hex"),
                language: ["en", "cy", "ar"][p % 3]!,
                source: "online",
                enrolled_on: "2026-01-01",
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
                quotes: p % 2 === 0,
                method: "online",
                recorded_by: null,
                recorded_on: "2026-01-01",
                updated_on: "2026-01-01",
              })
              .execute();
            await addAttendee(db, scope, session, participant.id);
            mapping[`P${p + 1}`] = { role: "participant", participantId: participant.id };
          }
          const lines: string[] = [];
          for (let i = 0; i < TURNS; i++)
            lines.push(`${i % 10 === 0 ? "F" : `P${(i % PARTICIPANTS_PER_SESSION) + 1}`}: ${PHRASES[i % PHRASES.length]} (${i})`);
          await importTranscript(db, scope, session, { source: lines.join("\n"), language: "en", mapping });
        }
      },
      figures,
    );

    const segments = await readSegments(db, scope, "analysis");
    await time(
      "insert codings for 2 coders",
      async () => {
        const rows = [];
        for (const [i, seg] of segments.entries()) {
          for (const [c, coder] of coders.entries()) {
            if ((i + c) % 5 === 0) continue; // coders differ on some units
            const theme = themes[(i + (c && i % 7 === 0 ? 1 : 0)) % themes.length]!;
            if (i % 3 === 0) continue;
            rows.push({
              study_id: study.id,
              theme_id: theme.id,
              coder_id: coder,
              segment_id: seg.key.slice(2),
              response_id: null,
              item_id: null,
              start_cp: 0,
              end_cp: 10,
            });
          }
        }
        for (let i = 0; i < rows.length; i += 2000)
          await db
            .insertInto("coding")
            .values(rows.slice(i, i + 2000))
            .execute();
      },
      figures,
    );
    const count = await db
      .selectFrom("coding")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    figures.push(["codings stored", String(count.n)]);

    const firstSession = segments[0]!.sessionId!;
    const lastSession = segments[segments.length - 1]!.sessionId!;
    for (const [label, sessionId, offset] of [
      ["coding page: first page of a session", firstSession, 0],
      ["coding page: last page of a session", lastSession, TURNS - PAGE],
    ] as const) {
      await time(
        label,
        async () => {
          const page = await readSegments(db, scope, "analysis", { sessionId, limit: PAGE + 1, offset });
          await codingsForUnits(
            db,
            scope,
            coders[0]!,
            page.map((u) => u.key),
          );
        },
        figures,
      );
    }
    await time("theme views: people per theme", () => themeCounts(db, scope), figures);
    await time("theme views: co-occurrence", () => coOccurrence(db, scope), figures);
    const report = await time("agreement: all shared units, 2 coders", () => agreementReport(db, scope, { coders }), figures);
    figures.push(["agreement: units compared", String(report.units.length)]);
    await time("redaction check over every segment", () => suggestRedactions(db, scope), figures);
    const quotes = await time(
      "quotes: every theme, through the gate",
      () => collectQuotes(db, scope, { themeIds: themes.map((t) => t.id) }),
      figures,
    );
    figures.push(["quotes: rows (quote consent only)", String(quotes.length)]);
    const qdpx = await time("REFI-QDA project", () => buildQdpx(db, scope), figures);
    figures.push(["REFI-QDA: zip size", `${(qdpx.zip.length / 1024 / 1024).toFixed(1)} MB`]);
    figures.push(["peak RSS", `${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB`]);
    figures.push(["database", handle.describe]);
  } finally {
    await handle.close();
    await drop();
  }
  print(figures);
}

function print(figures: [string, string][]) {
  const width = Math.max(...figures.map(([l]) => l.length));
  for (const [label, value] of figures) console.log(`${label.padEnd(width)}  ${value}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
