import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { createTheme } from "../../app/coding/codebook.server";
import { applyTheme } from "../../app/coding/codings.server";
import {
  exportAnswersLong,
  exportAnswersWide,
  exportCodebook,
  exportCodedSpans,
  exportDataDictionary,
} from "../../app/coding/exports.server";
import { addRedaction } from "../../app/coding/redactions.server";
import { answerBatches } from "../../app/consent/gate.server";
import { addAnswer, addParticipant, withdraw, codingStudyForTests } from "./fixtures";

const study = codingStudyForTests();

function parse(csv: string) {
  expect(csv.startsWith("\uFEFF")).toBe(true);
  return Papa.parse<string[]>(csv.slice(1).trimEnd()).data;
}

describe("analysis exports", () => {
  it("writes answers long and wide with a data dictionary, redacted, without erased participants, audited", async () => {
    const a = await addParticipant(study.db, study.fx, { language: "cy" });
    const b = await addParticipant(study.db, study.fx);
    const gone = await addParticipant(study.db, study.fx);
    const unit = await addAnswer(study.db, study.fx, a, "Diolch i Rhodri am y gŵr 🙂");
    await addAnswer(study.db, study.fx, a, "=1+2", "short_note");
    await addAnswer(study.db, study.fx, b, "Safe here");
    await addAnswer(study.db, study.fx, gone, "ERASED-ANSWER");
    await addRedaction(study.db, study.fx.scope, study.fx.users.researcher, unit, { start: 9, end: 15 }, "name");
    await withdraw(study.db, gone, "erase");

    let long = "";
    const rows = await exportAnswersLong(study.db, study.fx.scope, { userId: study.fx.users.researcher, via: "workspace" }, (c) => {
      long += c;
    });
    expect(rows).toBe(3);
    const table = parse(long);
    expect(table[0]).toEqual(["respondent", "instrument", "version", "timepoint", "language", "mode", "month", "item", "value"]);
    expect(long).toContain("Diolch i [redacted: name] am y gŵr 🙂");
    expect(long).not.toContain("Rhodri");
    expect(long).not.toContain("ERASED");
    expect(long).toContain("'=1+2");
    expect(table[1]![0]).toMatch(/^[2-9A-Z]{10}$/);

    let wide = "";
    expect(
      await exportAnswersWide(study.db, study.fx.scope, { userId: null, via: "cli" }, (c) => {
        wide += c;
      }),
    ).toBe(2);
    const w = parse(wide);
    const column = w[0]!.findIndex((c) => c.endsWith(".what_helped"));
    expect(column).toBeGreaterThan(6);
    expect(
      w
        .slice(1)
        .map((r) => r[column])
        .sort(),
    ).toEqual(["Diolch i [redacted: name] am y gŵr 🙂", "Safe here"]);

    const dictionary = parse(await exportDataDictionary(study.db, study.fx.scope, { userId: null, via: "cli" }));
    expect(dictionary.map((r) => r[3])).toEqual(["item", "what_helped", "short_note", "liked"]);

    const theme = await createTheme(study.db, study.fx.scope, null, { name: "Gratitude" });
    await applyTheme(study.db, study.fx.scope, study.fx.users.researcher, { unit, themeId: theme.id, start: 0, end: 15 });
    const coded = await exportCodedSpans(study.db, study.fx.scope, { userId: null, via: "cli" });
    expect(coded.rows).toBe(1);
    expect(coded.csv).toContain("Diolch i [redacted: name]");
    expect(coded.csv).not.toContain("Rhodri");
    expect(await exportCodebook(study.db, study.fx.scope, { userId: study.fx.users.researcher, via: "workspace" })).toContain("Gratitude");
    // Every one of them audited in the domain function, so the command line's runs are too.
    const audit = await study.db
      .selectFrom("audit_event")
      .select(["detail", "actor_user_id"])
      .where("action", "=", "export")
      .orderBy("id")
      .execute();
    const details = audit.map((a) => a.detail as { export: string; rows: number; via: string; filter: unknown });
    expect(details.map((d) => d.export)).toEqual(["answers_long", "answers_wide", "data_dictionary", "coded_spans", "codebook"]);
    expect(details.map((d) => d.rows)).toEqual([3, 2, 3, 1, 1]);
    expect(details.map((d) => d.via)).toEqual(["workspace", "cli", "cli", "cli", "workspace"]);
    expect(details.every((d) => JSON.stringify(d.filter) === "{}")).toBe(true);
    expect(audit[4]!.actor_user_id).toBe(study.fx.users.researcher);
  });
});

describe("reading answers in batches", () => {
  it("returns every permitted answer exactly once, in order, however small the batch", async () => {
    const people = [
      await addParticipant(study.db, study.fx),
      await addParticipant(study.db, study.fx),
      await addParticipant(study.db, study.fx),
    ];
    for (const [i, p] of people.entries()) {
      await addAnswer(study.db, study.fx, p, `batch answer ${i}`);
      await addAnswer(study.db, study.fx, p, `batch note ${i}`, "short_note");
    }
    const whole: string[] = [];
    for await (const batch of answerBatches(study.db, study.fx.scope, "analysis"))
      for (const row of batch) whole.push(`${row.responseId}/${row.itemId}`);
    for (const size of [1, 2, 3]) {
      const pieces: string[] = [];
      for await (const batch of answerBatches(study.db, study.fx.scope, "analysis", size)) {
        expect(batch.length).toBeLessThanOrEqual(size);
        for (const row of batch) pieces.push(`${row.responseId}/${row.itemId}`);
      }
      expect(pieces).toEqual(whole);
    }
    expect(new Set(whole).size).toBe(whole.length);
    expect(whole.length).toBeGreaterThanOrEqual(6);
  });
});
