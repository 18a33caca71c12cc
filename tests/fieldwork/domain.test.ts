import { describe, expect, it } from "vitest";
import { readSegments } from "../../app/consent/units.server";
import {
  addAttendee,
  createGathering,
  importTranscript,
  listGatherings,
  previewTranscript,
  GatheringError,
  setRecorded,
  setTranslation,
} from "../../app/fieldwork/gatherings.server";
import { addParticipant, createCodingFixture, withdraw, codingStudyForTests } from "../coding/fixtures";

const study = codingStudyForTests();

const TRANSCRIPT = [
  "Facilitator: Welcome. What helped you most?",
  "Amal: Having someone who speaks Arabic — شعرت بالأمان 🙏",
  "Interpreter: She says she felt safe.",
  "Ŵyn: Roedd y grŵp yn gynnes.",
  "Amal: And the tea.",
].join("\n");

describe("sessions", () => {
  it("cannot be marked recorded while an attendee has not agreed to audio recording", async () => {
    const session = await createGathering(study.db, study.fx.scope, study.fx.users.researcher, {
      kind: "focus_group",
      label: "Focus group A",
      heldOn: "2026-03-10",
      languages: ["en", "ar"],
      interpreter: "in_person",
    });
    const yes = await addParticipant(study.db, study.fx, { audio: true });
    const no = await addParticipant(study.db, study.fx, { audio: false });
    expect(await addAttendee(study.db, study.fx.scope, session, yes)).toBe(1);
    await setRecorded(study.db, study.fx.scope, session, true);
    expect((await listGatherings(study.db, study.fx.scope)).find((s) => s.id === session)?.recorded).toBe(true);
    // a later attendee without audio consent un-marks it, and marking is refused
    expect(await addAttendee(study.db, study.fx.scope, session, no)).toBe(2);
    expect((await listGatherings(study.db, study.fx.scope)).find((s) => s.id === session)?.recorded).toBe(false);
    await expect(setRecorded(study.db, study.fx.scope, session, true)).rejects.toMatchObject({
      reason: "audio_consent_missing",
      detail: { positions: [2] },
    });
  });

  it("refuses another organisation's study", async () => {
    const other = await createCodingFixture(study.db);
    await expect(
      createGathering(study.db, { organisationId: other.scope.organisationId, studyId: study.fx.scope.studyId }, null, {
        kind: "interview",
        label: "x",
        heldOn: "2026-01-01",
      }),
    ).rejects.toThrow(/No such study/);
  });
});

describe("transcripts", () => {
  it("maps every label to an attendee, the facilitator or the interpreter, stores ordered segments without the labels", async () => {
    const session = await createGathering(study.db, study.fx.scope, null, {
      kind: "focus_group",
      label: "Focus group B",
      heldOn: "2026-03-11",
    });
    const amal = await addParticipant(study.db, study.fx, { language: "ar" });
    const wyn = await addParticipant(study.db, study.fx, { language: "cy" });
    await addAttendee(study.db, study.fx.scope, session, amal);
    await addAttendee(study.db, study.fx.scope, session, wyn);
    expect(previewTranscript(TRANSCRIPT).labels).toEqual(["Facilitator", "Amal", "Interpreter", "Ŵyn"]);

    await expect(
      importTranscript(study.db, study.fx.scope, session, {
        source: TRANSCRIPT,
        language: "en",
        mapping: { Facilitator: { role: "facilitator" } },
      }),
    ).rejects.toMatchObject({ reason: "label_unmapped" });
    const stranger = await addParticipant(study.db, study.fx);
    await expect(
      importTranscript(study.db, study.fx.scope, session, {
        source: TRANSCRIPT,
        language: "en",
        mapping: {
          Facilitator: { role: "facilitator" },
          Amal: { role: "participant", participantId: stranger },
          Interpreter: { role: "interpreter" },
          Ŵyn: { role: "participant", participantId: wyn },
        },
      }),
    ).rejects.toBeInstanceOf(GatheringError);

    const added = await importTranscript(study.db, study.fx.scope, session, {
      source: TRANSCRIPT,
      language: "en",
      mapping: {
        Facilitator: { role: "facilitator" },
        Amal: { role: "participant", participantId: amal },
        Interpreter: { role: "interpreter" },
        Ŵyn: { role: "participant", participantId: wyn },
      },
    });
    expect(added).toBe(5);
    const segments = await readSegments(study.db, study.fx.scope, "analysis", { sessionId: session });
    expect(segments.map((s) => [s.position, s.speakerRole, s.participantId])).toEqual([
      [1, "facilitator", null],
      [2, "participant", amal],
      [3, "interpreter", null],
      [4, "participant", wyn],
      [5, "participant", amal],
    ]);
    expect(segments.map((s) => s.text).join(" ")).not.toContain("Amal");
    await setTranslation(
      study.db,
      study.fx.scope,
      study.fx.users.researcher,
      { segmentId: segments[1]!.key.slice(2) },
      "en",
      "I felt safe",
    );

    // erasure: Amal's segments (and their translation) go; everyone else's stay
    await withdraw(study.db, amal, "erase");
    const after = await readSegments(study.db, study.fx.scope, "analysis", { sessionId: session });
    expect(after.map((s) => s.position)).toEqual([1, 3, 4]);
    expect(await study.db.selectFrom("translation").selectAll().execute()).toHaveLength(0);
    const raw = await study.db.selectFrom("transcript_segment").select("text").execute();
    expect(raw.map((r) => r.text).join(" ")).not.toContain("شعرت");
  });
});
