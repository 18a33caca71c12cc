import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createTheme } from "../../app/coding/codebook.server";
import { applyTheme } from "../../app/coding/codings.server";
import { exportQdpx, redactWithOffsets } from "../../app/coding/qdpx.server";
import { addRedaction } from "../../app/coding/redactions.server";
import { sliceCodePoints, utf16ToCodePoint } from "../../app/coding/spans";
import { readUnits } from "../../app/consent/units.server";
import { addAttendee, createGathering, importTranscript } from "../../app/fieldwork/gatherings.server";
import { addAnswer, addParticipant, withdraw, codingStudyForTests } from "./fixtures";

// A copy of ../shared/refi-qda/Project.xsd (REFI-QDA 1.0, MIT, notice inside), so a clean clone validates too.
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

describe("redaction with offsets", () => {
  it("maps coding offsets through markers", () => {
    const { text, map } = redactWithOffsets("Call 07700 900123 now 🙏 ok", [
      { id: "x", unit: "u", start: 5, end: 17, kind: "phone", status: "confirmed" },
    ]);
    expect(text).toBe("Call [redacted: phone] now 🙏 ok");
    expect(sliceCodePoints(text, map(18, "start"), map(21, "end"))).toBe("now");
    expect(sliceCodePoints(text, map(6, "start"), map(17, "end"))).toBe("[redacted: phone]");
  });
});

describe("REFI-QDA export", () => {
  it("is a zip whose project.qde is valid against the REFI-QDA schema, with redacted sources and matching offsets", async () => {
    const parent = await createTheme(study.db, study.fx.scope, null, {
      name: "Care & <trust>",
      definition: "When people feel cared for",
      useWhen: "kindness",
    });
    const child = await createTheme(study.db, study.fx.scope, null, { name: "Interpreters", parentId: parent.id });
    const a = await addParticipant(study.db, study.fx, { language: "ar" });
    const gone = await addParticipant(study.db, study.fx);
    const session = await createGathering(study.db, study.fx.scope, null, {
      kind: "interview",
      label: "Interview 1",
      heldOn: "2026-02-03",
    });
    await addAttendee(study.db, study.fx.scope, session, a);
    await addAttendee(study.db, study.fx.scope, session, gone);
    await importTranscript(study.db, study.fx.scope, session, {
      source: "I: How was it?\nA: مرحبا 🙏 my caseworker Sara 07700 900123 was kind\nG: ERASED-WORDS",
      language: "ar",
      mapping: {
        I: { role: "facilitator" },
        A: { role: "participant", participantId: a },
        G: { role: "participant", participantId: gone },
      },
    });
    const units = [...(await readUnits(study.db, study.fx.scope, "analysis", { sessionId: session })).values()];
    const seg = units[1]!;
    await addRedaction(study.db, study.fx.scope, study.fx.users.researcher, seg.key, { start: 22, end: 26 }, "name");
    const kind = utf16ToCodePoint(seg.text, seg.text.indexOf("kind"));
    await applyTheme(study.db, study.fx.scope, study.fx.users.researcher, { unit: seg.key, themeId: child.id, start: 0, end: 7 });
    await applyTheme(study.db, study.fx.scope, study.fx.users.second, {
      unit: seg.key,
      themeId: parent.id,
      start: kind - 1,
      end: kind + 4,
    });
    const answer = await addAnswer(study.db, study.fx, a, "Ŵyr — the kindness");
    await applyTheme(study.db, study.fx.scope, study.fx.users.second, { unit: answer, themeId: parent.id, start: 6, end: 18 });
    await withdraw(study.db, gone, "erase");

    const result = await exportQdpx(study.db, study.fx.scope, { userId: study.fx.users.researcher, via: "workspace" });
    expect(result.xml).toContain('xmlns="urn:QDA-XML:project:1.0"');
    expect(result.xml).not.toContain("ERASED-WORDS");
    const all = result.sources.map((s) => s.text).join("\n");
    expect(all).not.toContain("Sara");
    expect(all).not.toContain("ERASED-WORDS");
    // mostly Latin letters: the study's Latin-script language, though the transcript was given as Arabic (ADR 063)
    expect(all).toContain("Participant 1 (en): مرحبا 🙏");
    // every selection's offsets cover the coded words in the source text (code points)
    const texts = new Map(result.sources.map((s) => [s.guid, s.text]));
    const selected: string[] = [];
    for (const m of result.xml.matchAll(/<TextSource guid="([^"]+)"[\s\S]*?<\/TextSource>/g)) {
      // coded selections (a participant's whole turn is an uncoded, named selection for their case)
      for (const sel of m[0].matchAll(/<PlainTextSelection guid="[^"]+" startPosition="(\d+)" endPosition="(\d+)"/g))
        selected.push(sliceCodePoints(texts.get(m[1]!)!, Number(sel[1]), Number(sel[2])));
    }
    expect(selected.sort()).toEqual([" kind", "the kindness", "مرحبا 🙏"].sort());

    const dir = mkdtempSync(path.join(tmpdir(), "qdpx-"));
    writeFileSync(path.join(dir, "project.qdpx"), result.zip);
    const listing = execFileSync("unzip", ["-l", path.join(dir, "project.qdpx")]).toString();
    expect(listing).toContain("project.qde");
    expect(listing).toContain(`sources/${result.sources[0]!.guid}.txt`);
    execFileSync("unzip", ["-o", "-q", path.join(dir, "project.qdpx"), "-d", dir]);
    if (hasXmllint()) {
      // throws (non-zero exit) when the document is not valid against the schema
      execFileSync("xmllint", ["--noout", "--schema", SCHEMA, path.join(dir, "project.qde")], { stdio: "pipe" });
    } else if (process.env.CI) {
      throw new Error("xmllint is not installed; .ci/run installs it (libxml2-utils) so CI always validates");
    } else {
      console.warn("xmllint not installed (apt-get install libxml2-utils): schema validation skipped");
    }
    const audit = await study.db.selectFrom("audit_event").select("detail").where("action", "=", "export").execute();
    expect(audit.at(-1)!.detail).toMatchObject({ export: "qdpx", rows: 3 });
  });
});
