/**
 * Typing an attendee's code twice (issue 14 item 12): the second time the page says they are already
 * there as Participant N, rather than "Added", and the session still has one row for them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addAttendeeByCode, createGathering } from "../../app/fieldwork/gatherings.server";
import { generateParticipantCode } from "../../app/participants/code";
import { codeHash } from "../../app/participants/enrolment.server";
import { secretsFrom } from "../../app/security/secrets.server";
import { startTestApp, TEST_SECRET, type TestApp } from "../support/app";
import { makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { addParticipant, createCodingFixture, type CodingFixture } from "../coding/fixtures";

let app: TestApp;
let fx: CodingFixture;
let researcher: WorkspaceClient;
let researcherId: string;
const key = secretsFrom(TEST_SECRET).codeHashKey;

/** A participant whose code the page can find (the fixture's participants have no real code). */
async function participantWithCode(): Promise<{ id: string; code: string }> {
  const id = await addParticipant(app.db, fx);
  const code = generateParticipantCode();
  await app.db
    .updateTable("participant")
    .set({ code_hash: codeHash(code, key) })
    .where("id", "=", id)
    .execute();
  return { id, code };
}

async function attendeeRows(sessionId: string) {
  return app.db.selectFrom("session_attendee").select(["participant_id", "position"]).where("session_id", "=", sessionId).execute();
}

beforeAll(async () => {
  app = await startTestApp({ demo: false });
  fx = await createCodingFixture(app.db);
  researcherId = await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "rhian@attendees.test", role: "researcher" });
  researcher = new WorkspaceClient(app.url);
  expect((await researcher.signIn("rhian@attendees.test", TEST_PASSWORD)).status).toBe(302);
}, 180_000);
afterAll(() => app?.close());

describe("adding an attendee by code", () => {
  it("tells the caller whether the person was already there", async () => {
    const session = await createGathering(app.db, fx.scope, researcherId, { kind: "focus_group", label: "Domain", heldOn: "2026-11-03" });
    const first = await participantWithCode();
    const second = await participantWithCode();
    expect(await addAttendeeByCode(app.db, fx.scope, session, first.code, key)).toEqual({ position: 1, alreadyAttending: false });
    expect(await addAttendeeByCode(app.db, fx.scope, session, second.code, key)).toEqual({ position: 2, alreadyAttending: false });
    // Typed again, lower case and without the hyphen: the same person, the same place.
    const again = first.code.toLowerCase().replace(/-/g, "");
    expect(await addAttendeeByCode(app.db, fx.scope, session, again, key)).toEqual({ position: 1, alreadyAttending: true });
    expect(await attendeeRows(session)).toHaveLength(2);
  });

  it("says 'already there as Participant N' on the page the second time", async () => {
    const session = await createGathering(app.db, fx.scope, researcherId, { kind: "interview", label: "Page", heldOn: "2026-11-04" });
    const page = `/research/${fx.orgSlug}/studies/${fx.studySlug}/fieldwork/${session}`;
    const person = await participantWithCode();
    const added = await (await researcher.submit(page, { intent: "attendee", code: person.code })).text();
    expect(added).toContain("Added as Participant 1.");
    const twice = await (await researcher.submit(page, { intent: "attendee", code: person.code })).text();
    expect(twice).toContain("Already there as Participant 1: nothing changed.");
    expect(twice).not.toContain("Added as Participant");
    expect(await attendeeRows(session)).toEqual([{ participant_id: person.id, position: 1 }]);
  });
});
