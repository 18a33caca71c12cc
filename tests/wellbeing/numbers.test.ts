/**
 * Issue 14 item 8, the rest: one definition of "got better" per measure, stated on the page and
 * behind every count; a legend on every stacked chart; the change histogram on a true numeric axis;
 * a group hidden only to protect a smaller one says so, never "fewer than 5". Checked on the page
 * as served, i.e. what a reader without JavaScript gets (the recharts path is page.browser.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hiddenReason } from "../../app/disclosure/small-counts";
import { secretsFrom } from "../../app/security/secrets.server";
import { measureReport, subgroupComparisons, type ParticipantScores } from "../../app/wellbeing/report.server";
import { startTestApp, TEST_SECRET, type TestApp } from "../support/app";
import { makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { seedWellbeingStudy, type WellbeingStudy } from "./fixtures";

let app: TestApp;
let study: WellbeingStudy;
let client: WorkspaceClient;
let page: string;

beforeAll(async () => {
  app = await startTestApp({ demo: false });
  study = await seedWellbeingStudy(app.db, "peer-support-numbers", secretsFrom(TEST_SECRET).codeHashKey);
  const org = await app.db.selectFrom("organisation").select("slug").where("id", "=", study.organisationId).executeTakeFirstOrThrow();
  await makeMember(app.db, { organisationId: study.organisationId, email: "numbers@wellbeing.test", role: "researcher" });
  client = new WorkspaceClient(app.url);
  expect((await client.signIn("numbers@wellbeing.test", TEST_PASSWORD)).status).toBe(302);
  page = `/research/${org.slug}/studies/${study.slug}/wellbeing`;
}, 180_000);
afterAll(() => app?.close());

const text = (html: string) =>
  html
    .replace(/<!-- -->/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/\s+/g, " ");
/** The HTML of one element with this data-testid or id, up to its closing tag. */
function part(html: string, marker: string, closing: string) {
  const start = html.indexOf(marker);
  expect(start, marker).toBeGreaterThan(0);
  return html.slice(start, html.indexOf(closing, start) + closing.length);
}

describe("one definition of 'got better'", () => {
  it("is written on the page, and every count of it is the same number", async () => {
    const html = await (await client.get(`${page}?measure=who5`)).text();
    const { report } = await measureReport(app.db, { ...study, measureId: "who5" });
    // Worked out here from the pairs, not by the function under test: 10 points or more up.
    const improved = report.pairs.filter((p) => p.post - p.pre >= 10).length;
    const worsened = report.pairs.filter((p) => p.pre - p.post >= 10).length;
    const anyHigher = report.pairs.filter((p) => p.post > p.pre).length;
    expect(improved).not.toBe(anyHigher); // the fixture tells the definitions apart
    expect(report.comparison.improved).toBe(improved);

    const definition = text(part(html, 'data-testid="wellbeing-improvement-definition"', "</p>"));
    expect(definition).toContain("“got better” means a score at least 10 points higher after than before");
    expect(definition).toContain("Every count of people who got better or worse on this page uses this one definition.");

    const summary = text(part(html, 'data-testid="wellbeing-summary"', "</div>"));
    expect(summary).toContain(`${improved} people got better by 10 points or more, ${worsened} people got worse by as much`);
    const table = text(part(html, 'data-testid="wellbeing-table"', "</table>"));
    expect(table).toContain(`Got better ${improved} `);
    const pairs = text(part(html, 'data-testid="chart-pairs-summary"', "</p>"));
    expect(pairs).toContain(`${improved} people got better, ${worsened} people got worse`);
    // Other counts are in neutral words: no second or third "better".
    const bands = text(part(html, 'data-testid="chart-bands-summary"', "</p>"));
    expect(bands).toMatch(/moved to a higher band, .* to a lower band/);
    expect(bands).not.toContain("better");
    const main = text(html.slice(html.indexOf("<main"), html.indexOf("</main>")));
    const counts = [...main.matchAll(/(\d+) (?:people|person) got better/g)].map((m) => Number(m[1]));
    expect(counts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(counts)).toEqual(new Set([improved]));
    expect(main).not.toContain("Reliably better");
    expect(main).not.toContain(`${anyHigher} people got better`);
  });

  it("a lower-is-better measure states its own definition (UCLA-3: 1 point lower)", async () => {
    const html = await (await client.get(`${page}?measure=ucla3`)).text();
    const definition = text(part(html, 'data-testid="wellbeing-improvement-definition"', "</p>"));
    // UCLA-3's definition has meaningful_change 1 and lower is better.
    expect(definition).toMatch(/at least 1 points lower after than before/);
  });
});

