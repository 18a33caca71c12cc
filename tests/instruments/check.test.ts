import { readdirSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { contentHash, formatProblem, loadInstrumentsFromDir } from "../../app/instruments/load.server";
import { runCli } from "../../scripts/cli";
import { instrumentFolder, surveyV1, surveyV1Cy } from "../support/instrument-fixtures";

let folder: ReturnType<typeof instrumentFolder>;
afterEach(() => folder?.cleanup());

function check() {
  folder ??= instrumentFolder();
  return loadInstrumentsFromDir(folder.dir).problems.map(formatProblem);
}

describe("instruments check", () => {
  it("loads a valid instrument with its translation", () => {
    folder = instrumentFolder();
    folder.write("survey/1/instrument.yaml", surveyV1);
    folder.write("survey/1/cy.yaml", surveyV1Cy);
    const { versions, problems } = loadInstrumentsFromDir(folder.dir);
    expect(problems).toEqual([]);
    expect(versions).toHaveLength(1);
    const [survey] = versions;
    expect(survey).toMatchObject({ id: "survey", version: 1, kind: "question_set" });
    expect(survey!.translations.cy!.review).toEqual({ status: "reviewed", reviewed_by: "peer_researcher" });
    expect(survey!.files).toEqual([folder.file("survey/1/instrument.yaml"), folder.file("survey/1/cy.yaml")]);
    expect(survey!.contentHash).toMatch(/^[0-9a-f]{64}$/);
    // Defaults are written into the definition, so a published version keeps its limits.
    const comments = survey!.definition.sections![0]!.items[2]!;
    expect(comments).toMatchObject({ type: "long_text", max_length: 5000 });
  });

  it("reports schema problems with path and line", () => {
    folder = instrumentFolder();
    folder.write(
      "broken/1/instrument.yaml",
      `
id: broken
version: 2
kind: questionnaire
title: Broken
sections:
  - id: main
    items:
      - id: attended
        type: yes_no
        text: Did you come?
        colour: red
      - id: rate
        type: rating
        text: 5
        scale: { min: 1, max: 3, labels: { one: Low } }
      - id: Bad-Id
        type: slider
`,
    );
    const file = folder.file("broken/1/instrument.yaml");
    expect(check()).toEqual([
      `${file}:2: version 2 does not match the folder name "1"`,
      `${file}:3: kind: must be one of information_sheet | consent_form | question_set | topic_guide | scored_measure, not "questionnaire"`,
      `${file}:11: item attended: unknown key "colour"`,
      `${file}:14: item rate, text: expected text, got 5`,
      `${file}:15: item rate, scale.labels.one: a scale label's key must be a whole number`,
      // The item's other keys are checked once its type is known.
      `${file}:17: item Bad-Id, type: must be one of heading | text | list | study_contact | prompt | yes_no | single_choice | multiple_choice | rating | scale_0_10 | number | short_text | long_text, not "slider"`,
    ]);
  });

  it("reports cross-reference problems: show_if, duplicates, scales, measures, bad ICU", () => {
    folder = instrumentFolder();
    folder.write(
      "wellbeing/1/instrument.yaml",
      `
id: wellbeing
version: 1
kind: scored_measure
title: How are you?
sections:
  - id: main
    items:
      - id: attended
        type: yes_no
        text: Did you come?
      - id: how_often
        type: single_choice
        text: How often, {name?
        show_if: { item: later, equals: "yes" }
        options:
          - { value: weekly, label: Every week }
          - { value: weekly, label: Each week }
      - id: later
        type: rating
        text: Rate it
        show_if: { item: attended, equals: maybe }
        scale: { min: 1, max: 3, labels: { 1: Low, 3: High } }
      - id: later
        type: heading
        text: Again
measures:
  - id: score
    name: Score
    items: [later, missing_item]
    reverse: [attended]
    method: sum
    range: { min: 0, max: 10 }
    higher_is_better: true
    bands:
      - { id: low, max: 5, label: Low }
      - { id: high, max: 10, label: High }
`,
    );
    const file = folder.file("wellbeing/1/instrument.yaml");
    expect(check()).toEqual([
      `${file}:13: items.how_often.text: not a valid ICU message: an argument name inside { } is malformed (at character 12); write a literal { or } as '{' or '}'`,
      `${file}:14: item how_often, show_if.item: show_if of item "how_often" names "later", which comes later; it must name an earlier item`,
      `${file}:17: option weekly, value: duplicate option value "weekly" in item "how_often"`,
      `${file}:21: item later, show_if.equals: show_if value "maybe" is not an answer of item "attended" (yes or no)`,
      `${file}:22: item later, scale.labels: a rating needs a label for every point; missing 2`,
      `${file}:23: item later, id: duplicate item id "later"`,
      `${file}:29: measure score, items[1]: measure "score" names unknown item "missing_item"`,
      `${file}:30: measure score, reverse[0]: reverse item "attended" is not one of measure "score"'s items`,
      `${file}:36: band high, max: the last band has no max (it takes every higher score)`,
    ]);
  });

  it("enforces the consent rules", () => {
    folder = instrumentFolder();
    folder.write(
      "consent/1/instrument.yaml",
      `
id: consent
version: 1
kind: consent_form
title: Consent
statements:
  - id: recording
    text: I agree to be recorded.
    required: false
  - id: quotes
    text: I agree to quotes.
    required: true
    flag: quotes
`,
    );
    folder.write("empty-consent/1/instrument.yaml", "id: empty-consent\nversion: 1\nkind: consent_form\ntitle: Consent\n");
    folder.write(
      "optional-consent/1/instrument.yaml",
      "id: optional-consent\nversion: 1\nkind: consent_form\ntitle: Consent\nstatements:\n  - { id: quotes, text: Quotes, required: false, flag: quotes }\n",
    );
    expect(check()).toEqual([
      `${folder.file("consent/1/instrument.yaml")}:6: statement recording: optional statement "recording" needs a flag (audio_recording | quotes)`,
      `${folder.file("consent/1/instrument.yaml")}:12: statement quotes, flag: required statement "quotes" must not carry a flag (only optional ones do)`,
      `${folder.file("empty-consent/1/instrument.yaml")}:1: a consent_form needs statements`,
      `${folder.file("optional-consent/1/instrument.yaml")}:6: statements: a consent_form needs at least one required statement`,
    ]);
  });

  it("accepts a consent form's rule for quote checks only with a quotes statement, and only on a consent form", () => {
    folder = instrumentFolder();
    const consent = (id: string, statements: string) =>
      `id: ${id}\nversion: 1\nkind: consent_form\ntitle: Consent\nquote_check:\n  silence: withhold\nstatements:\n${statements}`;
    folder.write("checked/1/instrument.yaml", consent("checked", "  - { id: take_part, text: Yes, required: true }\n  - { id: quotes, text: Quotes, required: false, flag: quotes }\n"));
    folder.write("no-quotes/1/instrument.yaml", consent("no-quotes", "  - { id: take_part, text: Yes, required: true }\n"));
    folder.write("silent/1/instrument.yaml", consent("silent", "  - { id: take_part, text: Yes, required: true }\n").replace("withhold", "maybe"));
    folder.write("sheet/1/instrument.yaml", "id: sheet\nversion: 1\nkind: information_sheet\ntitle: Sheet\nquote_check: { silence: publish }\nsections: []\n");
    const problems = check();
    expect(problems.filter((p) => p.includes("checked/"))).toEqual([]);
    expect(problems.some((p) => p.includes("no-quotes/") && p.includes("quote_check needs a statement with flag: quotes"))).toBe(true);
    expect(problems.some((p) => p.includes("silent/") && p.includes("silence"))).toBe(true);
    expect(problems.some((p) => p.includes("sheet/") && p.includes("quote_check is only for a consent_form"))).toBe(true);
  });

  it("reports translation problems: missing and extra keys, bad ICU, review, language", () => {
    folder = instrumentFolder();
    folder.write("survey/1/instrument.yaml", surveyV1);
    folder.write(
      "survey/1/cy.yaml",
      surveyV1Cy
        .replace("status: reviewed\n  reviewed_by: peer_researcher", "status: reviewed\n  reviewed_by: null")
        .replace("  items.how_often.options.monthly.label: Bob mis\n", "")
        .replace("Pa mor aml?", "Pa mor aml {name}?")
        .replace("Unrhyw beth arall?", "Unrhyw beth {arall")
        .concat("  items.colour.text: Lliw\n"),
    );
    folder.write("survey/1/xx.yaml", "language: xx\nreview: { status: draft }\nmessages: {}\n");
    folder.write("survey/1/fa.yaml", "language: ar\nreview: { status: draft, reviewed_by: Jane Smith }\nmessages: {}\n");
    const cy = folder.file("survey/1/cy.yaml");
    const fa = folder.file("survey/1/fa.yaml");
    const xx = folder.file("survey/1/xx.yaml");
    const problems = check();
    expect(problems).toEqual([
      `${cy}:1: missing message items.how_often.options.monthly.label`,
      `${cy}:3: a reviewed translation needs reviewed_by: the reviewer's role (e.g. peer_researcher)`,
      `${cy}:9: items.how_often.text: uses {name}, which the English text does not have`,
      `${cy}:11: items.comments.text: not a valid ICU message: a { is not closed (at character 13); write a literal { or } as '{' or '}'`,
      `${cy}:12: extra message items.colour.text: the base file has no such text`,
      `${fa}:2: review.reviewed_by: must be one of peer_researcher | researcher | facilitator | translator | admin | publisher, not "Jane Smith"`,
      `${xx}:1: language "xx" is not in the language registry (app/i18n/languages.ts)`,
      ...Array.from(
        ["title", "sections.main.title", "items.attended.text", "items.how_often.text", "items.how_often.options.weekly.label", "items.how_often.options.monthly.label", "items.comments.text"],
        (key) => `${xx}:1: missing message ${key}`,
      ),
    ]);
    // A version with a problem in any file is not loaded at all.
    expect(loadInstrumentsFromDir(folder.dir).versions).toEqual([]);
  });

  it("reports YAML syntax errors, folder mismatches and stray files", () => {
    folder = instrumentFolder();
    folder.write("survey/1/instrument.yaml", surveyV1.replace("text: Did you come to the group?", "text: [Did you come to the group?"));
    folder.write("other/1/instrument.yaml", surveyV1);
    folder.write("other/1/notes.txt", "hello");
    folder.write("other/v2/instrument.yaml", surveyV1);
    folder.write("Bad_Name/1/instrument.yaml", surveyV1);
    const problems = check();
    expect(problems).toContain(`${folder.file("other/1/instrument.yaml")}:1: id "survey" does not match the folder name "other"`);
    expect(problems).toContain(`${folder.file("other/1/notes.txt")}: unexpected file; a version folder holds instrument.yaml and <language>.yaml files only`);
    expect(problems).toContain(`${folder.file("other/v2")}: expected only version folders (1, 2, …) here`);
    expect(problems).toContain(`${folder.file("Bad_Name")}: an instrument folder name must be a kebab-case id, e.g. consent-form`);
    const yamlProblem = problems.find((p) => p.startsWith(`${folder.file("survey/1/instrument.yaml")}:`));
    // The unclosed [ is on line 11; YAML notices on the next line.
    expect(yamlProblem).toBe(
      `${folder.file("survey/1/instrument.yaml")}:12: YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    );
  });

  it("hashes every file with its name, ignoring line-ending style", () => {
    const files = [
      { name: "instrument.yaml", content: "id: a\n" },
      { name: "cy.yaml", content: "language: cy\n" },
    ];
    const hash = contentHash(files);
    expect(contentHash([...files].reverse())).toBe(hash);
    expect(contentHash(files.map((f) => ({ ...f, content: f.content.replace(/\n/g, "\r\n") })))).toBe(hash);
    expect(contentHash([files[0]!, { name: "ar.yaml", content: "language: cy\n" }])).not.toBe(hash);
    expect(contentHash([files[0]!, { name: "cy.yaml", content: "language: cy \n" }])).not.toBe(hash);
    expect(contentHash([files[0]!])).not.toBe(hash);
  });

  it("prints problems from the CLI and exits 1; prints a summary and exits 0 when valid", async () => {
    folder = instrumentFolder();
    folder.write("survey/1/instrument.yaml", surveyV1);
    folder.write("survey/1/cy.yaml", surveyV1Cy);
    const out: string[] = [];
    const io = { out: (line: string) => out.push(line), err: (line: string) => out.push(line) };
    expect(await runCli(["instruments", "check", "--dir", folder.dir], io)).toBe(0);
    expect(out).toEqual(["1 instrument, 1 version: all valid"]);

    folder.write("survey/2/instrument.yaml", surveyV1.replace("version: 1", "version: 2").replace("Anything else?", "Anything {else"));
    out.length = 0;
    expect(await runCli(["instruments", "check", "--dir", folder.dir], io)).toBe(1);
    expect(out).toEqual([
      `${folder.file("survey/2/instrument.yaml")}:21: items.comments.text: not a valid ICU message: a { is not closed (at character 10); write a literal { or } as '{' or '}'`,
      "1 problem found.",
    ]);
  });
});

describe("the real instruments folder", () => {
  const dir = path.resolve("instruments");
  it("has no problems", () => {
    const { problems } = loadInstrumentsFromDir(dir);
    expect(problems.map(formatProblem)).toEqual([]);
  });

  it("holds the study's instruments", () => {
    const { versions } = loadInstrumentsFromDir(dir);
    const ids = new Set(versions.map((v) => v.id));
    for (const id of [
      "consent-form",
      "information-sheet",
      "focus-group-questions",
      "interview-guide",
      "peer-support-wellbeing",
      "staff-training-feedback",
      "communication-feedback",
    ]) {
      expect(ids, `instruments/${id} (present: ${readdirSync(dir).join(", ")})`).toContain(id);
    }
  });
});
