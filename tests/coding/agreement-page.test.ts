/**
 * The agreement page shows what `report agreement` gives (issue 16 item 2, issue 14 item 14): coders
 * by name, alpha's interval with its resamples and seed, the figure over all themes, why "92.9 %
 * agreement, κ 0.000" reads so and why a kappa is undefined; facilitator and interpreter turns can be
 * left out; and the decisions download is a plain link, audited as an export.
 */
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTheme } from "../../app/coding/codebook.server";
import { applyTheme, setFinished } from "../../app/coding/codings.server";
import { addAttendee, createGathering, importTranscript, listTurns } from "../../app/fieldwork/gatherings.server";
import { startTestApp, type TestApp } from "../support/app";
import { makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { addAnswer, addParticipant, createCodingFixture, type CodingFixture } from "./fixtures";

let app: TestApp;
let fx: CodingFixture;
let researcher: WorkspaceClient;
let peer: WorkspaceClient;
let page: string;
let base: string;

const cells = (html: string, rowHeader: string) =>
  new RegExp(`<th scope="row">${rowHeader}</th>(.*?)</tr>`, "s").exec(html)?.[1]?.replace(/<!-- -->/g, "") ?? "";

beforeAll(async () => {
  app = await startTestApp({ demo: false });
  fx = await createCodingFixture(app.db);
  const a = await addParticipant(app.db, fx);
  const b = await addParticipant(app.db, fx);
  const session = await createGathering(app.db, fx.scope, null, { kind: "focus_group", label: "Group 1", heldOn: "2026-03-03" });
  await addAttendee(app.db, fx.scope, session, a);
  await addAttendee(app.db, fx.scope, session, b);
  await importTranscript(app.db, fx.scope, session, {
    source: "F: Welcome all\nA: The caseworker listened\nI: He says it was far\nB: I waited months\nA: Nobody called\nB: A friend came",
    language: "en",
    mapping: {
      F: { role: "facilitator" },
      I: { role: "interpreter" },
      A: { role: "participant", participantId: a },
      B: { role: "participant", participantId: b },
    },
  });
  const units = (await listTurns(app.db, fx.scope, session)).map((t) => `s:${t.id}`);
  for (let i = 0; i < 8; i++) units.push(await addAnswer(app.db, fx, await addParticipant(app.db, fx), `Written answer ${i + 1}`));
  const theme = async (name: string) => (await createTheme(app.db, fx.scope, null, { name })).id;
  const [trust, rare, everywhere] = [await theme("Trust"), await theme("Rare"), await theme("Everywhere")];
  const { researcher: rhian, second: dafydd } = fx.users;
  const code = (coder: string, i: number, themeId: string) =>
    applyTheme(app.db, fx.scope, coder, { unit: units[i]!, themeId, start: 0, end: 3 });
  for (const i of [0, 1, 2, 3, 6, 7, 8, 11]) await code(rhian, i, trust);
  for (const i of [0, 1, 3, 4, 6, 7, 9, 11]) await code(dafydd, i, trust);
  await code(rhian, 5, rare);
  for (let i = 0; i < 14; i++) {
    await code(rhian, i, everywhere);
    await code(dafydd, i, everywhere);
  }
  await setFinished(app.db, fx.scope, rhian, true);
  await setFinished(app.db, fx.scope, dafydd, true);

  await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "lead@agreement-page.test", role: "researcher" });
  await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "peer@agreement-page.test", role: "peer_researcher" });
  researcher = new WorkspaceClient(app.url);
  peer = new WorkspaceClient(app.url);
  expect((await researcher.signIn("lead@agreement-page.test", TEST_PASSWORD)).status).toBe(302);
  expect((await peer.signIn("peer@agreement-page.test", TEST_PASSWORD)).status).toBe(302);
  base = `/research/${fx.orgSlug}/studies/${fx.studySlug}/coding/agreement`;
  page = await (await researcher.get(`${base}?coder=${rhian}&coder=${dafydd}`)).text();
}, 180_000);
afterAll(() => app?.close());