describe("charts", () => {
  it("the stacked band chart has a legend naming every band by its colour", async () => {
    const html = await (await client.get(`${page}?measure=who5`)).text();
    const figure = part(html, 'id="chart-bands-title"', "</figure>");
    const legend = part(figure, 'data-testid="chart-legend"', "</div>");
    const labels = [...legend.matchAll(/<li>[\s\S]*?<\/svg>\s*(?:<!-- -->)?\s*([^<]+)<\/li>/g)].map((m) => m[1]!.trim());
    const colours = [...legend.matchAll(/fill="(#[0-9A-Fa-f]{6})"/g)].map((m) => m[1]);
    expect(labels.length).toBeGreaterThanOrEqual(2);
    expect(new Set(colours).size).toBe(labels.length);
    // The colours in the legend are the colours of the stacked bars.
    const svg = part(figure, 'class="wb-static-chart"', "</svg>");
    for (const colour of new Set([...svg.matchAll(/<rect[^>]*fill="(#[0-9A-Fa-f]{6})"/g)].map((m) => m[1]))) {
      expect(colours).toContain(colour);
    }
    // Every bar is labelled, or the same numbers are a table away.
    expect(figure).toContain("<details");
  });

  it("the change histogram places its bars on a numeric axis of change", async () => {
    const html = await (await client.get(`${page}?measure=who5`)).text();
    const figure = part(html, 'id="chart-change-title"', "</figure>");
    const svg = part(figure, 'class="wb-static-chart"', "</svg>");
    expect(svg).toContain('data-x-axis="numeric"');
    const ticks = [...svg.matchAll(/<text x="([\d.]+)"[^>]*data-value="(-?[\d.]+)"/g)].map((m) => ({ x: Number(m[1]), v: Number(m[2]) }));
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.map((t) => t.v)).toContain(0);
    // Linear: every tick lies on one straight line through the first two.
    const [a, b] = ticks;
    const perUnit = (b!.x - a!.x) / (b!.v - a!.v);
    const at = (v: number) => a!.x + (v - a!.v) * perUnit;
    for (const tick of ticks) expect(Math.abs(tick.x - at(tick.v))).toBeLessThan(0.5);
    // Each bar spans its own values on that scale (WHO-5 changes by 4s: a change of 8 sits twice as
    // far from zero as one of 4, which category labels would not show).
    const bars = [...svg.matchAll(/<rect x="([\d.]+)"[^>]*width="([\d.]+)"[^>]*data-from="(-?[\d.]+)" data-to="(-?[\d.]+)"/g)];
    expect(bars.length).toBeGreaterThanOrEqual(3);
    for (const [, x, width, from, to] of bars) {
      const middle = Number(x) + Number(width) / 2;
      expect(Math.abs(middle - at((Number(from) + Number(to)) / 2))).toBeLessThan(1);
    }
  });
});

describe("a group hidden to protect another says so", () => {
  it("a group of 6 hidden only because a group of 4 is hidden is not 'fewer than 5'", () => {
    const people = (group: string, n: number): ParticipantScores[] =>
      Array.from({ length: n }, (_, i) => ({
        participantId: `${group}${i}`,
        cohortId: null,
        language: group,
        pre: 40 + i,
        post: 48 + i,
        at: {},
        choices: {},
      }));
    const measure = { id: "m", higher_is_better: true, meaningful_change: 10, range: { min: 0, max: 100 } } as unknown as Parameters<
      typeof subgroupComparisons
    >[0];
    const rows = subgroupComparisons(measure, [...people("ar", 4), ...people("fa", 6), ...people("en", 20)], { kind: "language" });
    expect(rows.find((r) => r.key === "ar")).toMatchObject({ suppressed: true, hidden: "fewer_than_5", comparison: null });
    expect(rows.find((r) => r.key === "fa")).toMatchObject({ suppressed: true, hidden: "protects_smaller_group", comparison: null });
    expect(rows.find((r) => r.key === "en")).toMatchObject({ suppressed: false, hidden: null });
    expect(hiddenReason(6)).toBe("protects_smaller_group");
    expect(hiddenReason(4)).toBe("fewer_than_5");
  });

  it("on the page: the small group is 'fewer than 5', the one hidden with it says why", async () => {
    const html = await (await client.get(`${page}?measure=who5&by=language`)).text();
    const table = text(part(html, 'data-testid="wellbeing-subgroups"', "</table>"));
    expect(table).toMatch(/العربية fewer than 5/);
    expect(table).toMatch(/English hidden so that a smaller group cannot be worked out/);
    expect(table).not.toMatch(/English fewer than 5/);
  });
});
