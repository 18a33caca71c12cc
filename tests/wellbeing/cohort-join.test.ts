/**
 * Participants join a peer-support group themselves, signed in with their code (issue 6:
 * "participants join a cohort with their code"): only a group of their study that has not ended,
 * not after withdrawing; a move closes the old membership and the analysis follows them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCohort, currentCohort, joinableCohorts, joinCohort, joinCohortAsParticipant } from "../../app/wellbeing/cohorts.server";
import { measureComparison } from "../../app/wellbeing/report.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { CODE_KEY, seedWellbeingStudy, type WellbeingStudy } from "./fixtures";

let database: TestDatabase;
let study: WellbeingStudy;
let other: WellbeingStudy;
let ended: string;
let upcoming: string;

beforeAll(async () => {
  database = await createTestDatabase();
  study = await seedWellbeingStudy(database.db, "joining");
  other = await seedWellbeingStudy(database.db, "joining-other");
  const scope = { organisationId: study.organisationId, studyId: study.studyId };
  ended = (await createCohort(database.db, scope, { name: "Autumn group", startsOn: "2025-09-01", endsOn: "2025-12-01" })).id;
  upcoming = (await createCohort(database.db, scope, { name: "Spring group", startsOn: "2027-03-01" })).id;
}, 120_000);
afterAll(async () => {
  await database?.destroy();
});

const ON = "2026-03-15";
const memberships = (participantId: string) =>
  database.db
    .selectFrom("cohort_membership")
    .select(["cohort_id", "joined_on", "left_on"])
    .where("participant_id", "=", participantId)
    .orderBy("joined_on")
    .orderBy("left_on")
    .execute();

describe("joining a group with one's code", () => {
  it("offers the study's groups that have not ended, including ones not started yet", async () => {
    const names = (await joinableCohorts(database.db, study.studyId, ON)).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(["Tuesday group", "Thursday group", "Spring group"]));
    expect(names).not.toContain("Autumn group");
    // The last day of a group is still a day it can be joined.
    expect((await joinableCohorts(database.db, study.studyId, "2025-12-01")).map((c) => c.name)).toContain("Autumn group");
  });

  it("moves a person to the group they choose, keeping the history, and the group's figures follow them", async () => {
    // w01 is in the Tuesday group (cohort A) with a pre and a post score.
    const person = study.people.get("w01")!.id;
    const scope = { organisationId: study.organisationId, studyId: study.studyId, measureId: "who5" };
    const beforeA = await measureComparison(database.db, { ...scope, cohortId: study.cohortA });
    const beforeB = await measureComparison(database.db, { ...scope, cohortId: study.cohortB });

    const result = await joinCohortAsParticipant(database.db, {
      studyId: study.studyId,
      participantId: person,
      cohortId: study.cohortB,
      on: ON,
    });
    expect(result).toMatchObject({ ok: true, moved: true, already: false, cohort: { id: study.cohortB, name: "Thursday group" } });
    expect(await currentCohort(database.db, person)).toEqual({ id: study.cohortB, name: "Thursday group" });
    expect(await memberships(person)).toEqual([
      { cohort_id: study.cohortA, joined_on: "2026-01-06", left_on: ON },
      { cohort_id: study.cohortB, joined_on: ON, left_on: null },
    ]);
    expect((await measureComparison(database.db, { ...scope, cohortId: study.cohortA })).n_pairs).toBe(beforeA.n_pairs - 1);
    expect((await measureComparison(database.db, { ...scope, cohortId: study.cohortB })).n_pairs).toBe(beforeB.n_pairs + 1);

    // Choosing the same group again changes nothing.
    expect(
      await joinCohortAsParticipant(database.db, {
        studyId: study.studyId,
        participantId: person,
        cohortId: study.cohortB,
        on: "2026-03-16",
      }),
    ).toMatchObject({
      ok: true,
      already: true,
      moved: false,
    });
    expect(await memberships(person)).toHaveLength(2);
  });

  it("refuses a group that has ended or belongs to another study, and changes nothing", async () => {
    const person = study.people.get("w02")!.id;
    const before = await memberships(person);
    for (const cohortId of [ended, other.cohortA]) {
      expect(await joinCohortAsParticipant(database.db, { studyId: study.studyId, participantId: person, cohortId, on: ON })).toEqual({
        ok: false,
        reason: "not_joinable",
      });
    }
    expect(await memberships(person)).toEqual(before);
    expect((await currentCohort(database.db, person))?.id).toBe(study.cohortA);
    // A group that has not started yet can be joined.
    expect(
      await joinCohortAsParticipant(database.db, { studyId: study.studyId, participantId: person, cohortId: upcoming, on: ON }),
    ).toMatchObject({ ok: true, moved: true });
  });

  it("the person and a facilitator joining them at the same moment both finish, one after the other", async () => {
    const person = study.people.get("w08")!;
    const scope = { organisationId: study.organisationId, studyId: study.studyId };
    const [self, byFacilitator] = await Promise.all([
      joinCohortAsParticipant(database.db, { studyId: study.studyId, participantId: person.id, cohortId: upcoming, on: ON }),
      joinCohort(database.db, scope, { cohortId: study.cohortB, code: person.code, joinedOn: ON }, CODE_KEY),
    ]);
    expect(self.ok && byFacilitator.ok).toBe(true);
    const open = (await memberships(person.id)).filter((m) => m.left_on === null);
    expect(open).toHaveLength(1);
    expect((await currentCohort(database.db, person.id))?.id).toBe(open[0]!.cohort_id);
  });

  it("refuses someone who has withdrawn, and changes nothing", async () => {
    const person = study.people.get("w05")!.id;
    await database.db
      .updateTable("participant")
      .set({ withdrawn_on: "2026-02-01", withdrawal_mode: "keep" })
      .where("id", "=", person)
      .execute();
    const before = await memberships(person);
    expect(
      await joinCohortAsParticipant(database.db, { studyId: study.studyId, participantId: person, cohortId: study.cohortB, on: ON }),
    ).toEqual({ ok: false, reason: "withdrawn" });
    expect(await memberships(person)).toEqual(before);
    // Nor can someone of another study be joined through this one.
    expect(
      await joinCohortAsParticipant(database.db, {
        studyId: study.studyId,
        participantId: other.people.get("w06")!.id,
        cohortId: study.cohortB,
        on: ON,
      }),
    ).toEqual({ ok: false, reason: "withdrawn" });
  });
});
