/**
 * Retention that happens by itself (issue 17 part 4): a study past its date loses every participant's
 * words (answers, transcript turns of everyone, codings) in one run, keeping counts and the audit log;
 * a study kept longer by an admin records who and why and is left alone until the new date; a run is
 * safe to repeat; the dashboard and CLI warn 30 and 7 days ahead. On both databases.
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { addAttendee, createGathering, importTranscript } from "../../app/fieldwork/gatherings.server";
import {
  addDays,
  addMonths,
  recordRetentionHold,
  retentionStatus,
  retentionStatusOn,
  retentionWarnings,
  runRetention,
} from "../../app/studies/retention.server";
import { parseStudySettings } from "../../app/studies/settings";
import { retentionRunCommand, retentionStatusCommand } from "../../scripts/commands/retention";
import type { CommandContext } from "../../scripts/commands/types";
import { addAnswer, addParticipant, codingStudyForTests, createCodingFixture, type CodingFixture } from "../coding/fixtures";
import type { DB } from "../../db/index";

const study = codingStudyForTests();
const TODAY = "2027-06-15";

/** Every value of every row of every table, as a pg_dump would hold them. */
async function dumpDatabase(db: DB): Promise<string> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(db);
  const parts: string[] = [];
  for (const { table_name } of tables.rows) {
    const rows = await sql<{ row: string }>`select row_to_json(t)::text as row from ${sql.table(table_name)} t`.execute(db);
    parts.push(...rows.rows.map((r) => `${table_name}: ${r.row}`));
  }
  return parts.join("\n");
}

async function setRetention(
  db: DB,
  fx: CodingFixture,
  settings: { retention_until?: string | null; retention_months_after_close?: number | null },
) {
  const row = await db.selectFrom("study").select("settings").where("id", "=", fx.scope.studyId).executeTakeFirstOrThrow();
  await db
    .updateTable("study")
    .set({ settings: JSON.stringify({ ...(row.settings as object), ...settings }), status: "open" })
    .where("id", "=", fx.scope.studyId)
    .execute();
}

/** A study with one participant's answer and a focus group whose facilitator and participant both spoke. */
async function studyWithWords(db: DB, marker: string) {
  const fx = await createCodingFixture(db);
  const person = await addParticipant(db, fx);
  await addAnswer(db, fx, person, `${marker}-answer what helped was the tea`);
  const session = await createGathering(db, fx.scope, fx.users.researcher, { kind: "focus_group", label: "Group", heldOn: "2027-01-10" });
  await addAttendee(db, fx.scope, session, person);
  await importTranscript(db, fx.scope, session, {
    source: `Facilitator: ${marker}-facilitator asked about the clinic\nAmal: ${marker}-turn the waiting was hard`,
    language: "en",
    mapping: { Facilitator: { role: "facilitator" }, Amal: { role: "participant", participantId: person } },
  });
  return fx;
}

function cli(db: DB) {
  const out: string[] = [];
  const ctx: CommandContext = {
    out: (line) => out.push(line),
    err: (line) => out.push(line),
    env: {} as NodeJS.ProcessEnv,
    openDb: async () => ({ db }) as Awaited<ReturnType<CommandContext["openDb"]>>,
  };
  return { out, ctx };
}

describe("the schedule", () => {
  const settings = (s: object) => parseStudySettings(s);
  it("erases the day after the date kept until, and warns 30 and 7 days ahead", () => {
    const on = (today: string) =>
      retentionStatusOn({ settings: settings({ retention_until: "2027-06-30" }), closedOn: null, holds: [], erased: null }, today);
    expect(on("2027-05-31")).toMatchObject({ erasesOn: "2027-07-01", daysLeft: 31, warning: null });
    expect(on("2027-06-01")).toMatchObject({ daysLeft: 30, warning: 30 });
    expect(on("2027-06-24")).toMatchObject({ daysLeft: 7, warning: 7 });
    expect(on("2027-07-01")).toMatchObject({ daysLeft: 0, warning: "due" });
  });

  it("counts months from the day the study closed, and nothing while it is open", () => {
    const s = settings({ retention_months_after_close: 6 });
    expect(retentionStatusOn({ settings: s, closedOn: null, holds: [], erased: null }, TODAY).erasesOn).toBeNull();
    expect(retentionStatusOn({ settings: s, closedOn: "2027-01-31", holds: [], erased: null }, TODAY).scheduledUntil).toBe("2027-07-31");
    expect(addMonths("2027-01-31", 1)).toBe("2027-02-28");
    expect(addDays("2027-12-31", 1)).toBe("2028-01-01");
  });
});