describe("the agreement page", () => {
  it("names the coders and gives each theme's figures with alpha's interval, and the overall figure", () => {
    expect(page).toContain("Coders compared: Rhian, Dafydd");
    expect(page).toContain("Units compared: 14<");
    // The same figures as the command line: 10/14, kappa 40/96, alpha 1 − 216/384.
    expect(cells(page, "Trust")).toMatch(
      /^<td>14<\/td><td>71.4%<\/td><td>0.417<\/td><td>0.438<\/td><td>0.\d{3} to 0.\d{3}<\/td><td>4<\/td>/,
    );
    expect(page).toContain("All themes together");
    expect(cells(page, "All themes together")).toMatch(/^<td>42<\/td><td>88.1%<\/td>/);
    expect(page).toContain("Every unit × theme decision in this table, pooled");
    expect(page).toContain("10,000 resamples, seed 1.");
    // A theme one coder applied once: resamples below −1 count as −1, alpha's floor.
    expect(cells(page, "Rare")).toContain("<td>-1.000 to 1.000</td>");
  });

  it("explains '92.9 % agreement, κ 0.000' and an undefined kappa", () => {
    const rare = cells(page, "Rare");
    expect(rare).toMatch(/^<td>14<\/td><td>92.9%<\/td><td>0.000<\/td>/);
    expect(rare).toContain("Dafydd never applied this theme to these units. With two coders kappa is then 0, however high the agreement");
    const everywhere = cells(page, "Everywhere");
    expect(everywhere).toMatch(/^<td>14<\/td><td>100%<\/td><td>—<\/td><td>—<\/td><td>—<\/td>/);
    expect(everywhere).toContain("Kappa and alpha cannot be computed: both coders made the same decision on every unit");
    expect(cells(page, "Trust")).not.toContain("cannot be computed");
  });

  it("leaves facilitator and interpreter turns out when asked, in a plain form", async () => {
    expect(page).toContain('<input type="checkbox" id="turns" name="turns" value="participants"/>');
    const [rhian, dafydd] = [fx.users.researcher, fx.users.second];
    const fewer = await (await researcher.get(`${base}?coder=${rhian}&coder=${dafydd}&turns=participants`)).text();
    expect(fewer).toContain("Units compared: 12<");
    expect(fewer).toContain('<input type="checkbox" id="turns" name="turns" checked="" value="participants"/>');
    expect(cells(fewer, "Trust")).toMatch(/^<td>12<\/td>/);
  });

  it("links the decisions as CSV, audited as an export, for those who may export", async () => {
    const [rhian, dafydd] = [fx.users.researcher, fx.users.second];
    const query = `?coder=${rhian}&amp;coder=${dafydd}`;
    expect(page).toContain(`href="${base}.csv${query}"`);
    const response = await researcher.get(`${base}.csv?coder=${rhian}&coder=${dafydd}&turns=participants`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/csv");
    const rows = Papa.parse<Record<string, string>>((await response.text()).replace(/^\uFEFF/, ""), {
      header: true,
      skipEmptyLines: true,
    }).data;
    expect(rows).toHaveLength(12 * 3 * 2);
    expect(rows.some((r) => r.speaker_role === "facilitator" || r.speaker_role === "interpreter")).toBe(false);
    const audit = await app.db
      .selectFrom("audit_event")
      .innerJoin("app_user", "app_user.id", "audit_event.actor_user_id")
      .select(["audit_event.detail", "app_user.email"])
      .where("audit_event.action", "=", "export")
      .where("audit_event.subject", "=", fx.studySlug)
      .execute();
    expect(audit).toHaveLength(1);
    const detail = typeof audit[0]!.detail === "string" ? JSON.parse(audit[0]!.detail) : audit[0]!.detail;
    expect(audit[0]!.email).toBe("lead@agreement-page.test");
    expect(detail).toMatchObject({ export: "agreement_decisions", via: "workspace", rows: 72, filter: { participantTurnsOnly: true } });

    // A peer researcher compares coders but does not export.
    const peerPage = await (await peer.get(`${base}?coder=${rhian}&coder=${dafydd}`)).text();
    expect(peerPage).toContain("Coders compared: Rhian, Dafydd");
    expect(peerPage).not.toContain(`${base}.csv`);
    expect((await peer.get(`${base}.csv?coder=${rhian}&coder=${dafydd}`)).status).toBe(403);
  });
});
