import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAuditEvents } from "../../app/organisations/audit.server";
import { addPerson, changeRole, createOrganisation, disableMember, DomainError, enableMember } from "../../app/organisations/people.server";
import { shareableCount, shareablePercent } from "../../app/disclosure/small-counts";
import { studyDashboard } from "../../app/studies/dashboard.server";
import { withdrawParticipant } from "../../app/participants/withdrawal.server";
import { createStudy, findStudy, setStudyStatus, studyInputFromForm, updateStudy, type StudyInput } from "../../app/studies/studies.server";
import { bootstrap } from "../../scripts/bootstrap";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeMember } from "../support/workspace";

let database: TestDatabase;
let orgId: string;
let otherOrgId: string;
let actor: string;
const versions: Record<string, string> = {};

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  await bootstrap(database, { demo: false });
  orgId = (await createOrganisation(database.db, { slug: "north", name: "North" })).id;
  otherOrgId = (await createOrganisation(database.db, { slug: "south", name: "South" })).id;
  actor = await makeMember(database.db, { organisationId: orgId, email: "lead@north.test", role: "admin" });
  for (const v of await database.db.selectFrom("instrument_version").select(["id", "instrument_id"]).execute())
    versions[v.instrument_id] = v.id;
});
afterAll(async () => database?.destroy());

const base = (): StudyInput => ({
  slug: "wellbeing-2026",
  languages: ["en", "cy"],
  titles: { en: "Wellbeing in 2026", cy: "Lles yn 2026" },
  contact: { en: "Research team, 01234 567890" },
  support: [{ name: { en: "Helpline" }, description: { en: "Someone to talk to" }, contact: { en: "Call 116 123" } }],
  withdrawalModes: ["erase"],
  withdrawalDeadline: "2026-12-31",
  retentionUntil: "2031-12-31",
  datePrecision: "date",
  instruments: [
    { versionId: versions["information-sheet"]!, timepoints: ["once"] },
    { versionId: versions["consent-form"]!, timepoints: ["once"] },
    { versionId: versions["peer-support-wellbeing"]!, timepoints: ["pre", "post"] },
  ],
  cohorts: ["Cardiff", "Swansea"],
});

