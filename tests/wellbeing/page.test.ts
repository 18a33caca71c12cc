/**
 * The wellbeing pages over HTTP in the built app: who may see and do what, the page's order (plain
 * words, table, charts with their alternatives), suppression, the audited exports, and groups and
 * attendance kept by code. Every page is checked as served, i.e. as a reader without JavaScript
 * gets it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secretsFrom } from "../../app/security/secrets.server";
import { setFacilitators } from "../../app/wellbeing/cohorts.server";
import { measureReport } from "../../app/wellbeing/report.server";
import { sql } from "kysely";
import { startTestApp, TEST_SECRET, type TestApp } from "../support/app";
import { makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { seedWellbeingStudy, type WellbeingStudy } from "./fixtures";

let app: TestApp;
let study: WellbeingStudy;
let orgSlug: string;
const clients: Record<"researcher" | "peer_researcher" | "facilitator" | "other_facilitator", WorkspaceClient> = {} as never;
let facilitatorId: string;

beforeAll(async () => {
  app = await startTestApp({ demo: false });
  study = await seedWellbeingStudy(app.db, "peer-support-page", secretsFrom(TEST_SECRET).codeHashKey);
  orgSlug = (await app.db.selectFrom("organisation").select("slug").where("id", "=", study.organisationId).executeTakeFirstOrThrow()).slug;
  for (const role of ["researcher", "peer_researcher", "facilitator", "other_facilitator"] as const) {
    const id = await makeMember(app.db, {
      organisationId: study.organisationId,
      email: `${role}@wellbeing.test`,
      role: role === "other_facilitator" ? "facilitator" : role,
    });
    if (role === "facilitator") facilitatorId = id;
    const client = new WorkspaceClient(app.url);
    expect((await client.signIn(`${role}@wellbeing.test`, TEST_PASSWORD)).status).toBe(302);
    clients[role] = client;
  }
  await setFacilitators(app.db, study, study.cohortA, [facilitatorId]);
}, 180_000);
afterAll(async () => {
  await app?.close();
});

const page = () => `/research/${orgSlug}/studies/${study.slug}/wellbeing`;
/** The words of the page's <main> only: the message catalogue shipped to the browser holds every sentence. */
const main = (html: string) => text(html.slice(html.indexOf("<main"), html.indexOf("</main>")));
const text = (html: string) =>
  html
    .replace(/<!-- -->/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/\s+/g, " ");

