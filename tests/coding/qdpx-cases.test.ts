/**
 * The QDPX project's cases and variables (issue 16 item 5): each consented participant is a case
 * named by their export pseudonym, with language, cohort and timepoints to compare by, tied to their
 * own responses and turns; valid against Project.xsd; an erased participant is no case at all.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { exportQdpx } from "../../app/coding/qdpx.server";
import { participantPseudonym } from "../../app/disclosure/pseudonyms";
import { addAttendee, createGathering, importTranscript } from "../../app/fieldwork/gatherings.server";
import { createCohort } from "../../app/wellbeing/cohorts.server";
import { addAnswer, addParticipant, codingStudyForTests, withdraw } from "./fixtures";

const SCHEMA = path.resolve(__dirname, "../fixtures/refi-qda/Project.xsd");

function hasXmllint() {
  try {
    execFileSync("xmllint", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const study = codingStudyForTests();

describe("QDPX cases and variables", () => {
  it("has a case per consented participant with language, cohort and timepoints, and none for an erased one", async () => {
    const { db, fx } = study;
    const cohort = await createCohort(db, fx.scope, { name: "Tuesday group", startsOn: null, endsOn: null, facilitatorIds: [] });
    const amal = await addParticipant(db, fx, { language: "ar", cohortId: cohort.id });
    const bryn = await addParticipant(db, fx, { language: "cy" });
    const gone = await addParticipant(db, fx, { language: "fa", cohortId: cohort.id });
    await addAnswer(db, fx, amal, "The group helped me");
    // A second timepoint for Amal, as a follow-up questionnaire would record it.
    const followUp = await db
      .insertInto("response")
      .values({
        participant_id: amal,
        study_id: fx.scope.studyId,
        instrument_version_id: fx.versionId,
        timepoint: "follow_up",
        language: "ar",
        interpreter: null,
        entered_by: null,
        started_on: "2026-06-01",
        completed_on: "2026-06-01",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("answer")
      .values({ response_id: followUp.id, item_id: "what_helped", value: JSON.stringify("Still going"), answered_on: "2026-06-01" })
      .execute();
    await addAnswer(db, fx, gone, "ERASED-WORDS");
    const session = await createGathering(db, fx.scope, null, { kind: "interview", label: "Interview B", heldOn: "2026-04-01" });
    await addAttendee(db, fx.scope, session, bryn);
    await importTranscript(db, fx.scope, session, {
      source: "I: Sut oedd hi?\nB: Roedd hi'n dda",
      language: "cy",
      mapping: { I: { role: "facilitator" }, B: { role: "participant", participantId: bryn } },
    });
    await withdraw(db, gone, "erase");

    const { xml, counts } = await exportQdpx(db, fx.scope, { userId: fx.users.researcher, via: "workspace" });
    expect(counts.cases).toBe(2);
    const variables = new Map(
      [...xml.matchAll(/<Variable guid="([^"]+)" name="([^"]+)" typeOfVariable="(\w+)"\/>/g)].map((m) => [m[2]!, m[1]!]),
    );
    expect([...variables.keys()]).toEqual(["Language", "Cohort", "Timepoints", "Timepoint: follow_up", "Timepoint: once"]);
    const caseOf = (participantId: string) => {
      const name = participantPseudonym(fx.scope.studyId, participantId);
      return new RegExp(`<Case guid="[^"]+" name="${name}">([\\s\\S]*?)</Case>`).exec(xml)?.[1];
    };
    const valueOf = (body: string, variable: string) =>
      new RegExp(`<VariableRef targetGUID="${variables.get(variable)}"/><\\w+Value>([^<]*)</\\w+Value>`).exec(body)?.[1];

    const amalCase = caseOf(amal)!;
    expect(valueOf(amalCase, "Language")).toBe("ar");
    expect(valueOf(amalCase, "Cohort")).toBe("Tuesday group");
    expect(valueOf(amalCase, "Timepoints")).toBe("follow_up, once");
    expect(valueOf(amalCase, "Timepoint: follow_up")).toBe("true");
    // Their questionnaire responses are their sources.
    expect([...amalCase.matchAll(/<SourceRef targetGUID="([^"]+)"\/>/g)]).toHaveLength(2);

    const brynCase = caseOf(bryn)!;
    expect(valueOf(brynCase, "Language")).toBe("cy");
    expect(valueOf(brynCase, "Cohort")).toBeUndefined();
    expect(valueOf(brynCase, "Timepoint: once")).toBe("false");
    // Their own turn in the interview, not the whole interview (the facilitator's words are not theirs).
    const selection = /<SelectionRef targetGUID="([^"]+)"\/>/.exec(brynCase)![1]!;
    expect(xml).toMatch(new RegExp(`<PlainTextSelection guid="${selection}" name="Participant 1 \\(cy\\), turn \\d+" startPosition`));

    expect(caseOf(gone)).toBeUndefined();
    expect(xml).not.toContain(participantPseudonym(fx.scope.studyId, gone));
    expect(xml).not.toContain("fa</TextValue>");

    const dir = mkdtempSync(path.join(tmpdir(), "qdpx-cases-"));
    writeFileSync(path.join(dir, "project.qde"), xml);
    if (hasXmllint()) {
      execFileSync("xmllint", ["--noout", "--schema", SCHEMA, path.join(dir, "project.qde")], { stdio: "pipe" });
    } else if (process.env.CI) {
      throw new Error("xmllint is not installed; .ci/run installs it (libxml2-utils) so CI always validates");
    } else {
      console.warn("xmllint not installed (apt-get install libxml2-utils): schema validation skipped");
    }
    const audit = await db.selectFrom("audit_event").select("detail").where("action", "=", "export").execute();
    expect(audit.at(-1)!.detail).toMatchObject({ export: "qdpx", cases: 2 });
  });
});