describe("studies", () => {
  it("creates a study with everything the form offers, then reads it back", async () => {
    const result = await createStudy(database.db, { organisationId: orgId, actorUserId: actor, study: base() });
    expect(result.ok).toBe(true);
    const study = (await findStudy(database.db, orgId, "wellbeing-2026"))!;
    expect(study.status).toBe("draft");
    expect(study.titles).toEqual({ en: "Wellbeing in 2026", cy: "Lles yn 2026" });
    expect(study.instruments.map((i) => `${i.role}:${i.timepoint}`)).toEqual([
      "information_sheet:once",
      "consent_form:once",
      "questionnaire:pre",
      "questionnaire:post",
    ]);
    expect(study.cohorts.map((c) => c.name)).toEqual(["Cardiff", "Swansea"]);
    expect(study.settings.withdrawal).toEqual({ modes: ["erase"], deadline: "2026-12-31" });
    expect(study.settings.retention_until).toBe("2031-12-31");
    expect(study.settings.support[0]!.contact.en).toBe("Call 116 123");
  });

  it("refuses a title missing for an offered language, a taken slug, and a reserved slug", async () => {
    const missing = await createStudy(database.db, {
      organisationId: orgId,
      actorUserId: actor,
      study: { ...base(), slug: "other", titles: { en: "Only English" } },
    });
    expect(missing).toEqual({ ok: false, errors: { "titles.cy": "title_missing" } });
    expect(await createStudy(database.db, { organisationId: otherOrgId, actorUserId: actor, study: base() })).toEqual({
      ok: false,
      errors: { slug: "slug_taken" },
    });
    expect((await createStudy(database.db, { organisationId: orgId, actorUserId: actor, study: { ...base(), slug: "new" } })).ok).toBe(
      false,
    );
  });

  it("another organisation's study is not found, not edited and not opened", async () => {
    const study = (await findStudy(database.db, orgId, "wellbeing-2026"))!;
    expect(await findStudy(database.db, otherOrgId, "wellbeing-2026")).toBeNull();
    expect(await updateStudy(database.db, { organisationId: otherOrgId, studyId: study.id, actorUserId: actor, study: base() })).toEqual({
      ok: false,
      errors: { form: "not_found" },
    });
    expect(
      await setStudyStatus(database.db, { organisationId: otherOrgId, studyId: study.id, status: "open", actorUserId: actor }),
    ).toEqual({ ok: false, error: "not_found" });
  });

  it("opens only with an information sheet and consent form; the slug is fixed once open", async () => {
    const bare = await createStudy(database.db, {
      organisationId: orgId,
      actorUserId: actor,
      study: { ...base(), slug: "bare", instruments: [], cohorts: [] },
    });
    expect(
      bare.ok && (await setStudyStatus(database.db, { organisationId: orgId, studyId: bare.studyId, status: "open", actorUserId: actor })),
    ).toEqual({ ok: false, error: "needs_consent_instruments" });
    const study = (await findStudy(database.db, orgId, "wellbeing-2026"))!;
    expect(await setStudyStatus(database.db, { organisationId: orgId, studyId: study.id, status: "open", actorUserId: actor })).toEqual({
      ok: true,
    });
    expect(
      await updateStudy(database.db, {
        organisationId: orgId,
        studyId: study.id,
        actorUserId: actor,
        study: { ...base(), slug: "renamed" },
      }),
    ).toEqual({ ok: false, errors: { slug: "slug_fixed" } });
    const edited = await updateStudy(database.db, {
      organisationId: orgId,
      studyId: study.id,
      actorUserId: actor,
      study: { ...base(), cohorts: ["Cardiff"], languages: ["en"] },
    });
    expect(edited.ok).toBe(true);
    const after = (await findStudy(database.db, orgId, "wellbeing-2026"))!;
    expect(after.status).toBe("open");
    expect(after.languages).toEqual(["en"]);
    expect(after.cohorts.map((c) => c.name)).toEqual(["Cardiff"]);
  });

  it("reads the plain HTML form into a study", () => {
    const form = new FormData();
    form.set("slug", " My-Study ");
    form.append("languages", "en");
    form.append("languages", "ar");
    form.set("title.en", "Title");
    form.set("title.ar", "عنوان");
    form.append("instrument", "11111111-1111-4111-8111-111111111111");
    form.set("timepoints.11111111-1111-4111-8111-111111111111", "pre, post");
    form.append("withdrawal_mode", "keep");
    form.set("cohorts", "A\r\n\r\nB\n");
    form.set("support.0.name.en", "Line");
    form.set("date_precision", "date");
    const input = studyInputFromForm(form);
    expect(input).toMatchObject({
      slug: "my-study",
      languages: ["en", "ar"],
      titles: { en: "Title", ar: "عنوان" },
      instruments: [{ versionId: "11111111-1111-4111-8111-111111111111", timepoints: ["pre", "post"] }],
      withdrawalModes: ["keep"],
      cohorts: ["A", "B"],
      support: [{ name: { en: "Line" }, description: {}, contact: {} }],
      withdrawalDeadline: null,
    });
  });
});

