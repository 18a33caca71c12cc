/**
 * A participant's copy of their consent (issue 17 part 3), through the domain: each statement of the
 * version they agreed to, their choice then and now with the day it changed, and no record of another
 * study's participant reachable by changing the study.
 */
import { describe, expect, it } from "vitest";
import { consentCopy, longDate, maskedCode } from "../../app/participants/consent-copy.server";
import { changeConsentChoices } from "../../app/participants/withdrawal.server";
import { demoStudyForTests, enrol } from "./fixtures";

const fx = demoStudyForTests();

describe("a copy of what a participant agreed to", () => {
  it("lists every statement of the consent form with the choice made", async () => {
    const { participantId } = await enrol(fx, { quotes: true });
    const copy = (await consentCopy(fx.database.db, { studyId: fx.study.id, participantId, language: "en" }))!;
    expect(copy.formVersion).toBeGreaterThanOrEqual(1);
    expect(copy.method).toBe("online");
    expect(copy.formTitle.text.length).toBeGreaterThan(3);
    const byId = new Map(copy.statements.map((s) => [s.id, s]));
    expect(byId.get("agree_to_take_part")).toMatchObject({ required: true, agreedThen: true, agreedNow: true });
    expect(byId.get("quotes")).toMatchObject({ required: false, agreedThen: true, agreedNow: true });
    expect(byId.get("audio_recording")).toMatchObject({ required: false, agreedThen: false, agreedNow: false });
    expect(byId.get("quotes")!.changedOn).toBeUndefined();
  });

  it("shows a later change of mind about quotes, with its date, next to the first answer", async () => {
    const { participantId } = await enrol(fx, { quotes: true });
    await changeConsentChoices(fx.database.db, { studyId: fx.study.id, participantId, choices: { quotes: false } });
    const copy = (await consentCopy(fx.database.db, { studyId: fx.study.id, participantId, language: "en" }))!;
    const quotes = copy.statements.find((s) => s.id === "quotes")!;
    expect(quotes).toMatchObject({ agreedThen: true, agreedNow: false });
    expect(quotes.changedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("gives the statements in the page's language", async () => {
    const { participantId } = await enrol(fx);
    const en = (await consentCopy(fx.database.db, { studyId: fx.study.id, participantId, language: "en" }))!;
    const ar = (await consentCopy(fx.database.db, { studyId: fx.study.id, participantId, language: "ar" }))!;
    expect(ar.statements.map((s) => s.id)).toEqual(en.statements.map((s) => s.id));
    expect(ar.statements[0]!.text).not.toBe(en.statements[0]!.text);
    expect(ar.statements[0]!.text).toMatch(/[\u0600-\u06FF]/);
  });

  it("finds nothing for a participant of the study asked about under another study", async () => {
    const { participantId } = await enrol(fx);
    const other = await fx.database.db.selectFrom("study").select("id").where("id", "!=", fx.study.id).executeTakeFirst();
    const wrongStudy = other?.id ?? "00000000-0000-4000-8000-000000000000";
    expect(await consentCopy(fx.database.db, { studyId: wrongStudy, participantId, language: "en" })).toBeUndefined();
  });

  it("hides all but the last two characters of a code, and writes dates out in the language", () => {
    expect(maskedCode("ABCD-EFGH-JKLM-NP23")).toBe("••••••••••••••23");
    expect(maskedCode("ABCD-EFGH-JKLM-NP23")).not.toContain("ABCD");
    expect(longDate("2026-12-05", "en")).toBe("5 December 2026");
    expect(longDate("2026-12-05", "cy")).toMatch(/2026/);
  });
});