describe("the wellbeing page", () => {
  it("shows plain words first, then the table, then the charts, without JavaScript", async () => {
    const response = await clients.researcher.get(`${page()}?measure=who5`);
    expect(response.status).toBe(200);
    const html = await response.text();
    const words = text(html);
    expect(words).toContain("28 people answered before and after.");
    expect(words).toContain("On average their WHO-5 Well-Being Index score rose by 2.3 points, on a scale from 0 to 100.");
    expect(words).toContain("10 people got better by 10 points or more, 6 people got worse by as much, and 12 people changed by less.");
    const order = ["wellbeing-summary", "wellbeing-table", "chart-pairs-summary", "chart-change-summary", "chart-bands-summary"].map((id) =>
      html.indexOf(`data-testid="${id}"`),
    );
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // Each chart is drawn on the server, with its table and a CSV link.
    expect(html.match(/class="wb-static-chart"/g)?.length).toBe(3);
    expect(html.match(/<details/g)?.length).toBe(3);
    expect(html.match(/chart\.csv\?chart=/g)?.length).toBe(3);
    expect(words).toContain("Paired t-test: p");
  });

  it("starts with a line per measure, each linking to its full comparison and suppressed like it", async () => {
    const html = await (await clients.researcher.get(`${page()}?measure=ucla3`)).text();
    const overview = text(
      html.slice(
        html.indexOf('data-testid="wellbeing-overview"'),
        html.indexOf("</section>", html.indexOf('data-testid="wellbeing-overview"')),
      ),
    );
    expect(overview).toContain(
      "WHO-5 Well-Being Index : people who answered before and after: 28. On average the score rose by 2.3 points on a scale from 0 to 100 (which could be chance). Paired t-test: p = 0.39",
    );
    // UCLA-3: lower is better.
    expect(overview).toMatch(
      /Loneliness \(UCLA 3-item scale\) : people who answered before and after: \d+\. On average the score (fell|rose) by [\d.]+ points on a scale from 3 to 9 \((better|worse|which could be chance)\)/,
    );
    // p reads "p = 0.012" or "p < 0.001", never "p = < 0.001" (issue 14 item 8).
    expect(overview).not.toMatch(/p = </);
    expect(overview.match(/p (=|<) \d/g)?.length).toBeGreaterThanOrEqual(2);
    // "better" or "worse" only where the test says so at 5 %; otherwise "which could be chance".
    const lines = [...overview.matchAll(/\((better|worse|which could be chance|no change)\)\. Paired t-test: p (=|<) (\d+(?:\.\d+)?)/g)];
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const [line, label, relation, value] of lines) {
      const clear = relation === "<" || Number(value) < 0.05;
      if (label !== "no change") expect(label === "which could be chance", line).toBe(!clear);
    }
    // No one answered the ONS questions in this study.
    expect(overview).toContain("Life satisfaction : fewer than 5 people answered before and after, so no figures are shown.");
    expect(html).toContain(`href="${page()}?measure=who5"`);
    expect(html).toContain(`href="${page()}?measure=ons_life_satisfaction"`);
    // The overview comes before the selected measure's own plain words.
    expect(html.indexOf('data-testid="wellbeing-overview"')).toBeLessThan(html.indexOf('data-testid="wellbeing-summary"'));
  });

  it("suppresses subgroups under 5 (language) and a selection under 5 pairs", async () => {
    const words = text(await (await clients.peer_researcher.get(`${page()}?measure=who5&by=language`)).text());
    expect(words).toMatch(/العربية fewer than 5/);
    const empty = await app.db
      .insertInto("cohort")
      .values({ study_id: study.studyId, name: "Tiny group" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const html = await (await clients.researcher.get(`${page()}?measure=who5&cohort=${empty.id}`)).text();
    expect(text(html)).toContain("Fewer than 5 people answered both before and after");
    expect(html).not.toContain('data-testid="wellbeing-table"');
    // Not even how many answered before or after.
    expect(main(html)).not.toContain("People with a score before");
    expect((await clients.researcher.get(`${page()}/chart.csv?chart=pairs&measure=who5&cohort=${empty.id}`)).status).toBe(404);
    await app.db.deleteFrom("cohort").where("id", "=", empty.id).execute();
  });

  it("shows each group's attendance and post-only satisfaction", async () => {
    const words = text(await (await clients.researcher.get(`${page()}?measure=ucla3`)).text());
    expect(words).toContain("Tuesday group");
    expect(words).toContain("Overall, how happy are you with the group?");
    expect(words).toContain("Thursday group");
  });

  it("chart CSVs are anonymous and audited", async () => {
    const response = await clients.peer_researcher.get(`${page()}/chart.csv?chart=bands&measure=who5`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/csv");
    const csv = await response.text();
    // fetch's text() drops the byte order mark; the bytes show it is there.
    expect(csv.split("\r\n")[0]).toBe(`"band_before","band_after","people"`);
    const audit = await app.db
      .selectFrom("audit_event")
      .select("detail")
      .where("action", "=", "export")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(audit.detail).toMatchObject({ export: "wellbeing_chart", chart: "bands", rows: 9 });
  });

  it("the answers CSV: researchers only, by POST with the CSRF token, audited", async () => {
    const peerHtml = await (await clients.peer_researcher.get(page())).text();
    // The page ships its message catalogue to the browser, so look for the form itself, not its label.
    expect(peerHtml).not.toContain(`answers.csv"`);
    const researcherHtml = await (await clients.researcher.get(page())).text();
    expect(researcherHtml).toContain(`answers.csv"`);
    const answers = `${page()}/answers.csv`;
    // No loader: a GET is refused (Remix answers 400 for a route without one) and exports nothing.
    expect((await clients.researcher.get(answers)).status).toBeGreaterThanOrEqual(400);
    expect((await clients.peer_researcher.post(answers, { measure: "who5" }, { csrf: await clients.peer_researcher.csrf() })).status).toBe(
      403,
    );
    expect((await clients.researcher.post(answers, { measure: "who5" }, { csrf: null })).status).toBe(403);
    const response = await clients.researcher.post(answers, { measure: "who5", cohort: "" }, { csrf: await clients.researcher.csrf() });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toContain("peer-support-page-wellbeing.csv");
    const csv = await response.text();
    expect(csv.split("\r\n")[0]).toMatch(/^"participant","cohort","participant_language","timepoint"/);
    for (const { code } of study.people.values()) expect(csv).not.toContain(code);
    const audit = await app.db
      .selectFrom("audit_event")
      .selectAll()
      .where("action", "=", "export")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(audit.detail).toMatchObject({ export: "wellbeing_csv", via: "workspace" });
    expect(audit.actor_user_id).not.toBeNull();
  });

  it("facilitators do not see the figures", async () => {
    expect((await clients.facilitator.get(page())).status).toBe(403);
  });
});

describe("subtraction cannot undo suppression (docs/decisions/043)", () => {
  it("a cohort of 3 stays hidden on the page, in its breakdown and in the chart CSVs", async () => {
    const attacked = await seedWellbeingStudy(app.db, "peer-support-attack", secretsFrom(TEST_SECRET).codeHashKey);
    const slug = (
      await app.db.selectFrom("organisation").select("slug").where("id", "=", attacked.organisationId).executeTakeFirstOrThrow()
    ).slug;
    const researcher = await makeMember(app.db, {
      organisationId: attacked.organisationId,
      email: "attack@wellbeing.test",
      role: "researcher",
    });
    expect(researcher).toBeTruthy();
    const client = new WorkspaceClient(app.url);
    expect((await client.signIn("attack@wellbeing.test", TEST_PASSWORD)).status).toBe(302);
    const base = `/research/${slug}/studies/${attacked.slug}/wellbeing`;
    // Three Thursday people with before and after scores (w16-w18) become a group of their own.
    const three = ["w16", "w17", "w18"].map((name) => attacked.people.get(name)!.id);
    const small = await app.db
      .insertInto("cohort")
      .values({ study_id: attacked.studyId, name: "Small group" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await app.db.updateTable("participant").set({ cohort_id: small.id }).where("id", "in", three).execute();
    const truth = (await measureReport(app.db, { ...attacked, measureId: "who5", cohortId: small.id })).report;
    expect(truth.comparison.n_pairs).toBe(3);

    const smallPage = await (await client.get(`${base}?measure=who5&cohort=${small.id}`)).text();
    expect(main(smallPage)).toContain("Fewer than 5 people answered both before and after");
    expect(main(smallPage)).not.toContain("People with a score before");
    const thursdayPage = await (await client.get(`${base}?measure=who5&cohort=${attacked.cohortB}`)).text();
    expect(main(thursdayPage)).toContain("they would give away the answers of a group of fewer than 5 people");
    expect(thursdayPage).not.toContain('data-testid="wellbeing-table"');
    expect(main(thursdayPage)).not.toContain("People with a score before");
    expect(main(thursdayPage)).toContain(
      "WHO-5 Well-Being Index : not shown, because with the figures for everyone it would give away a group of fewer than 5 people.",
    );
    const byCohort = main(await (await client.get(`${base}?measure=who5&by=cohort`)).text());
    expect(byCohort).toMatch(/Small group fewer than 5/);
    // Thursday is hidden only so that the small group cannot be worked out: it is not "fewer than 5".
    expect(byCohort).toMatch(/Thursday group hidden so that a smaller group cannot be worked out/);
    // A breakdown within a cohort is not offered (it could be subtracted from the study's).
    const within = await (await client.get(`${base}?measure=who5&cohort=${attacked.cohortA}&by=language`)).text();
    expect(within).toContain('data-testid="wellbeing-subgroups-all"');
    expect(within).not.toContain('data-testid="wellbeing-subgroups"');

    // The attack: the pairs CSV of everyone minus the pairs CSV of each cohort that can be had.
    const pairsCsv = async (cohort?: string) => {
      const response = await client.get(`${base}/chart.csv?chart=pairs&measure=who5${cohort ? `&cohort=${cohort}` : ""}`);
      if (response.status !== 200) return null;
      const rows = (await response.text())
        .replace(/^\uFEFF/, "")
        .trim()
        .split("\r\n")
        .slice(1);
      return rows.flatMap((row) => {
        const [before, after, people] = row.split(",").map((cell) => Number(cell.replace(/"/g, "")));
        return Array.from({ length: people! }, () => `${before}->${after}`);
      });
    };
    const everyone = (await pairsCsv())!;
    expect(everyone.length).toBeGreaterThan(20);
    expect(await pairsCsv(small.id)).toBeNull();
    expect(await pairsCsv(attacked.cohortB)).toBeNull();
    const truthPairs = truth.pairs.map((p) => `${p.pre}->${p.post}`).sort();
    for (const cohort of [attacked.cohortA]) {
      const mine = (await pairsCsv(cohort))!;
      expect(mine).not.toBeNull();
      const rest = [...everyone];
      for (const pair of mine) rest.splice(rest.indexOf(pair), 1);
      expect(rest.length).toBeGreaterThanOrEqual(5);
      expect(rest.sort()).not.toEqual(truthPairs);
    }
  });
});

describe("more timepoints", () => {
  it("before and after are chosen from the study's timepoints and travel to the chart CSVs", async () => {
    const seeded = await seedWellbeingStudy(app.db, "peer-support-mid", secretsFrom(TEST_SECRET).codeHashKey);
    const slug = (await app.db.selectFrom("organisation").select("slug").where("id", "=", seeded.organisationId).executeTakeFirstOrThrow())
      .slug;
    await makeMember(app.db, { organisationId: seeded.organisationId, email: "mid@wellbeing.test", role: "researcher" });
    const client = new WorkspaceClient(app.url);
    expect((await client.signIn("mid@wellbeing.test", TEST_PASSWORD)).status).toBe(302);
    const base = `/research/${slug}/studies/${seeded.slug}/wellbeing`;
    // A "mid" questionnaire answered as "post" by everyone who has a before score.
    await sql`insert into study_instrument (study_id, instrument_version_id, role, timepoint, position)
      values (${seeded.studyId}, ${seeded.versionRowId}, 'questionnaire', 'mid', 1)`.execute(app.db);
    await sql`insert into response (participant_id, study_id, instrument_version_id, timepoint, language, started_on, completed_on)
      select r.participant_id, r.study_id, r.instrument_version_id, 'mid', r.language, r.started_on, r.completed_on from response r
      where r.study_id = ${seeded.studyId} and r.timepoint = 'post'
        and exists (select 1 from response b where b.participant_id = r.participant_id and b.timepoint = 'pre')`.execute(app.db);
    await sql`insert into answer (response_id, item_id, value, answered_on)
      select m.id, a.item_id, a.value, a.answered_on from answer a
      join response p on p.id = a.response_id and p.timepoint = 'post'
      join response m on m.participant_id = p.participant_id and m.timepoint = 'mid'
      where p.study_id = ${seeded.studyId}`.execute(app.db);

    const html = await (await client.get(`${base}?measure=who5&before=pre&after=mid`)).text();
    expect(html).toContain('name="before"');
    expect(html).toMatch(/<option value="mid" selected="">mid<\/option>/);
    expect(main(html)).toContain("28 people answered before and after.");
    expect(html).toContain("chart.csv?chart=pairs&amp;measure=who5&amp;before=pre&amp;after=mid");
    const csv = await client.get(`${base}/chart.csv?chart=pairs&measure=who5&before=pre&after=mid`);
    expect(csv.status).toBe(200);
    const audit = await app.db
      .selectFrom("audit_event")
      .select("detail")
      .where("action", "=", "export")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(audit.detail).toMatchObject({ export: "wellbeing_chart", filter: { before: "pre", after: "mid" } });
    expect((await client.get(`${base}/chart.csv?chart=pairs&measure=who5&before=pre&after=later`)).status).toBe(404);
    expect((await client.get(`${base}/chart.csv?chart=pairs&measure=who5&before=mid&after=mid`)).status).toBe(404);
    // Breakdowns stay with pre and post.
    const by = await (await client.get(`${base}?measure=who5&before=pre&after=mid&by=language`)).text();
    expect(by).toContain('data-testid="wellbeing-subgroups-all"');
  });
});

describe("groups and attendance by code", () => {
  it("a facilitator adds someone to a group with their code", async () => {
    const cohorts = `${page()}/cohorts`;
    expect((await clients.peer_researcher.get(cohorts)).status).toBe(403);
    const w20 = study.people.get("w20")!;
    const response = await clients.facilitator.submit(cohorts, { intent: "join", cohort: study.cohortA, code: w20.code.toLowerCase() });
    expect(response.status).toBe(200);
    expect(text(await response.text())).toContain("The person has moved to this group.");
    const bad = await clients.facilitator.submit(cohorts, { intent: "join", cohort: study.cohortA, code: "ABCD-EFGH-JKMN-PQRT" });
    expect(bad.status).toBe(400);
    expect(text(await bad.text())).toMatch(/The code has a mistake in it|We could not find this code/);
    // Creating a group needs study:edit, which a facilitator does not have.
    expect((await clients.facilitator.submit(cohorts, { intent: "create", name: "Sneaky group" })).status).toBe(403);
    expect(
      (await clients.researcher.submit(cohorts, { intent: "create", name: "Friday group", startsOn: "2026-05-01", endsOn: "2026-06-30" }))
        .status,
    ).toBe(200);
    const friday = await app.db.selectFrom("cohort").select("id").where("name", "=", "Friday group").executeTakeFirst();
    expect(friday).toBeDefined();
  });

  it("a facilitator keeps the register of their own group only", async () => {
    const mine = `${page()}/cohorts/${study.cohortA}`;
    expect((await clients.other_facilitator.get(mine)).status).toBe(403);
    expect((await clients.facilitator.get(`${page()}/cohorts/${study.cohortB}`)).status).toBe(403);
    expect((await clients.facilitator.submit(mine, { intent: "session", heldOn: "2026-01-13" })).status).toBe(200);
    const session = await app.db.selectFrom("group_session").select("id").where("cohort_id", "=", study.cohortA).executeTakeFirstOrThrow();
    const marked = await clients.facilitator.submit(mine, { intent: "mark", session: session.id, code: study.people.get("w01")!.code });
    expect(marked.status).toBe(200);
    expect(text(await marked.text())).toContain("Marked as present.");
    const html = text(await (await clients.facilitator.get(mine)).text());
    expect(html).toContain("Session 1 (2026-01-13): 1 person came");
    const other = await clients.facilitator.submit(mine, { intent: "mark", session: session.id, code: study.people.get("w25")!.code });
    expect(other.status).toBe(400);
    expect(text(await other.text())).toContain("This person is in a different group.");
  });

  it("someone who may edit the study changes a group's name, dates and facilitators, audited", async () => {
    const mine = `${page()}/cohorts/${study.cohortA}`;
    // A facilitator keeps the register but cannot change the group.
    expect(await (await clients.facilitator.get(mine)).text()).not.toContain('value="edit"');
    expect((await clients.facilitator.submit(mine, { intent: "edit", name: "Renamed by a facilitator" })).status).toBe(403);
    const friday = await app.db
      .selectFrom("cohort")
      .select("id")
      .where("study_id", "=", study.studyId)
      .where("name", "=", "Friday group")
      .executeTakeFirstOrThrow();
    const fridayPage = `${page()}/cohorts/${friday.id}`;
    expect(await (await clients.researcher.get(fridayPage)).text()).toContain('value="edit"');
    expect((await clients.researcher.submit(fridayPage, { intent: "edit", name: "Tuesday group" })).status).toBe(400);
    expect(
      (await clients.researcher.submit(fridayPage, { intent: "edit", name: "Friday group", startsOn: "2026-06-30", endsOn: "2026-05-01" }))
        .status,
    ).toBe(400);
    const saved = await clients.researcher.submit(fridayPage, {
      intent: "edit",
      name: "Friday evening group",
      startsOn: "2026-05-08",
      endsOn: "2026-06-30",
      facilitators: facilitatorId,
    });
    expect(saved.status).toBe(200);
    expect(text(await saved.text())).toContain("The group was changed.");
    const row = await app.db
      .selectFrom("cohort")
      .select(["name", "starts_on", "ends_on"])
      .where("id", "=", friday.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ name: "Friday evening group", starts_on: "2026-05-08", ends_on: "2026-06-30" });
    const facilitators = await app.db.selectFrom("cohort_facilitator").select("user_id").where("cohort_id", "=", friday.id).execute();
    expect(facilitators.map((f) => f.user_id)).toEqual([facilitatorId]);
    const audit = await app.db
      .selectFrom("audit_event")
      .selectAll()
      .where("action", "=", "study_updated")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    // Only what changed: the last session was already 2026-06-30.
    expect(audit.detail).toEqual({ cohort: friday.id, changed: ["name", "starts_on", "facilitators"] });
    expect(audit.actor_user_id).not.toBeNull();
    // The new facilitator now keeps this group's register.
    expect((await clients.facilitator.get(fridayPage)).status).toBe(200);
  });
});