describe("dashboard", () => {
  it("counts consents, answers by instrument, timepoint and language, and withdrawals, erasures included", async () => {
    const study = (await findStudy(database.db, orgId, "wellbeing-2026"))!;
    const today = "2026-11-23";
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const p = await database.db
        .insertInto("participant")
        .values({
          study_id: study.id,
          code_hash: `hash-${i}`,
          language: i < 6 ? "en" : "cy",
          source: "online",
          enrolled_on: today,
          enrolled_at: null,
          cohort_id: null,
          withdrawn_on: null,
          withdrawal_mode: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      ids.push(p.id);
      await database.db
        .insertInto("consent_record")
        .values({
          participant_id: p.id,
          instrument_version_id: versions["consent-form"]!,
          statements: "{}",
          method: i < 5 ? "online" : "paper",
          recorded_by: null,
          recorded_on: today,
          updated_on: today,
        })
        .execute();
      await database.db
        .insertInto("response")
        .values({
          participant_id: p.id,
          study_id: study.id,
          instrument_version_id: versions["peer-support-wellbeing"]!,
          timepoint: "pre",
          language: i < 6 ? "en" : "cy",
          interpreter: null,
          entered_by: null,
          started_on: today,
          completed_on: i < 5 ? today : null,
        })
        .execute();
    }
    // Withdrawals as the app makes them: erasure deletes the person's rows, "keep" marks them. This
    // study offers only erasure; offer both here, with no deadline, to count both kinds.
    const { settings } = await database.db.selectFrom("study").select("settings").where("id", "=", study.id).executeTakeFirstOrThrow();
    const withBoth = { ...(settings as Record<string, unknown>), withdrawal: { modes: ["erase", "keep"], deadline: null } };
    await database.db
      .updateTable("study")
      .set({ settings: JSON.stringify(withBoth) })
      .where("id", "=", study.id)
      .execute();
    await withdrawParticipant(database.db, { studyId: study.id, participantId: ids[0]!, mode: "erase" });
    await withdrawParticipant(database.db, { studyId: study.id, participantId: ids[1]!, mode: "keep" });
    await withdrawParticipant(database.db, { studyId: study.id, participantId: ids[2]!, mode: "keep" });
    await withdrawParticipant(database.db, { studyId: study.id, participantId: ids[2]!, mode: "erase" });
    const d = await studyDashboard(database.db, study.id);
    expect(d.participants).toBe(5);
    expect(d.consents).toBe(5);
    expect(d.consentsByMethod).toEqual({ online: 3, paper: 2 });
    // The erased are still counted: from the audit log, which erasure leaves.
    expect(d.withdrawals).toEqual({ total: 3, erase: 2, keep: 1 });
    expect(d.responses).toEqual([
      { instrument: "peer-support-wellbeing v1", timepoint: "pre", language: "cy", started: 1, completed: 0 },
      { instrument: "peer-support-wellbeing v1", timepoint: "pre", language: "en", started: 4, completed: 3 },
    ]);
  });

  it("shows counts under 5 as 'fewer than 5' in what may leave the workspace", () => {
    expect([0, 1, 4, 5, 12].map(shareableCount)).toEqual([
      { fewerThan: 5 },
      { fewerThan: 5 },
      { fewerThan: 5 },
      { exact: 5 },
      { exact: 12 },
    ]);
    expect(shareablePercent(5, 6)).toBe(83);
    expect(shareablePercent(1, 6)).toBeNull();
    expect(shareablePercent(4, 4)).toBeNull();
  });
});

describe("people and the audit log", () => {
  it("keeps the last admin, records role changes, and lets admins filter the log", async () => {
    const added = await addPerson(database.db, {
      organisationId: orgId,
      email: "helper@north.test",
      role: "facilitator",
      actorUserId: actor,
    });
    expect(added.invitationToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await expect(
      addPerson(database.db, { organisationId: orgId, email: "HELPER@north.test", role: "facilitator", actorUserId: actor }),
    ).rejects.toThrow(DomainError);
    await expect(changeRole(database.db, { organisationId: orgId, userId: actor, role: "researcher", actorUserId: actor })).rejects.toThrow(
      "last_admin",
    );
    await changeRole(database.db, { organisationId: orgId, userId: added.userId, role: "researcher", actorUserId: actor });
    // An id from another organisation is unknown here.
    const southAdmin = await makeMember(database.db, { organisationId: otherOrgId, email: "lead@south.test", role: "admin" });
    await expect(
      changeRole(database.db, { organisationId: orgId, userId: southAdmin, role: "researcher", actorUserId: actor }),
    ).rejects.toThrow("not_found");
    await expect(disableMember(database.db, { organisationId: orgId, userId: southAdmin, actorUserId: actor })).rejects.toThrow(
      "not_found",
    );
    // Someone in both organisations: North's admin removes them from North, but cannot disable or
    // re-enable the account South also relies on.
    const both = await makeMember(database.db, { organisationId: otherOrgId, email: "both@south.test", role: "researcher" });
    await database.db.insertInto("membership").values({ user_id: both, organisation_id: orgId, role: "researcher" }).execute();
    await disableMember(database.db, { organisationId: orgId, userId: both, actorUserId: actor });
    const account = await database.db.selectFrom("app_user").select("disabled_at").where("id", "=", both).executeTakeFirstOrThrow();
    expect(account.disabled_at).toBeNull();
    expect(await database.db.selectFrom("membership").select("organisation_id").where("user_id", "=", both).execute()).toEqual([
      { organisation_id: otherOrgId },
    ]);
    await database.db.insertInto("membership").values({ user_id: both, organisation_id: orgId, role: "researcher" }).execute();
    await expect(enableMember(database.db, { organisationId: orgId, userId: both, actorUserId: actor })).rejects.toThrow(
      "other_organisations",
    );

    const roleChanges = await listAuditEvents(database.db, orgId, { action: "role_changed" });
    expect(roleChanges).toHaveLength(1);
    expect(roleChanges[0]!.detail).toEqual({ from: "facilitator", to: "researcher" });
    expect(roleChanges[0]!.actor_email).toBe("lead@north.test");
    expect(roleChanges[0]!.subject_email).toBe("helper@north.test");
    const all = await listAuditEvents(database.db, orgId, {});
    expect(all.map((e) => e.action)).toEqual(
      expect.arrayContaining(["organisation_created", "study_created", "study_status_changed", "user_created", "invitation_issued"]),
    );
    // South's events are not North's.
    expect((await listAuditEvents(database.db, otherOrgId, {})).map((e) => e.action)).toEqual(["organisation_created"]);
    expect(await listAuditEvents(database.db, orgId, { actor: "nobody" })).toEqual([]);
    // The audit table refuses change.
    await expect(database.db.deleteFrom("audit_event").execute()).rejects.toThrow(/append-only/);
  });
});
