import { describe, expect, it } from "vitest";
import { createTheme } from "../../app/coding/codebook.server";
import { applyTheme } from "../../app/coding/codings.server";
import { coOccurrence, themeCounts, themeExtracts } from "../../app/coding/theme-views.server";
import { readUnits } from "../../app/consent/units.server";
import { addAttendee, createGathering, importTranscript, updateTurns } from "../../app/fieldwork/gatherings.server";
import { addAnswer, addParticipant, withdraw, codingStudyForTests } from "./fixtures";

const study = codingStudyForTests();

describe("theme views", () => {
  it("counts people, not mentions, by language, source and cohort; co-occurrence; extracts; erasure removes them", async () => {
    const cohort = await study.db
      .insertInto("cohort")
      .values({ study_id: study.fx.scope.studyId, name: "Cardiff", starts_on: null, ends_on: null })
      .returning("id")
      .executeTakeFirstOrThrow();
    const care = (await createTheme(study.db, study.fx.scope, null, { name: "Care" })).id;
    const time = (await createTheme(study.db, study.fx.scope, null, { name: "Time" })).id;
    const ar = await addParticipant(study.db, study.fx, { language: "ar", cohortId: cohort.id });
    const cy = await addParticipant(study.db, study.fx, { language: "cy" });
    const session = await createGathering(study.db, study.fx.scope, null, { kind: "focus_group", label: "FG1", heldOn: "2026-03-01" });
    await addAttendee(study.db, study.fx.scope, session, ar);
    await addAttendee(study.db, study.fx.scope, session, cy);
    await importTranscript(study.db, study.fx.scope, session, {
      source: "F: Hello\nA: They cared about me. They cared a lot.\nC: Roedd amser i wella.\nA: Time to heal matters.",
      language: "en",
      mapping: { F: { role: "facilitator" }, A: { role: "participant", participantId: ar }, C: { role: "participant", participantId: cy } },
    });
    const units = [...(await readUnits(study.db, study.fx.scope, "analysis", { sessionId: session })).values()];
    const [facilitator, a1, c1, a2] = units;
    // Welsh in Latin letters reads as the transcript's English at upload; the researcher corrects it (ADR 063)
    await updateTurns(study.db, study.fx.scope, session, [{ segmentId: c1!.key.slice(2), language: "cy" }]);
    await applyTheme(study.db, study.fx.scope, study.fx.users.researcher, { unit: a1!.key, themeId: care, start: 0, end: 20 });
    await applyTheme(study.db, study.fx.scope, study.fx.users.researcher, { unit: a1!.key, themeId: care, start: 21, end: 38 });
    await applyTheme(study.db, study.fx.scope, study.fx.users.second, { unit: a1!.key, themeId: care, start: 0, end: 20 });
    await applyTheme(study.db, study.fx.scope, study.fx.users.researcher, { unit: a2!.key, themeId: time, start: 0, end: 12 });
    await applyTheme(study.db, study.fx.scope, study.fx.users.researcher, { unit: c1!.key, themeId: time, start: 0, end: 5 });
    await applyTheme(study.db, study.fx.scope, study.fx.users.researcher, { unit: facilitator!.key, themeId: care, start: 0, end: 5 });
    const answer = await addAnswer(study.db, study.fx, cy, "Time mattered most", "what_helped", "cy");
    await applyTheme(study.db, study.fx.scope, study.fx.users.researcher, { unit: answer, themeId: time, start: 0, end: 4 });

    const counts = await themeCounts(study.db, study.fx.scope);
    const c = counts.find((x) => x.themeId === care)!;
    // by the language the words were said in (the turn's), not the participant's page language: the
    // person who reads Arabic pages said these in English
    expect(c).toMatchObject({ people: 1, mentions: 3, byLanguage: { en: 1 }, bySource: { focus_group: 1 }, byCohort: { Cardiff: 1 } });
    const tm = counts.find((x) => x.themeId === time)!;
    expect(tm).toMatchObject({
      people: 2,
      byLanguage: { en: 1, cy: 1 },
      bySource: { focus_group: 2, answer: 1 },
      byCohort: { Cardiff: 1, "": 1 },
    });

    const co = await coOccurrence(study.db, study.fx.scope);
    const i = co.themes.findIndex((x) => x.id === care);
    const j = co.themes.findIndex((x) => x.id === time);
    expect([co.matrix[i]![i], co.matrix[i]![j], co.matrix[j]![j]]).toEqual([1, 1, 2]);

    const extracts = await themeExtracts(study.db, study.fx.scope, time);
    expect(extracts.map((e) => e.extract)).toEqual(expect.arrayContaining(["Time to heal", "Roedd", "Time"]));

    await withdraw(study.db, ar, "erase");
    const after = await themeCounts(study.db, study.fx.scope);
    expect(after.find((x) => x.themeId === care)!.people).toBe(0);
    expect(after.find((x) => x.themeId === time)!.people).toBe(1);
    expect((await themeExtracts(study.db, study.fx.scope, care)).length).toBe(0);
  });
});
