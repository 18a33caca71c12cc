// The editor's one form over HTTP, as a browser without JavaScript posts it: a refusal comes back as
// a page with the typing in place and the summary linking to the field; a forbidden button saves
// nothing; another organisation's quotes, steps and entries are out of reach.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEntry, saveEntryText, setEntryThemes } from "../../app/report-back/entries.server";
import { startTestApp, type TestApp } from "../support/app";
import { makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { createReportBackFixture, publishedEntry, type ReportBackFixture } from "./fixtures";

let app: TestApp;
let fx: ReportBackFixture;
let other: ReportBackFixture;
let entryId: string;
let otherEntry: string;
const clients: Record<"publisher" | "admin", WorkspaceClient> = {} as never;
const path = () => `/research/${fx.orgSlug}/report-back/the-draft`;

beforeAll(async () => {
  app = await startTestApp();
  fx = await createReportBackFixture(app.db);
  other = await createReportBackFixture(app.db, { heardPeople: 1 });
  otherEntry = await publishedEntry(app.db, other, "theirs");
  entryId = await createEntry(
    app.db,
    fx.scope.organisationId,
    { userId: fx.users.publisher },
    { studyId: fx.scope.studyId, slug: "the-draft" },
  );
  await saveEntryText(app.db, fx.scope.organisationId, { userId: fx.users.publisher }, entryId, "en", { title: "The first title" });
  await setEntryThemes(app.db, fx.scope.organisationId, { userId: fx.users.publisher }, entryId, [{ themeId: fx.themes.heard }]);
  for (const role of ["publisher", "admin"] as const) {
    await makeMember(app.db, { organisationId: fx.scope.organisationId, email: `${role}-form@example.org`, role });
    clients[role] = new WorkspaceClient(app.url);
    await clients[role].signIn(`${role}-form@example.org`, TEST_PASSWORD);
  }
}, 180_000);
afterAll(() => app?.close());

const title = async () =>
  (
    await app.db
      .selectFrom("report_entry_text")
      .select("title")
      .where("entry_id", "=", entryId)
      .where("language", "=", "en")
      .executeTakeFirstOrThrow()
  ).title;

describe("the entry form without JavaScript", () => {
  it("gives back a refused form with every value typed, and the summary linking to the field", async () => {
    const response = await clients.publisher.submit(path(), {
      entryForm: "1",
      intent: "save",
      title_en: "A title typed & not lost",
      did_cy: "Rydyn ni'n hyfforddi gwirfoddolwyr.",
      title_cy: "",
    });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('value="A title typed &amp; not lost"');
    expect(html).toContain("Rydyn ni&#x27;n hyfforddi gwirfoddolwyr.</textarea>");
    expect(html).toContain('<a href="#title-cy">Enter a title for the Welsh words.</a>');
    expect(html).toContain('id="title-cy"');
    expect(await title()).toBe("The first title");
  });

  it("refuses a button it does not know, and an id that is not one, without saving the form", async () => {
    for (const intent of ["facts", "quote-add:1; drop table", "milestone-remove:../../x"]) {
      const response = await clients.publisher.submit(path(), { entryForm: "1", intent, title_en: "Changed by a bad button" });
      expect(response.status, intent).toBe(400);
    }
    expect(await title()).toBe("The first title");
  });

  it("refuses a publisher's publish before saving anything they typed", async () => {
    const response = await clients.publisher.submit(path(), { entryForm: "1", intent: "publish", title_en: "Published by a publisher?" });
    expect(response.status).toBe(403);
    expect(await title()).toBe("The first title");
  });
});

describe("another organisation's data", () => {
  it("cannot be linked, removed or reached from this organisation's editor", async () => {
    const theirQuotes = await app.db
      .selectFrom("report_entry_quote")
      .select(["id", "coding_id"])
      .where("entry_id", "=", otherEntry)
      .execute();
    const theirSteps = await app.db.selectFrom("report_milestone").select("id").where("entry_id", "=", otherEntry).execute();
    expect(theirQuotes.length).toBeGreaterThan(0);
    const admin = clients.admin;
    // their coding, offered as a quote for this entry: refused, nothing linked
    const use = await admin.submit(path(), { intent: `quote-add:${other.quotedCoding}` });
    expect(use.status).toBe(400);
    expect(await app.db.selectFrom("report_entry_quote").select("id").where("entry_id", "=", entryId).execute()).toEqual([]);
    // their quote and their step, named from this entry's buttons: theirs stay
    await admin.submit(path(), { intent: `quote-remove:${theirQuotes[0]!.id}` });
    await admin.submit(path(), { intent: `milestone-remove:${theirSteps[0]!.id}` });
    expect(await app.db.selectFrom("report_entry_quote").select("id").where("entry_id", "=", otherEntry).execute()).toHaveLength(
      theirQuotes.length,
    );
    expect(await app.db.selectFrom("report_milestone").select("id").where("entry_id", "=", otherEntry).execute()).toHaveLength(1);
    // their entry's editor, by its address: not found, for reading and for posting
    expect((await admin.get(`/research/${other.orgSlug}/report-back/theirs`)).status).toBe(404);
    const csrf = await admin.csrf();
    expect((await admin.post(`/research/${fx.orgSlug}/report-back/theirs`, { intent: "save" }, { csrf })).status).toBe(404);
    expect((await admin.post(`/research/${other.orgSlug}/report-back/theirs`, { intent: "save" }, { csrf })).status).toBe(404);
  });
});
