import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { formatProblem, loadInstrumentsFromDir, type LoadedInstrumentVersion } from "../../app/instruments/load.server";
import { instrumentMessages } from "../../app/instruments/messages";
import type { PublishedInstrumentVersion } from "../../app/instruments/publish.server";
import { renderInstrumentText } from "../../app/participants/render.server";
import { instrumentFolder } from "../support/instrument-fixtures";

let folder: ReturnType<typeof instrumentFolder> | undefined;
afterEach(() => {
  folder?.cleanup();
  folder = undefined;
});

const sheet = `
id: sheet
version: 1
kind: information_sheet
title: About the study
sections:
  - id: what
    title: What happens
    items:
      - id: topics_intro
        type: text
        text: "We will talk about:"
      - id: topics
        type: list
        entries:
          - { id: services, text: Your experiences with services }
          - { id: safety, text: What makes you feel safe }
      - id: steps
        type: list
        numbered: true
        entries:
          - { id: first, text: Choose your language }
          - { id: second, text: Read this sheet }
      - id: contact_heading
        type: heading
        text: Who to ask
`;

const sheetCy = `
language: cy
review: { status: draft, reviewed_by: null }
messages:
  title: Am yr astudiaeth
  sections.what.title: Beth sy'n digwydd
  items.topics_intro.text: "Byddwn yn siarad am:"
  items.topics.entries.services.text: Eich profiadau gyda gwasanaethau
  items.topics.entries.safety.text: Beth sy'n gwneud i chi deimlo'n ddiogel
  items.steps.entries.first.text: Dewiswch eich iaith
  items.steps.entries.second.text: Darllenwch y daflen hon
  items.contact_heading.text: Pwy i'w holi
`;

function asPublished(v: LoadedInstrumentVersion): PublishedInstrumentVersion {
  return { rowId: "x", id: v.id, version: v.version, kind: v.definition.kind, contentHash: v.contentHash, definition: v.definition, translations: v.translations, publishedAt: new Date() };
}

describe("list items in instruments", () => {
  it("keys each entry by its id, so a translation follows meaning, not position", () => {
    folder = instrumentFolder();
    folder.write("sheet/1/instrument.yaml", sheet);
    folder.write("sheet/1/cy.yaml", sheetCy);
    const { versions, problems } = loadInstrumentsFromDir(folder.dir);
    expect(problems.map(formatProblem)).toEqual([]);
    expect(Object.keys(instrumentMessages(versions[0]!.definition))).toEqual([
      "title",
      "sections.what.title",
      "items.topics_intro.text",
      "items.topics.entries.services.text",
      "items.topics.entries.safety.text",
      "items.steps.entries.first.text",
      "items.steps.entries.second.text",
      "items.contact_heading.text",
    ]);
  });

  it("renders as a bullet or numbered list in the reader's language, with the heading under its section's", () => {
    folder = instrumentFolder();
    folder.write("sheet/1/instrument.yaml", sheet);
    folder.write("sheet/1/cy.yaml", sheetCy);
    const version = asPublished(loadInstrumentsFromDir(folder.dir).versions[0]!);
    const blocks = renderInstrumentText(version, "cy", { text: "Tîm" });
    expect(blocks).toContainEqual({ kind: "ul", entries: [{ text: "Eich profiadau gyda gwasanaethau" }, { text: "Beth sy'n gwneud i chi deimlo'n ddiogel" }] });
    expect(blocks).toContainEqual({ kind: "ol", entries: [{ text: "Dewiswch eich iaith" }, { text: "Darllenwch y daflen hon" }] });
    // h1 title, h2 section, h3 heading item: no skipped level (axe heading-order).
    expect(blocks.filter((b) => b.kind.startsWith("h")).map((b) => b.kind)).toEqual(["h1", "h2", "h3"]);
    // A language without a translation falls back to English entry by entry, marked lang="en".
    expect(renderInstrumentText(version, "ar", { text: "" })).toContainEqual({ kind: "ul", entries: [{ text: "Your experiences with services", lang: "en" }, { text: "What makes you feel safe", lang: "en" }] });
  });

  it("instruments check names a missing entry translation, an empty list and a duplicate entry id", () => {
    folder = instrumentFolder();
    folder.write("sheet/1/instrument.yaml", sheet.replace("{ id: safety, text: What makes you feel safe }", "{ id: services, text: What makes you feel safe }").replace("      - id: steps\n        type: list\n        numbered: true\n        entries:\n          - { id: first, text: Choose your language }\n          - { id: second, text: Read this sheet }\n", "      - id: steps\n        type: list\n        entries: []\n"));
    folder.write("sheet/1/cy.yaml", sheetCy.replace(/  items\.steps.*\n/g, "").replace("  items.topics.entries.safety.text: Beth sy'n gwneud i chi deimlo'n ddiogel\n", ""));
    const problems = loadInstrumentsFromDir(folder.dir).problems.map(formatProblem).join("\n");
    expect(problems).toMatch(/item steps, entries: a list needs at least one entry/);
    folder.write("sheet/1/instrument.yaml", sheet.replace("{ id: safety, text: What makes you feel safe }", "{ id: services, text: What makes you feel safe }"));
    const again = loadInstrumentsFromDir(folder.dir).problems.map(formatProblem).join("\n");
    expect(again).toMatch(/duplicate entry id "services" in list "topics"/);
    folder.write("sheet/1/instrument.yaml", sheet);
    folder.write("sheet/1/cy.yaml", sheetCy.replace("  items.topics.entries.safety.text: Beth sy'n gwneud i chi deimlo'n ddiogel\n", ""));
    expect(loadInstrumentsFromDir(folder.dir).problems.map(formatProblem).join("\n")).toMatch(/missing message items\.topics\.entries\.safety\.text/);
  });

  it("the seeded information sheet (version 2) shows its topics as a four-entry list in every shipped language", () => {
    const { versions } = loadInstrumentsFromDir(path.resolve("instruments"));
    const v2 = versions.find((v) => v.id === "information-sheet" && v.version === 2);
    expect(v2).toBeDefined();
    for (const language of ["en", "cy", "ar", "fa"]) {
      const blocks = renderInstrumentText(asPublished(v2!), language, { text: "" });
      const list = blocks.find((b) => b.kind === "ul");
      expect(list && "entries" in list ? list.entries.map((e) => e.lang ?? language) : [], language).toEqual([language, language, language, language]);
      expect(blocks.some((b) => "text" in b && b.text.includes("•")), language).toBe(false);
    }
  });
});
