/**
 * The codebook as a REFI-QDA .qdc file (issue 16 item 4, docs/decisions/071-codebook-exchange.md):
 * a round trip keeps the hierarchy, colours, definitions and notes; the file is valid against
 * Codebook.xsd; a merge is previewed and written only on confirmation; a bad file writes nothing;
 * another organisation's study can be neither read nor written; the command line does the same.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createTheme, listThemes, proposeTheme } from "../../app/coding/codebook.server";
import {
  CodebookImportError,
  exportQdc,
  importCodebook,
  previewCodebookImport,
  readDescription,
} from "../../app/coding/codebook-exchange.server";
import type { StudyScope } from "../../app/consent/scope.server";
import { codebookCommands } from "../../scripts/commands/codebook";
import type { CommandContext } from "../../scripts/commands/types";
import type { DB } from "../../db/index";
import { codingStudyForTests, createCodingFixture } from "./fixtures";

// A copy of ../shared/refi-qda/Codebook.xsd (REFI-QDA codebook 1.0, MIT, notice inside).
const SCHEMA = path.resolve(__dirname, "../fixtures/refi-qda/Codebook.xsd");

function hasXmllint() {
  try {
    execFileSync("xmllint", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function validate(xml: string) {
  const dir = mkdtempSync(path.join(tmpdir(), "qdc-"));
  writeFileSync(path.join(dir, "codebook.qdc"), xml);
  if (hasXmllint()) {
    // throws (non-zero exit) when the document is not valid against the schema
    execFileSync("xmllint", ["--noout", "--schema", SCHEMA, path.join(dir, "codebook.qdc")], { stdio: "pipe" });
  } else if (process.env.CI) {
    throw new Error("xmllint is not installed; .ci/run installs it (libxml2-utils) so CI always validates");
  } else {
    console.warn("xmllint not installed (apt-get install libxml2-utils): schema validation skipped");
  }
}

const study = codingStudyForTests();
const researcher = () => ({ userId: study.fx.users.researcher, via: "workspace" as const });

/** The codebook as a reader compares two: by name, with its parent's name, depth and every text. */
async function shape(db: DB, scope: StudyScope) {
  const themes = await listThemes(db, scope);
  const names = new Map(themes.map((t) => [t.id, t.name]));
  return themes.map((t) => ({
    name: t.name,
    parent: t.parentId ? names.get(t.parentId) : null,
    depth: t.depth,
    colour: t.colour,
    definition: t.definition,
    useWhen: t.useWhen,
    notUseWhen: t.notUseWhen,
    status: t.status,
  }));
}

async function themeCount(db: DB, scope: StudyScope) {
  return (await db.selectFrom("theme").select("id").where("study_id", "=", scope.studyId).execute()).length;
}

async function imports(db: DB) {
  return (await db.selectFrom("audit_event").select("detail").where("action", "=", "codebook_imported").execute()).length;
}

const qdc = (codes: string, root = `<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Other">`) =>
  `<?xml version="1.0" encoding="utf-8"?>\n${root}<Codes>${codes}</Codes></CodeBook>`;

