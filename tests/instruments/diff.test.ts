import { afterEach, describe, expect, it } from "vitest";
import { diffInstrumentVersions, renderDiff } from "../../app/instruments/diff";
import { loadInstrumentsFromDir } from "../../app/instruments/load.server";
import { instrumentFolder, surveyV1, surveyV1Cy } from "../support/instrument-fixtures";

let folder: ReturnType<typeof instrumentFolder>;
afterEach(() => folder?.cleanup());

describe("diffing instrument versions", () => {
  it("lists added, removed and changed parts and every changed text per language", () => {
    folder = instrumentFolder();
    folder.write("survey/1/instrument.yaml", surveyV1);
    folder.write("survey/1/cy.yaml", surveyV1Cy);
    folder.write(
      "survey/2/instrument.yaml",
      surveyV1
        .replace("version: 1", "version: 2")
        .replace("Did you come to the group?", "Did you come to the group this month?")
        .replace("          - { value: monthly, label: Every month }\n", "          - { value: daily, label: Every day }\n")
        .replace(
          "      - id: comments\n        type: long_text\n        text: Anything else?\n",
          "      - id: mood\n        type: scale_0_10\n        text: How do you feel?\n        scale: { min: 0, max: 10, labels: { 0: Bad, 10: Good } }\n",
        ),
    );
    folder.write(
      "survey/2/cy.yaml",
      surveyV1Cy
        .replace("status: reviewed\n  reviewed_by: peer_researcher", "status: draft\n  reviewed_by: null")
        .replace("  items.how_often.options.monthly.label: Bob mis\n", "  items.how_often.options.daily.label: Bob dydd\n")
        .replace("  items.comments.text: Unrhyw beth arall?\n", "  items.mood.text: Sut ydych chi'n teimlo?\n  items.mood.scale.labels.0: Gwael\n  items.mood.scale.labels.10: Da\n"),
    );
    const { versions, problems } = loadInstrumentsFromDir(folder.dir);
    expect(problems).toEqual([]);
    const [v1, v2] = versions;
    const diff = diffInstrumentVersions(v1!, v2!);
    expect(diff.items).toEqual({
      added: ["mood"],
      removed: ["comments"],
      changed: [{ id: "how_often", changes: [
        { property: "options.monthly", from: "present", to: undefined },
        { property: "options.daily", from: undefined, to: "present" },
      ] }],
    });
    expect(diff.sections.changed).toEqual([
      { id: "main", changes: [{ property: "items", from: ["attended", "how_often", "comments"], to: ["attended", "how_often", "mood"] }] },
    ]);
    expect(diff.texts).toContainEqual({
      key: "items.attended.text",
      language: "en",
      change: "changed",
      from: "Did you come to the group?",
      to: "Did you come to the group this month?",
    });
    expect(diff.texts).toContainEqual({ key: "items.mood.scale.labels.10", language: "cy", change: "added", to: "Da" });
    expect(diff.texts).toContainEqual({ key: "items.comments.text", language: "en", change: "removed", from: "Anything else?" });
    expect(diff.languages.reviewChanged).toEqual([{ language: "cy", from: "reviewed by peer_researcher", to: "draft" }]);

    const text = renderDiff(diff);
    expect(text.split("\n").slice(0, 6)).toEqual([
      "survey: version 1 → 2",
      "  ~ section main",
      '      items: ["attended","how_often","comments"] → ["attended","how_often","mood"]',
      "  + item mood",
      "  - item comments",
      "  ~ item how_often",
    ]);
    expect(text).toContain('    [en] items.attended.text:\n        - "Did you come to the group?"\n        + "Did you come to the group this month?"');
    expect(text).toContain("  ~ cy review: reviewed by peer_researcher → draft");
    expect(renderDiff(diffInstrumentVersions(v1!, v1!))).toBe("survey: version 1 → 1\n  no differences");
  });
});
