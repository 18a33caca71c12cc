/**
 * A study's next steps on its overview (issue 14 item 2): each step's state comes from the database
 * (instruments → open → participants → fieldwork → coding → report back), and each links to the page
 * where it is done only for a member who may open that page.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGathering, importTranscript } from "../../app/fieldwork/gatherings.server";
import { createEntry } from "../../app/report-back/entries.server";
import { stepFacts, stepsFrom, type StepFacts } from "../../app/studies/next-steps.server";
import { roleHas } from "../../app/auth/permissions.server";
import { startTestApp, type TestApp } from "../support/app";
import { makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { addAnswer, addParticipant, createCodingFixture, type CodingFixture } from "../coding/fixtures";

const NOTHING: StepFacts = {
  informationSheet: false,
  consentForm: false,
  questionnaires: 0,
  status: "draft",
  participants: 0,
  responses: 0,
  gatherings: 0,
  transcribedGatherings: 0,
  themes: 0,
  codings: 0,
  reportEntries: 0,
  publishedEntries: 0,
};
const everything = (_: string) => true;
const links = { studyBase: "/research/o/studies/s", organisationBase: "/research/o", can: everything };
const states = (facts: Partial<StepFacts>) => Object.fromEntries(stepsFrom({ ...NOTHING, ...facts }, links).map((s) => [s.id, s.state]));

describe("each step's state", () => {
  it("starts with nothing done and the instruments as the next step", () => {
    const steps = stepsFrom(NOTHING, links);
    expect(steps.map((s) => [s.id, s.state, s.next])).toEqual([
      ["instruments", "todo", true],
      ["open", "todo", false],
      ["participants", "todo", false],
      ["fieldwork", "todo", false],
      ["coding", "todo", false],
      ["reportBack", "todo", false],
    ]);
  });

  it("needs both an information sheet and a consent form before the instruments are done", () => {
    expect(states({ consentForm: true }).instruments).toBe("started");
    expect(states({ informationSheet: true, consentForm: true }).instruments).toBe("done");
  });

  it("counts a closed study as opened, fieldwork by a transcript or answers, coding by themes and codings, report back by publishing", () => {
    expect(states({ status: "closed" }).open).toBe("done");
    expect(states({ participants: 3 }).participants).toBe("done");
    expect(states({ gatherings: 1 }).fieldwork).toBe("started");
    expect(states({ gatherings: 1, transcribedGatherings: 1 }).fieldwork).toBe("done");
    expect(states({ responses: 1 }).fieldwork).toBe("done");
    expect(states({ themes: 2 }).coding).toBe("started");
    expect(states({ themes: 2, codings: 5 }).coding).toBe("done");
    expect(states({ reportEntries: 1 }).reportBack).toBe("started");
    expect(states({ reportEntries: 1, publishedEntries: 1 }).reportBack).toBe("done");
  });

  it("points at the first step not done", () => {
    const steps = stepsFrom({ ...NOTHING, informationSheet: true, consentForm: true, status: "open", participants: 2 }, links);
    expect(steps.filter((s) => s.next).map((s) => s.id)).toEqual(["fieldwork"]);
  });

  it("sends coding to the themes page until there is a theme to code with", () => {
    expect(stepsFrom(NOTHING, links).find((s) => s.id === "coding")!.href).toBe("/research/o/studies/s/themes");
    expect(stepsFrom({ ...NOTHING, themes: 1 }, links).find((s) => s.id === "coding")!.href).toBe("/research/o/studies/s/coding");
  });
});

let app: TestApp;
let fx: CodingFixture;
let base: string;
const clients: Partial<Record<"researcher" | "peer_researcher" | "facilitator" | "publisher", WorkspaceClient>> = {};

beforeAll(async () => {
  app = await startTestApp({ demo: false });
  fx = await createCodingFixture(app.db);
  base = `/research/${fx.orgSlug}/studies/${fx.studySlug}`;
  for (const role of ["researcher", "peer_researcher", "facilitator", "publisher"] as const) {
    await makeMember(app.db, { organisationId: fx.scope.organisationId, email: `${role}@steps.test`, role });
    const client = new WorkspaceClient(app.url);
    expect((await client.signIn(`${role}@steps.test`, TEST_PASSWORD)).status).toBe(302);
    clients[role] = client;
  }
}, 180_000);
afterAll(() => app?.close());

describe("the facts, from the database", () => {
  it("follows the study through its life", async () => {
    const facts = () => stepFacts(app.db, fx.scope);
    expect(await facts()).toMatchObject({ participants: 0, responses: 0, gatherings: 0, themes: 0, codings: 0, reportEntries: 0 });
    await app.db
      .insertInto("study_instrument")
      .values({ study_id: fx.scope.studyId, instrument_version_id: fx.consentVersionId, role: "consent_form", timepoint: "", position: 0 })
      .execute();
    await app.db.updateTable("study").set({ status: "open" }).where("id", "=", fx.scope.studyId).execute();
    const participant = await addParticipant(app.db, fx);
    const gathering = await createGathering(app.db, fx.scope, fx.users.researcher, {
      kind: "interview",
      label: "One",
      heldOn: "2026-04-01",
    });
    expect(await facts()).toMatchObject({ consentForm: true, informationSheet: false, status: "open", participants: 1, gatherings: 1 });
    expect(stepsFrom(await facts(), links).find((s) => s.id === "fieldwork")!.state).toBe("started");
    await importTranscript(app.db, fx.scope, gathering, {
      source: "Facilitator: How was it?\nSpeaker: Good.",
      language: "en",
      mapping: { Facilitator: { role: "facilitator" }, Speaker: { role: "facilitator" } },
    });
    const unit = await addAnswer(app.db, fx, participant, "The bus pass helped.");
    const theme = await app.db
      .insertInto("theme")
      .values({ study_id: fx.scope.studyId, name: "Transport", status: "accepted", parent_id: null, merged_into: null, proposed_by: null })
      .returning("id")
      .executeTakeFirstOrThrow();
    const [, responseId, itemId] = unit.split(":");
    await app.db
      .insertInto("coding")
      .values({
        study_id: fx.scope.studyId,
        theme_id: theme.id,
        coder_id: fx.users.researcher,
        segment_id: null,
        response_id: responseId!,
        item_id: itemId!,
        start_cp: 0,
        end_cp: 3,
      })
      .execute();
    await createEntry(app.db, fx.scope.organisationId, { userId: fx.users.researcher }, { studyId: fx.scope.studyId, slug: "bus-pass" });
    expect(await facts()).toMatchObject({
      transcribedGatherings: 1,
      responses: 1,
      themes: 1,
      codings: 1,
      reportEntries: 1,
      publishedEntries: 0,
    });
  });
});

/** Each step's link on the overview as this member sees it (null: the step is shown without a link). */
async function overviewLinks(client: WorkspaceClient): Promise<Record<string, string | null>> {
  const html = await (await client.get(base)).text();
  const list = /<ol class="ws-steps" data-testid="next-steps">([\s\S]*?)<\/ol>/.exec(html)?.[1] ?? "";
  const items = [...list.matchAll(/<li data-step="(\w+)"[^>]*>([\s\S]*?)<\/li>/g)];
  return Object.fromEntries(items.map(([, id, body]) => [id, /<a [^>]*href="([^"]+)"/.exec(body!)?.[1]?.replace(/&amp;/g, "&") ?? null]));
}

describe("the overview's checklist, per role", () => {
  it("gives a researcher a link for every step", async () => {
    expect(await overviewLinks(clients.researcher!)).toEqual({
      instruments: `${base}/edit`,
      open: `${base}#study-status-form`,
      participants: `${base}/codes`,
      fieldwork: `${base}/fieldwork`,
      coding: `${base}/coding`,
      reportBack: `/research/${fx.orgSlug}/report-back`,
    });
  });

  it("gives a peer researcher no link to a page they cannot open", async () => {
    const seen = await overviewLinks(clients.peer_researcher!);
    expect(seen).toEqual({
      instruments: null,
      open: null,
      participants: null,
      fieldwork: `${base}/fieldwork`,
      coding: `${base}/coding`,
      reportBack: null,
    });
  });

  it("never links a page that then refuses the member, for any role", async () => {
    for (const [role, client] of Object.entries(clients)) {
      const seen = await overviewLinks(client!);
      expect(Object.keys(seen), role).toHaveLength(6);
      for (const href of Object.values(seen)) {
        if (href === null) continue;
        const response = await client!.get(href.split("#")[0]!);
        expect(response.status, `${role} → ${href}`).toBe(200);
      }
      // And the pages a role may not open are not linked: a facilitator records fieldwork but does not code.
      if (!roleHas(role as "facilitator", "data:read")) expect(seen.coding, role).toBeNull();
      if (!roleHas(role as "facilitator", "publication:draft")) expect(seen.reportBack, role).toBeNull();
    }
  });

  it("shows each step's state to everyone", async () => {
    const html = await (await clients.publisher!.get(base)).text();
    expect(html).toMatch(/data-step="instruments" data-state="started"/);
    expect(html).toMatch(/data-step="fieldwork" data-state="done"/);
    expect(html).toMatch(/data-step="reportBack" data-state="started"/);
    expect(html).toContain("Someone with another role does this step.");
  });
});