describe("a study's codebook as a .qdc file", () => {
  it("survives a round trip into a fresh study: hierarchy, colours, definitions and notes; valid against Codebook.xsd", async () => {
    const { db, fx } = study;
    const care = await createTheme(db, fx.scope, fx.users.researcher, {
      name: "Care & <trust>",
      definition: 'Feeling cared for, "properly".\nA second line that says: Use when: is just words here.',
      useWhen: "Someone describes kindness.",
      notUseWhen: "It is peers: use Peer support.\nOr the family.",
      colour: "#E69F00",
    });
    const peers = await createTheme(db, fx.scope, fx.users.researcher, {
      name: "Cefnogaeth cymheiriaid",
      definition: "Help from people who have been through it.",
      parentId: care.id,
      colour: "#56b4e9",
    });
    await createTheme(db, fx.scope, fx.users.researcher, { name: "دعم الأقران", parentId: peers.id, colour: "#009e73" });
    await createTheme(db, fx.scope, fx.users.researcher, { name: "=HYPERLINK(1)", colour: "#999999" });
    await proposeTheme(db, fx.scope, fx.users.peer, { name: "A proposal not yet agreed", parentId: care.id });

    const { xml, codes } = await exportQdc(db, fx.scope, researcher());
    expect(codes).toBe(4);
    expect(xml).toContain('<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Tandem">');
    expect(xml).not.toContain("A proposal not yet agreed");
    expect(xml).toContain("Care &amp; &lt;trust&gt;");
    validate(xml);
    const exported = await db.selectFrom("audit_event").select(["detail", "subject"]).where("action", "=", "export").execute();
    expect(exported.at(-1)).toMatchObject({ subject: fx.studySlug, detail: { export: "codebook_qdc", via: "workspace", rows: 4 } });

    const fresh = await createCodingFixture(db);
    const preview = await previewCodebookImport(db, fresh.scope, xml, "new");
    expect(preview.added.map((a) => [a.name, a.parent])).toEqual([
      ["Care & <trust>", null],
      ["Cefnogaeth cymheiriaid", "Care & <trust>"],
      ["دعم الأقران", "Cefnogaeth cymheiriaid"],
      ["=HYPERLINK(1)", null],
    ]);
    expect(await themeCount(db, fresh.scope)).toBe(0);
    const outcome = await importCodebook(db, fresh.scope, { userId: fresh.users.researcher, via: "workspace" }, xml, "new", {
      expectedDigest: preview.digest,
    });
    expect(outcome.applied).toBe(true);
    const original = (await shape(db, fx.scope)).filter((t) => t.status === "accepted");
    expect(await shape(db, fresh.scope)).toEqual(original);
    const audit = await db
      .selectFrom("audit_event")
      .select(["detail", "organisation_id"])
      .where("action", "=", "codebook_imported")
      .execute();
    expect(audit.at(-1)).toMatchObject({
      organisation_id: fresh.scope.organisationId,
      detail: { via: "workspace", mode: "new", added: 4, changed: 0, conflicts: 0 },
    });
    // The imported themes' history says where they came from: created by the importer.
    const history = await db
      .selectFrom("theme_change")
      .innerJoin("theme", "theme.id", "theme_change.theme_id")
      .select(["theme_change.change", "theme_change.changed_by"])
      .where("theme.study_id", "=", fresh.scope.studyId)
      .execute();
    expect(history.every((h) => h.change === "created" && h.changed_by === fresh.users.researcher)).toBe(true);
    // Importing the same file again changes nothing.
    const again = await previewCodebookImport(db, fresh.scope, xml, "merge");
    expect([again.added.length, again.changed.length, again.unchanged.length]).toEqual([0, 0, 4]);
  });

  it("previews a merge (added, changed, unchanged, conflicts) and writes only what was previewed, on confirmation", async () => {
    const { db } = study;
    const fx = await createCodingFixture(db);
    const actor = { userId: fx.users.researcher, via: "workspace" as const };
    const kept = await createTheme(db, fx.scope, null, { name: "Safety", definition: "Feeling safe.", colour: "#0072b2" });
    await createTheme(db, fx.scope, null, { name: "Timeliness", definition: "Waiting.", colour: "#d55e00" });
    await createTheme(db, fx.scope, null, { name: "Only here", definition: "Not in the file: stays as it is." });
    const file = qdc(
      `<Code guid="${kept.id}" name="Safety" isCodable="true" color="#0072B2"><Description>Feeling safe.</Description>` +
        `<Code guid="11111111-2222-4333-8444-555555555555" name="Safe housing" isCodable="true"/></Code>` +
        `<Code guid="{AAAAAAAA-2222-4333-8444-555555555555}" name="timeliness" isCodable="true" color="#ABC"><Description>How long people wait.&#10;Use when: delays.</Description></Code>` +
        `<Code guid="bbbbbbbb-2222-4333-8444-555555555555" name="SAFE HOUSING" isCodable="false"/>`,
    );
    const preview = await previewCodebookImport(db, fx.scope, file, "merge");
    expect(preview.added).toEqual([{ name: "Safe housing", parent: "Safety" }]);
    expect(preview.changed).toEqual([{ name: "Timeliness", fields: ["definition", "useWhen", "colour"] }]);
    expect(preview.unchanged).toEqual(["Safety"]);
    expect(preview.conflicts).toEqual([{ name: "SAFE HOUSING", reason: "duplicate_in_file" }]);
    expect(await themeCount(db, fx.scope)).toBe(3);

    // The codebook changed after the preview: the confirmation writes nothing and shows the new plan.
    await createTheme(db, fx.scope, null, { name: "Added meanwhile" });
    const stale = await importCodebook(db, fx.scope, actor, file, "merge", { expectedDigest: preview.digest });
    expect(stale.applied).toBe(false);
    expect(await themeCount(db, fx.scope)).toBe(4);

    const done = await importCodebook(db, fx.scope, actor, file, "merge", { expectedDigest: stale.plan.digest });
    expect(done.applied).toBe(true);
    const after = await shape(db, fx.scope);
    expect(after.find((t) => t.name === "Safe housing")).toMatchObject({ parent: "Safety", depth: 1 });
    expect(after.find((t) => t.name === "Timeliness")).toMatchObject({
      definition: "How long people wait.",
      useWhen: "delays.",
      colour: "#aabbcc",
    });
    expect(after.find((t) => t.name === "Only here")).toMatchObject({ definition: "Not in the file: stays as it is." });
    // a merge never renames a theme to a name another theme has
    const other = await createTheme(db, fx.scope, null, { name: "Other" });
    const clash = await previewCodebookImport(db, fx.scope, qdc(`<Code guid="${other.id}" name="Safety" isCodable="true"/>`), "merge");
    expect(clash.conflicts).toEqual([{ name: "Safety", reason: "name_taken" }]);
  });

  it("a file that does not read, or breaks the codebook's rules, writes nothing and says why", async () => {
    const { db } = study;
    const fx = await createCodingFixture(db);
    await createTheme(db, fx.scope, null, { name: "Existing" });
    const importsBefore = await imports(db);
    const good = `<Code guid="11111111-2222-4333-8444-555555555555" name="Fine" isCodable="true"/>`;
    const cases: [string, string][] = [
      [
        `<?xml version="1.0"?><!DOCTYPE CodeBook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${qdc(good).replace(/^<\?xml[^>]*>\n/, "")}`,
        "not_xml",
      ],
      [qdc(`<Code guid="11111111-2222-4333-8444-555555555555" name="&xxe;" isCodable="true"/>`), "not_xml"],
      [qdc(good).replace("</Codes>", ""), "not_xml"],
      ["a plain text file, not XML", "not_xml"],
      [`<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>`, "not_codebook"],
      [qdc(good, `<CodeBook xmlns="urn:something-else">`), "not_codebook"],
      [qdc(""), "no_codes"],
      [qdc(`<Code guid="not-a-guid" name="Fine" isCodable="true"/>`), "invalid_code"],
      [qdc(`<Code guid="11111111-2222-4333-8444-555555555555" name="Fine" isCodable="maybe"/>`), "invalid_code"],
      [qdc(`<Code guid="11111111-2222-4333-8444-555555555555" name="${"x".repeat(121)}" isCodable="true"/>`), "invalid_code"],
      [qdc(`<Code guid="11111111-2222-4333-8444-555555555555" name="   " isCodable="true"/>`), "invalid_code"],
      [qdc(`<Code guid="11111111-2222-4333-8444-555555555555" name="Fine" isCodable="true" color="red"/>`), "invalid_code"],
      [qdc(good + `<!--${"x".repeat(2_000_001)}-->`), "too_large"],
    ];
    for (const [file, reason] of cases) {
      for (const run of [
        () => previewCodebookImport(db, fx.scope, file, "merge"),
        () => importCodebook(db, fx.scope, { userId: null, via: "cli" }, file, "merge"),
      ]) {
        const error = await run().catch((e: unknown) => e);
        expect(error, file.slice(0, 120)).toBeInstanceOf(CodebookImportError);
        expect((error as CodebookImportError).reason, file.slice(0, 120)).toBe(reason);
      }
    }
    // A fresh codebook only for a study without one.
    await expect(importCodebook(db, fx.scope, { userId: null, via: "cli" }, qdc(good), "new")).rejects.toMatchObject({
      reason: "has_codebook",
    });
    expect((await shape(db, fx.scope)).map((t) => t.name)).toEqual(["Existing"]);
    expect(await imports(db)).toBe(importsBefore);
    // A study with no accepted themes has no codebook to export.
    const empty = await createCodingFixture(db);
    await expect(exportQdc(db, empty.scope, { userId: null, via: "cli" })).rejects.toMatchObject({ reason: "no_themes" });
  });

  it("another organisation's study can be neither exported nor imported into", async () => {
    const { db, fx } = study;
    const theirs = await createCodingFixture(db);
    await createTheme(db, theirs.scope, null, { name: "SECRET their theme" });
    // Our organisation, their study's id: the tenant rule refuses before anything is read or written.
    const crossed = { organisationId: fx.scope.organisationId, studyId: theirs.scope.studyId };
    const file = qdc(`<Code guid="11111111-2222-4333-8444-555555555555" name="Planted" isCodable="true"/>`);
    await expect(exportQdc(db, crossed, researcher())).rejects.toThrow(/No such study/);
    await expect(previewCodebookImport(db, crossed, file, "merge")).rejects.toThrow(/No such study/);
    await expect(importCodebook(db, crossed, researcher(), file, "merge")).rejects.toThrow(/No such study/);
    expect((await shape(db, theirs.scope)).map((t) => t.name)).toEqual(["SECRET their theme"]);
  });

  it("reads a description back into definition and notes, from the end, and another tool's as all definition", () => {
    expect(readDescription("Def.\nUse when: a\nb\nDo not use when: c")).toEqual({ definition: "Def.", useWhen: "a\nb", notUseWhen: "c" });
    expect(readDescription("Do not use when: c")).toEqual({ definition: "", useWhen: "", notUseWhen: "c" });
    expect(readDescription("A code from NVivo.\r\nWith two lines.")).toEqual({
      definition: "A code from NVivo.\nWith two lines.",
      useWhen: "",
      notUseWhen: "",
    });
  });

  it("reads another tool's file: a namespace prefix, short colours, braced guids, CDATA and no descriptions", async () => {
    const { db } = study;
    const fx = await createCodingFixture(db);
    const file =
      `<?xml version="1.0" encoding="utf-8"?><!-- from another tool -->\n<q:CodeBook xmlns:q="urn:QDA-XML:codebook:1.0"><q:Codes>` +
      `<q:Code guid="{11111111-2222-4333-8444-555555555555}" name="Housing" isCodable="false" color="#0F0">` +
      `<q:Description><![CDATA[Rooms & rent <as written>]]></q:Description>` +
      `<q:Code guid="21111111-2222-4333-8444-555555555555" name="Damp" isCodable="1"/></q:Code>` +
      `</q:Codes><q:Sets><q:Set guid="31111111-2222-4333-8444-555555555555" name="ignored"/></q:Sets></q:CodeBook>`;
    await importCodebook(db, fx.scope, { userId: null, via: "cli" }, file, "new");
    expect(await shape(db, fx.scope)).toEqual([
      expect.objectContaining({ name: "Housing", parent: null, colour: "#00ff00", definition: "Rooms & rent <as written>" }),
      expect.objectContaining({ name: "Damp", parent: "Housing", depth: 1, definition: "" }),
    ]);
  });
});

