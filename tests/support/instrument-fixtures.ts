import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** A throwaway instruments folder for one test; `file()` gives a path as problems report it. */
export function instrumentFolder() {
  const dir = mkdtempSync(path.join(tmpdir(), "tandem-instruments-"));
  return {
    dir,
    write(relative: string, content: string) {
      const full = path.join(dir, relative);
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, content.replace(/^\n/, ""));
    },
    remove(relative: string) {
      rmSync(path.join(dir, relative), { recursive: true, force: true });
    },
    file(relative: string) {
      return path.relative(process.cwd(), path.join(dir, relative));
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A small valid question set with one translation; lines matter to the tests that use it. */
export const surveyV1 = `
id: survey
version: 1
kind: question_set
title: Your views
sections:
  - id: main
    title: About the group
    items:
      - id: attended
        type: yes_no
        text: Did you come to the group?
      - id: how_often
        type: single_choice
        text: How often?
        show_if: { item: attended, equals: "yes" }
        options:
          - { value: weekly, label: Every week }
          - { value: monthly, label: Every month }
      - id: comments
        type: long_text
        text: Anything else?
`;

export const surveyV1Cy = `
language: cy
review:
  status: reviewed
  reviewed_by: peer_researcher
messages:
  title: Eich barn
  sections.main.title: Am y grŵp
  items.attended.text: Ddaethoch chi i'r grŵp?
  items.how_often.text: Pa mor aml?
  items.how_often.options.weekly.label: Bob wythnos
  items.how_often.options.monthly.label: Bob mis
  items.comments.text: Unrhyw beth arall?
`;
