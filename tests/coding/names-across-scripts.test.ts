/**
 * Issue 14 item 7: a name on the redaction list is found in every script the study uses (a name in
 * Latin letters in Arabic turns, an Arabic-script name in English ones), only where the study's
 * languages use that script, and the redaction page shows the suggestions per turn or answer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setRedactionNames } from "../../app/coding/codings.server";
import { scriptsOfLanguages } from "../../app/coding/name-scripts";
import { findRedactionCandidates } from "../../app/coding/redaction";
import { redactionsFor, suggestRedactions } from "../../app/coding/redactions.server";
import { startTestApp, type TestApp } from "../support/app";
import { makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { addAnswer, addParticipant, createCodingFixture, type CodingFixture } from "./fixtures";

const names = (text: string, list: string[], languages: string[]) =>
  findRedactionCandidates(text, { names: list, scripts: scriptsOfLanguages(languages) })
    .filter((c) => c.kind === "name")
    .map((c) => c.text);

describe("names across scripts (pure)", () => {
  it("a Latin name is found in Arabic script, with the letter variants Arabic and Farsi writers use", () => {
    expect(names("قال أحمد إنه سيأتي، وأحمد أيضاً", ["Ahmed"], ["en", "ar"])).toEqual(["أحمد", "أحمد"]);
    expect(names("جاء محمد ثم مُحَمَّد", ["Mohammed"], ["en", "ar"])).toEqual(["محمد", "مُحَمَّد"]);
    expect(names("فاطمة وفاطمه", ["Fatima"], ["en", "ar"])).toEqual(["فاطمة", "فاطمه"]);
    // Persian ی and ک for Arabic ي and ك.
    expect(names("کریم آمد", ["Kareem"], ["en", "fa"])).toEqual(["کریم"]);
    expect(names("عبدالله و عبد الله", ["Abdullah"], ["en", "ar"])).toEqual(["عبدالله", "عبد الله"]);
  });

  it("an Arabic-script name is found in Latin letters, however it is spelt", () => {
    expect(names("I met Mohammed, Muhammad and Mohamed", ["محمد"], ["en", "ar"])).toEqual(["Mohammed", "Muhammad", "Mohamed"]);
    expect(names("Fatima, Fatemeh and Fatma came", ["فاطمة"], ["cy", "ar"])).toEqual(["Fatima", "Fatemeh", "Fatma"]);
    expect(names("Mahmoud said hello", ["محمود"], ["en", "ar"])).toEqual(["Mahmoud"]);
  });

  it("is conservative: whole words, no short skeletons, only the study's scripts", () => {
    // "Ali" would flag إلى ("to") in every sentence: short names are matched only as written.
    expect(names("ذهبت إلى السوق مع علي", ["Ali"], ["en", "ar"])).toEqual([]);
    // Not inside a longer word.
    expect(names("Muhammadiyah school", ["محمد"], ["en", "ar"])).toEqual([]);
    // No Arabic-script language in the study: a Latin name is not looked for in Arabic script…
    expect(names("قال أحمد", ["Ahmed"], ["en", "cy"])).toEqual([]);
    // …and an Arabic-only study does not look for an Arabic name in Latin letters.
    expect(names("Ahmed", ["أحمد"], ["ar"])).toEqual([]);
    // As written it is still found, whatever the study's languages.
    expect(names("Ahmed", ["Ahmed"], ["ar"])).toEqual(["Ahmed"]);
    expect(scriptsOfLanguages(["en", "cy"])).toEqual(["latin"]);
    expect(scriptsOfLanguages(["en", "fa"]).sort()).toEqual(["arabic", "latin"]);
  });
});

describe("names across scripts in the study, and the page per turn", () => {
  let app: TestApp;
  let fx: CodingFixture;
  let researcher: WorkspaceClient;
  let arabicAnswer: string;
  let englishAnswer: string;

  beforeAll(async () => {
    app = await startTestApp({ demo: false });
    fx = await createCodingFixture(app.db); // languages en, cy, ar
    await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "nia@names.test", role: "researcher" });
    researcher = new WorkspaceClient(app.url);
    expect((await researcher.signIn("nia@names.test", TEST_PASSWORD)).status).toBe(302);
    const amal = await addParticipant(app.db, fx, { language: "ar" });
    const ben = await addParticipant(app.db, fx, { language: "en" });
    arabicAnswer = await addAnswer(app.db, fx, amal, "ساعدني أحمد كثيراً، واتصل بي على 07700 900123", "what_helped", "ar");
    englishAnswer = await addAnswer(app.db, fx, ben, "My caseworker محمد and his colleague Mohammed helped.", "what_helped", "en");
    await setRedactionNames(app.db, fx.scope, ["Ahmed", "محمد"]);
  }, 180_000);
  afterAll(() => app?.close());

  it("suggests a Latin name in an Arabic answer and an Arabic name in an English one", async () => {
    await suggestRedactions(app.db, fx.scope);
    const stored = await redactionsFor(app.db, fx.scope, [arabicAnswer, englishAnswer]);
    const arabic = [..."ساعدني أحمد كثيراً، واتصل بي على 07700 900123"];
    const english = [..."My caseworker محمد and his colleague Mohammed helped."];
    const spans = (unit: string, chars: string[]) =>
      (stored.get(unit) ?? []).filter((r) => r.kind === "name").map((r) => chars.slice(r.start, r.end).join(""));
    expect(spans(arabicAnswer, arabic)).toEqual(["أحمد"]);
    expect(spans(englishAnswer, english)).toEqual(["محمد", "Mohammed"]);
  });

  it("groups the suggestions under the turn or answer they are in, with its text", async () => {
    const html = (await (await researcher.get(`/research/${fx.orgSlug}/studies/${fx.studySlug}/coding/redactions`)).text()).replace(
      /<!-- -->/g,
      "",
    );
    const sections = html.split('data-testid="redaction-unit"').slice(1);
    expect(sections).toHaveLength(2);
    const arabic = sections.find((s) => s.includes("ساعدني أحمد"))!;
    const english = sections.find((s) => s.includes("My caseworker"))!;
    // One heading per answer, with how many suggestions it holds, then those suggestions only.
    expect(arabic).toMatch(/Answer to question what_helped · 2 suggestions in this text/);
    expect(arabic.match(/data-testid="redaction-suggestion"/g)).toHaveLength(2);
    expect(english).toMatch(/2 suggestions in this text/);
    expect(english.match(/data-testid="redaction-suggestion"/g)).toHaveLength(2);
    expect(english).toContain('<mark class="coding-mark">Mohammed</mark>');
    expect(english).not.toContain("ساعدني");
  });

  it("a study without an Arabic-script language does not look for the Latin name in Arabic script", async () => {
    await app.db
      .updateTable("study")
      .set({ languages: ["en", "cy"] })
      .where("id", "=", fx.scope.studyId)
      .execute();
    await app.db.deleteFrom("redaction").where("study_id", "=", fx.scope.studyId).execute();
    await suggestRedactions(app.db, fx.scope);
    const stored = await redactionsFor(app.db, fx.scope, [arabicAnswer, englishAnswer]);
    expect((stored.get(arabicAnswer) ?? []).map((r) => r.kind)).toEqual(["phone"]);
    // Latin letters are still the study's script, so the Arabic name is still looked for in them.
    const english = [..."My caseworker محمد and his colleague Mohammed helped."];
    expect((stored.get(englishAnswer) ?? []).map((r) => english.slice(r.start, r.end).join(""))).toEqual(["محمد", "Mohammed"]);
  });
});