describe("cli export codebook / import codebook", () => {
  it("exports, dry-runs an import without writing, then imports; refuses a bad file with one line", async () => {
    const { db, fx, database } = study;
    const out: string[] = [];
    const ctx: CommandContext = { out: (l) => out.push(l), err: (l) => out.push(l), env: process.env, openDb: async () => database };
    const command = (name: string) => codebookCommands.find((c) => c.name === name)!;
    const dir = mkdtempSync(path.join(tmpdir(), "cli-qdc-"));
    const file = path.join(dir, "codebook.qdc");
    expect(await command("export codebook").run(["--study", fx.studySlug, "--out", file], ctx)).toBe(0);
    expect(readFileSync(file, "utf8")).toContain("urn:QDA-XML:codebook:1.0");
    expect(out.at(-1)).toMatch(/themes? written to/);

    const target = await createCodingFixture(db);
    await createTheme(db, target.scope, null, { name: "Care & <trust>", definition: "An older definition.", colour: "#000000" });
    out.length = 0;
    expect(await command("import codebook").run(["--study", target.studySlug, "--file", file, "--dry-run"], ctx)).toBe(0);
    expect(out[0]).toMatch(/^3 to add, 1 to change, 0 unchanged, 0 conflicts\.$/);
    expect(out).toContain("  change   Care & <trust>: definition, useWhen, notUseWhen, colour");
    expect(out.at(-1)).toBe("Dry run: nothing was written.");
    expect(await themeCount(db, target.scope)).toBe(1);

    expect(await command("import codebook").run(["--study", target.studySlug, "--file", file], ctx)).toBe(0);
    expect(await themeCount(db, target.scope)).toBe(4);
    const audit = await db
      .selectFrom("audit_event")
      .select(["actor_user_id", "detail"])
      .where("action", "=", "codebook_imported")
      .execute();
    expect(audit.at(-1)).toMatchObject({ actor_user_id: null, detail: { via: "cli", mode: "merge", added: 3, changed: 1 } });

    writeFileSync(path.join(dir, "bad.qdc"), "<CodeBook>");
    await expect(command("import codebook").run(["--study", target.studySlug, "--file", path.join(dir, "bad.qdc")], ctx)).rejects.toThrow(
      /^Nothing was imported/,
    );
    await expect(command("import codebook").run(["--study", target.studySlug, "--file", file, "--mode", "new"], ctx)).rejects.toThrow(
      /already has a codebook/,
    );
    expect(await themeCount(db, target.scope)).toBe(4);
  });
});
