/**
 * The sessions screens over HTTP: the form names a facilitator (one of the organisation's staff) and
 * takes notes; a facilitator (fieldwork without data:read) lists and opens only the sessions they
 * created or facilitate, while a researcher sees them all.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganisation } from "../../app/organisations/people.server";
import { createGathering } from "../../app/fieldwork/gatherings.server";
import { startTestApp, type TestApp } from "../support/app";
import { csrfFrom, makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { createCodingFixture, type CodingFixture } from "../coding/fixtures";

let app: TestApp;
let fx: CodingFixture;
let base: string;
let researcher: WorkspaceClient;
let fran: WorkspaceClient;
let gwen: WorkspaceClient;
let researcherId: string;
let franId: string;
let gwenId: string;
let outsiderId: string;

beforeAll(async () => {
  app = await startTestApp({ demo: false });
  fx = await createCodingFixture(app.db);
  base = `/research/${fx.orgSlug}/studies/${fx.studySlug}`;
  researcherId = await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "rhian@sessions.test", role: "researcher" });
  franId = await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "fran@sessions.test", role: "facilitator" });
  gwenId = await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "gwen@sessions.test", role: "facilitator" });
  await app.db.updateTable("app_user").set({ display_name: "Fran Facilitator" }).where("id", "=", franId).execute();
  const other = await createOrganisation(app.db, { slug: `other-${fx.orgSlug}`, name: "Another organisation" });
  outsiderId = await makeMember(app.db, { organisationId: other.id, email: "outsider@sessions.test", role: "facilitator" });
  researcher = new WorkspaceClient(app.url);
  fran = new WorkspaceClient(app.url);
  gwen = new WorkspaceClient(app.url);
  expect((await researcher.signIn("rhian@sessions.test", TEST_PASSWORD)).status).toBe(302);
  expect((await fran.signIn("fran@sessions.test", TEST_PASSWORD)).status).toBe(302);
  expect((await gwen.signIn("gwen@sessions.test", TEST_PASSWORD)).status).toBe(302);
}, 180_000);
afterAll(() => app?.close());

async function sessionByLabel(label: string) {
  return app.db
    .selectFrom("study_session")
    .selectAll()
    .where("study_id", "=", fx.scope.studyId)
    .where("label", "=", label)
    .executeTakeFirst();
}

describe("the session form", () => {
  it("offers the organisation's staff as facilitator, and a notes field", async () => {
    const html = await (await fran.get(`${base}/fieldwork`)).text();
    expect(html).toContain('<select id="facilitator" name="facilitator">');
    for (const id of [researcherId, franId, gwenId]) expect(html).toContain(`value="${id}"`);
    expect(html).not.toContain(outsiderId);
    expect(html).toContain("Fran Facilitator");
    // The person filling it in is chosen to begin with.
    expect(html).toMatch(new RegExp(`<option value="${franId}" selected="">`));
    expect(html).toMatch(/<textarea id="notes" name="notes"/);
  });

  it("stores the chosen facilitator and the notes, and refuses someone from another organisation", async () => {
    const csrf = csrfFrom(await (await fran.get(`${base}/fieldwork`)).text());
    const created = await fran.post(
      `${base}/fieldwork`,
      {
        kind: "focus_group",
        label: "Fran's group",
        heldOn: "2026-05-01",
        languages: "en, cy",
        interpreter: "none",
        facilitator: gwenId,
        notes: "Room 2; tea first.\nTwo left early.",
      },
      { csrf },
    );
    expect(created.status).toBe(302);
    const row = await sessionByLabel("Fran's group");
    expect(row).toMatchObject({ facilitator_user_id: gwenId, created_by: franId, notes: "Room 2; tea first.\nTwo left early." });
    const page = await (await fran.get(created.headers.get("location")!)).text();
    expect(page).toContain("Room 2; tea first.");

    const refused = await fran.post(
      `${base}/fieldwork`,
      { kind: "interview", label: "Bad facilitator", heldOn: "2026-05-02", facilitator: outsiderId },
      { csrf },
    );
    expect(refused.status).toBe(200);
    expect(await refused.text()).toContain("Choose a facilitator from this organisation, or none.");
    expect(await sessionByLabel("Bad facilitator")).toBeUndefined();
  });
});

describe("what a facilitator sees", () => {
  it("lists and opens only the sessions they created or facilitate; a researcher sees every session", async () => {
    await createGathering(app.db, fx.scope, researcherId, {
      kind: "interview",
      label: "Facilitated by Fran",
      heldOn: "2026-05-03",
      facilitatorUserId: franId,
    });
    const othersId = await createGathering(app.db, fx.scope, researcherId, {
      kind: "interview",
      label: "Someone else's interview",
      heldOn: "2026-05-04",
    });

    const franList = await (await fran.get(`${base}/fieldwork`)).text();
    expect(franList).toContain("Fran&#x27;s group");
    expect(franList).toContain("Facilitated by Fran");
    expect(franList).not.toContain("Someone else&#x27;s interview");

    const gwenList = await (await gwen.get(`${base}/fieldwork`)).text();
    expect(gwenList).toContain("Fran&#x27;s group"); // Gwen facilitates it
    expect(gwenList).not.toContain("Facilitated by Fran");
    expect(gwenList).not.toContain("Someone else&#x27;s interview");

    const all = await (await researcher.get(`${base}/fieldwork`)).text();
    for (const label of ["Fran&#x27;s group", "Facilitated by Fran", "Someone else&#x27;s interview"]) expect(all).toContain(label);

    expect((await fran.get(`${base}/fieldwork/${othersId}`)).status).toBe(404);
    expect((await researcher.get(`${base}/fieldwork/${othersId}`)).status).toBe(200);
    const csrf = await fran.csrf();
    expect((await fran.post(`${base}/fieldwork/${othersId}`, { intent: "recorded", recorded: "no" }, { csrf })).status).toBe(404);
    const own = (await sessionByLabel("Facilitated by Fran"))!;
    expect((await fran.get(`${base}/fieldwork/${own.id}`)).status).toBe(200);
  });
});