describe("a retention run", () => {
  it("leaves nothing of any participant's words in a study past its date, and keeps the counts", async () => {
    const due = await studyWithWords(study.db, "QXDUE");
    const later = await studyWithWords(study.db, "QXLATER");
    await setRetention(study.db, due, { retention_until: addDays(TODAY, -1) });
    await setRetention(study.db, later, { retention_until: addDays(TODAY, 20) });
    expect(await dumpDatabase(study.db)).toContain("QXDUE-facilitator");

    const results = await runRetention(study.db, { today: TODAY, organisationId: due.scope.organisationId });
    expect(results).toEqual([
      expect.objectContaining({ slug: due.studySlug, participants: 1, responses: 1, answers: 1, segments: 2, dueOn: TODAY }),
    ]);
    const dump = await dumpDatabase(study.db);
    expect(dump).not.toContain("QXDUE");
    // Another study, not yet due, keeps everything.
    expect(dump).toContain("QXLATER-answer");
    expect(dump).toContain("QXLATER-facilitator");

    const status = (await retentionStatus(study.db, due.scope.studyId, TODAY))!;
    expect(status.erased).toMatchObject({ participants: 1, answers: 1, segments: 2 });
    const row = await study.db.selectFrom("study").select(["status"]).where("id", "=", due.scope.studyId).executeTakeFirstOrThrow();
    expect(row.status).toBe("closed");
    const audit = await study.db
      .selectFrom("audit_event")
      .select(["detail", "subject"])
      .where("action", "=", "retention_erased")
      .where("organisation_id", "=", due.scope.organisationId)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.detail).toMatchObject({ participants: 1, answers: 1, segments: 2 });

    // Safe to run again (cron and the daily run together): nothing more happens.
    expect(await runRetention(study.db, { today: TODAY, studyId: due.scope.studyId })).toEqual([]);
  });

  it("leaves a study kept longer by an admin alone until the new date, recording who and why", async () => {
    const held = await studyWithWords(study.db, "QXHELD");
    await setRetention(study.db, held, { retention_until: addDays(TODAY, -1) });
    const reason = "Follow-up interviews with the same cohort are booked; erasure now would end the longitudinal analysis.";
    const saved = await recordRetentionHold(
      study.db,
      {
        organisationId: held.scope.organisationId,
        studyId: held.scope.studyId,
        keepUntil: "2027-12-31",
        reason,
        actorUserId: held.users.researcher,
      },
      TODAY,
    );
    expect(saved).toEqual({ ok: true });
    expect(await runRetention(study.db, { today: TODAY, studyId: held.scope.studyId })).toEqual([]);
    expect(await dumpDatabase(study.db)).toContain("QXHELD-turn");

    const status = (await retentionStatus(study.db, held.scope.studyId, TODAY))!;
    expect(status.hold).toMatchObject({ keepUntil: "2027-12-31", reason, recordedBy: held.users.researcher });
    expect(status.erasesOn).toBe("2028-01-01");
    const audit = await study.db
      .selectFrom("audit_event")
      .select(["actor_user_id", "detail"])
      .where("action", "=", "retention_hold_recorded")
      .where("subject", "=", held.studySlug)
      .executeTakeFirstOrThrow();
    expect(audit.actor_user_id).toBe(held.users.researcher);
    expect(audit.detail).toMatchObject({ keepUntil: "2027-12-31", reason });

    // On the day after the new date, the run erases it.
    const erased = await runRetention(study.db, { today: "2028-01-01", studyId: held.scope.studyId });
    expect(erased).toHaveLength(1);
    expect(await dumpDatabase(study.db)).not.toContain("QXHELD");
  });

  it("refuses a hold without a reason, with an earlier date, or for another organisation's study, writing nothing", async () => {
    const fx = await studyWithWords(study.db, "QXREFUSE");
    const other = await createCodingFixture(study.db);
    await setRetention(study.db, fx, { retention_until: "2027-07-01" });
    const hold = (input: { keepUntil?: string; reason?: string; organisationId?: string }) =>
      recordRetentionHold(
        study.db,
        {
          organisationId: input.organisationId ?? fx.scope.organisationId,
          studyId: fx.scope.studyId,
          keepUntil: input.keepUntil ?? "2027-09-01",
          reason: input.reason ?? "The analysis is not finished.",
          actorUserId: fx.users.researcher,
        },
        TODAY,
      );
    expect(await hold({ reason: "   " })).toEqual({ ok: false, error: "reason_missing" });
    expect(await hold({ keepUntil: "2027-06-30" })).toEqual({ ok: false, error: "not_later" });
    expect(await hold({ keepUntil: "not a date" })).toEqual({ ok: false, error: "date" });
    expect(await hold({ organisationId: other.scope.organisationId })).toEqual({ ok: false, error: "not_found" });
    const holds = await study.db.selectFrom("retention_hold").select("id").where("study_id", "=", fx.scope.studyId).execute();
    expect(holds).toHaveLength(0);
  });
});

describe("warnings and the command line", () => {
  it("warns 30 and 7 days ahead on the dashboard's list and in `retention status`, and runs from `retention run`", async () => {
    const soon = await studyWithWords(study.db, "QXSOON");
    await setRetention(study.db, soon, { retention_until: addDays(TODAY, 5) });
    expect(await retentionWarnings(study.db, soon.scope.organisationId, TODAY)).toEqual([
      { slug: soon.studySlug, erasesOn: addDays(TODAY, 6), daysLeft: 6, warning: 7 },
    ]);

    const status = cli(study.db);
    expect(await retentionStatusCommand.run(["--study", soon.studySlug, "--today", TODAY], status.ctx)).toBe(3);
    expect(status.out.join("\n")).toMatch(/erased on 2027-06-21, in 6 day\(s\)\. WARNING: 7 days or fewer/);

    const dry = cli(study.db);
    await retentionRunCommand.run(["--study", soon.studySlug, "--today", addDays(TODAY, 6), "--dry-run"], dry.ctx);
    expect(dry.out.join("\n")).toMatch(/Would erase .*1 participant\(s\)/);
    expect(await dumpDatabase(study.db)).toContain("QXSOON-turn");

    const run = cli(study.db);
    await retentionRunCommand.run(["--study", soon.studySlug, "--today", addDays(TODAY, 6)], run.ctx);
    expect(run.out.join("\n")).toMatch(/^Erased .*2 transcript turn\(s\)\.$/);
    expect(await dumpDatabase(study.db)).not.toContain("QXSOON");
  });
});
