/**
 * The codebook as a REFI-QDA Codebook Exchange file (.qdc, urn:QDA-XML:codebook:1.0), out and in
 * (docs/decisions/071-codebook-exchange.md), so a codebook moves between Tandem studies and to and
 * from NVivo, ATLAS.ti, MAXQDA, QualCoder and Taguette.
 *
 * - Out: the accepted themes in tree order, each a <Code> (guid = theme id, name, colour) whose
 *   <Description> holds the definition and, on their own lines, "Use when: …" and "Do not use
 *   when: …"; validated in tests against tests/fixtures/refi-qda/Codebook.xsd. No participant
 *   content is in a codebook, but the file is audited like every export.
 * - In: read with a strict reader (no DTD, no entities, capped: ./xml-reader.ts), shaped with zod and
 *   the codebook's own rules, then planned against the study's codebook (added, changed, unchanged,
 *   conflicts) and written only on confirmation, in one transaction, through the codebook's own
 *   functions so the history (theme_change) tells of every imported theme. A file that does not
 *   read writes nothing and says why.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { DB } from "../../db/index";
import { recordAudit } from "../audit/log.server";
import { requireStudy, type StudyScope } from "../consent/scope.server";
import { createTheme, editTheme, listThemes, renameTheme, themeInputSchema, treeOrder, type Theme } from "./codebook.server";
import type { Actor } from "./exports.server";
import { escapeXml } from "./qdpx.server";
import { readXml, XmlReadError, type XmlElement } from "./xml-reader";

export const QDC_NAMESPACE = "urn:QDA-XML:codebook:1.0";
/** A codebook of a few thousand themes with long definitions is well under this. */
export const MAX_QDC_BYTES = 2_000_000;
const MAX_CODES = 2_000;

const USE_WHEN = "Use when: ";
const NOT_USE_WHEN = "Do not use when: ";

export type ImportMode = "new" | "merge";

export type CodebookImportReason =
  "too_large" | "not_xml" | "not_codebook" | "invalid_code" | "too_many_codes" | "no_codes" | "has_codebook" | "no_themes";

/** A refusal the user can act on: `reason` picks the translated sentence, `name` the code it is about. */
export class CodebookImportError extends Error {
  constructor(
    readonly reason: CodebookImportReason,
    message: string,
    /** The code the refusal is about (its name as the file has it), when there is one. */
    readonly codeName?: string,
  ) {
    super(message);
    this.name = "CodebookImportError";
  }
}

/** The one text a .qdc has for a code: the definition, then the two notes on lines of their own. */
export function describeTheme(t: { definition: string; useWhen: string; notUseWhen: string }): string {
  return [t.definition, t.useWhen && `${USE_WHEN}${t.useWhen}`, t.notUseWhen && `${NOT_USE_WHEN}${t.notUseWhen}`]
    .filter(Boolean)
    .join("\n");
}

/**
 * The reverse of describeTheme. The notes are found from the end (the last line that starts with
 * their label), so a definition that mentions "use when" in its own words stays whole. A
 * description written by another tool is all definition.
 */
export function readDescription(description: string): { definition: string; useWhen: string; notUseWhen: string } {
  const lines = description.replace(/\r\n?/g, "\n").split("\n");
  const lastStarting = (label: string, before: number) => {
    for (let i = before - 1; i >= 0; i--) if (lines[i]!.startsWith(label)) return i;
    return -1;
  };
  const notAt = lastStarting(NOT_USE_WHEN, lines.length);
  const useAt = lastStarting(USE_WHEN, notAt === -1 ? lines.length : notAt);
  const section = (from: number, to: number, label: string) =>
    from === -1 ? "" : [lines[from]!.slice(label.length), ...lines.slice(from + 1, to)].join("\n").trim();
  const definitionEnd = useAt !== -1 ? useAt : notAt !== -1 ? notAt : lines.length;
  return {
    definition: lines.slice(0, definitionEnd).join("\n").trim(),
    useWhen: section(useAt, notAt === -1 ? lines.length : notAt, USE_WHEN),
    notUseWhen: section(notAt, lines.length, NOT_USE_WHEN),
  };
}

/** The accepted themes, each under its nearest accepted ancestor (a proposal is not yet the codebook). */
async function acceptedCodebook(db: DB, scope: StudyScope) {
  const all = await listThemes(db, scope);
  const byId = new Map(all.map((t) => [t.id, t]));
  const accepted = all.filter((t) => t.status === "accepted");
  const acceptedAncestor = (t: Theme): string | null => {
    let at = t.parentId ? byId.get(t.parentId) : undefined;
    for (let depth = 0; at && depth < 100; depth++) {
      if (at.status === "accepted") return at.id;
      at = at.parentId ? byId.get(at.parentId) : undefined;
    }
    return null;
  };
  return treeOrder(accepted.map((t) => ({ ...t, parentId: acceptedAncestor(t) })));
}

export async function buildQdc(db: DB, scope: StudyScope): Promise<{ xml: string; codes: number }> {
  const themes = await acceptedCodebook(db, scope);
  if (themes.length === 0) throw new CodebookImportError("no_themes", "This study has no accepted themes yet");
  const codeXml = (parentId: string | null, indent: string): string =>
    themes
      .filter((t) => t.parentId === parentId)
      .map((t) => {
        const description = describeTheme(t);
        const children = codeXml(t.id, `${indent}  `);
        const inner =
          (description ? `\n${indent}  <Description>${escapeXml(description)}</Description>` : "") + (children ? `\n${children}` : "");
        return `${indent}<Code guid="${t.id}" name="${escapeXml(t.name)}" isCodable="true" color="${t.colour.toUpperCase()}"${inner ? `>${inner}\n${indent}</Code>` : "/>"}`;
      })
      .join("\n");
  const xml = [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<CodeBook xmlns="${QDC_NAMESPACE}" origin="Tandem">`,
    "  <Codes>",
    codeXml(null, "    "),
    "  </Codes>",
    "</CodeBook>",
    "",
  ].join("\n");
  return { xml, codes: themes.length };
}

/** The .qdc download, audited like every export (its name, the whole codebook, how many themes). */
export async function exportQdc(db: DB, scope: StudyScope, actor: Actor): Promise<{ xml: string; codes: number }> {
  const study = await requireStudy(db, scope);
  const result = await buildQdc(db, scope);
  await recordAudit(db, {
    actorUserId: actor.userId,
    organisationId: scope.organisationId,
    action: "export",
    subject: study.slug,
    detail: { export: "codebook_qdc", via: actor.via, filter: {}, rows: result.codes },
  });
  return result;
}

// ---------------------------------------------------------------------------------------------
// Reading a file

export interface FileCode {
  /** The file's guid, lower case and without braces. */
  guid: string;
  name: string;
  /** null when the file gives none. */
  colour: string | null;
  /** null when the file has no <Description>: a merge then keeps the theme's own text. */
  notes: { definition: string; useWhen: string; notUseWhen: string } | null;
  children: FileCode[];
}

const GUID = /^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$/;
const RGB = /^#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$/;

/** The attributes and elements of a <Code>, as the schema has them (before the codebook's own rules). */
const codeShape = z.object({
  guid: z.string().trim().regex(GUID),
  name: z.string(),
  isCodable: z.enum(["true", "false", "1", "0"]),
  color: z.string().trim().regex(RGB).optional(),
  description: z.string().optional(),
});

function expandColour(colour: string): string {
  const hex = colour.slice(1);
  return `#${hex.length === 3 ? [...hex].map((c) => c + c).join("") : hex}`.toLowerCase();
}

function toFileCode(element: XmlElement, count: { n: number }): FileCode {
  if (++count.n > MAX_CODES) throw new CodebookImportError("too_many_codes", `More than ${MAX_CODES} codes`);
  const own = element.children.filter((c) => c.namespace === QDC_NAMESPACE);
  const descriptions = own.filter((c) => c.name === "Description");
  const label = (element.attributes.name ?? "").slice(0, 80);
  const shape = codeShape.safeParse({
    ...element.attributes,
    description: descriptions[0]?.text,
  });
  if (!shape.success || descriptions.length > 1) throw new CodebookImportError("invalid_code", "A code does not follow the schema", label);
  const notes = shape.data.description === undefined ? null : readDescription(shape.data.description);
  // The codebook's own rules (length, no direction controls) apply to an imported theme as to a typed one.
  const theme = themeInputSchema.safeParse({ name: shape.data.name, ...(notes ?? {}) });
  if (!theme.success) throw new CodebookImportError("invalid_code", "A code's name or text breaks the codebook's rules", label);
  return {
    guid: GUID.exec(shape.data.guid)![1]!.toLowerCase(),
    name: theme.data.name,
    colour: shape.data.color ? expandColour(shape.data.color) : null,
    notes: notes && { definition: theme.data.definition, useWhen: theme.data.useWhen, notUseWhen: theme.data.notUseWhen },
    children: own.filter((c) => c.name === "Code").map((c) => toFileCode(c, count)),
  };
}

/** Reads a .qdc into its code tree, or throws CodebookImportError (nothing is written either way). */
export function readQdc(text: string): FileCode[] {
  if (Buffer.byteLength(text, "utf8") > MAX_QDC_BYTES) throw new CodebookImportError("too_large", "The file is too large");
  let root: XmlElement;
  try {
    root = readXml(text, { maxLength: MAX_QDC_BYTES, maxDepth: 64 });
  } catch (error) {
    if (error instanceof XmlReadError) {
      if (error.reason === "too_large") throw new CodebookImportError("too_large", error.message);
      if (error.reason === "too_many_elements" || error.reason === "too_deep")
        throw new CodebookImportError("too_many_codes", error.message);
      throw new CodebookImportError("not_xml", error.message);
    }
    throw error;
  }
  if (root.name !== "CodeBook" || root.namespace !== QDC_NAMESPACE)
    throw new CodebookImportError("not_codebook", "The file is not a REFI-QDA codebook (CodeBook, urn:QDA-XML:codebook:1.0)");
  const codes = root.children.filter((c) => c.namespace === QDC_NAMESPACE && c.name === "Codes");
  if (codes.length !== 1) throw new CodebookImportError("not_codebook", "A codebook has one <Codes>");
  const count = { n: 0 };
  const tree = codes[0]!.children.filter((c) => c.namespace === QDC_NAMESPACE && c.name === "Code").map((c) => toFileCode(c, count));
  if (tree.length === 0) throw new CodebookImportError("no_codes", "The file has no codes");
  return tree;
}

// ---------------------------------------------------------------------------------------------
// Planning and applying an import

type Field = "name" | "definition" | "useWhen" | "notUseWhen" | "colour" | "parent";
export type ConflictReason = "duplicate_in_file" | "name_taken" | "matched_twice";

export interface ImportPlan {
  mode: ImportMode;
  added: { name: string; parent: string | null }[];
  changed: { name: string; fields: Field[] }[];
  unchanged: string[];
  conflicts: { name: string; reason: ConflictReason }[];
  /** Names the plan, so a confirmation applies what was previewed and not a codebook changed since. */
  digest: string;
}

type Step =
  | { kind: "add"; key: string; parentKey: string | null; name: string; colour: string | null; notes: FileCode["notes"] }
  | {
      kind: "update";
      key: string;
      themeId: string;
      parentKey: string | null;
      name?: string;
      notes: Partial<NonNullable<FileCode["notes"]>>;
      colour?: string;
      move: boolean;
    }
  | { kind: "keep"; key: string; themeId: string };

async function plan(db: DB, scope: StudyScope, tree: FileCode[], mode: ImportMode): Promise<{ plan: ImportPlan; steps: Step[] }> {
  const existing = await listThemes(db, scope);
  if (mode === "new" && existing.length > 0)
    throw new CodebookImportError("has_codebook", "This study already has a codebook: merge into it instead");
  const byId = new Map(existing.map((t) => [t.id, t]));
  const byName = new Map(existing.map((t) => [t.name.toLowerCase(), t]));
  const seenNames = new Set<string>();
  const claimed = new Set<string>();
  const steps: Step[] = [];
  const result: Omit<ImportPlan, "digest"> = { mode, added: [], changed: [], unchanged: [], conflicts: [] };
  // Themes' names after the plan, for a parent's name in the preview.
  const nameOf = new Map<string, string>();

  const walk = (codes: FileCode[], parentKey: string | null, path: string) => {
    codes.forEach((code, i) => {
      const key = `${path}${i}`;
      const lower = code.name.toLowerCase();
      // A code the plan cannot place is left out; its children go under its nearest placed ancestor.
      if (seenNames.has(lower)) {
        result.conflicts.push({ name: code.name, reason: "duplicate_in_file" });
        walk(code.children, parentKey, `${key}.`);
        return;
      }
      seenNames.add(lower);
      const byGuid = byId.get(code.guid);
      const match = byGuid ?? byName.get(lower);
      if (match && claimed.has(match.id)) {
        result.conflicts.push({ name: code.name, reason: "matched_twice" });
        walk(code.children, parentKey, `${key}.`);
        return;
      }
      if (!match) {
        steps.push({ kind: "add", key, parentKey, name: code.name, colour: code.colour, notes: code.notes });
        nameOf.set(key, code.name);
        result.added.push({ name: code.name, parent: parentKey ? (nameOf.get(parentKey) ?? null) : null });
        walk(code.children, key, `${key}.`);
        return;
      }
      claimed.add(match.id);
      const fields: Field[] = [];
      let rename: string | undefined;
      // Only a guid match renames: a name match differing in case is the same theme, named as here.
      if (byGuid && match.name !== code.name) {
        const holder = byName.get(lower);
        // Matched by guid, but the file's name belongs to another theme here: keep this theme's name.
        if (holder && holder.id !== match.id) result.conflicts.push({ name: code.name, reason: "name_taken" });
        else {
          rename = code.name;
          fields.push("name");
        }
      }
      const notes: Partial<NonNullable<FileCode["notes"]>> = {};
      if (code.notes) {
        for (const field of ["definition", "useWhen", "notUseWhen"] as const) {
          if (code.notes[field] === match[field]) continue;
          notes[field] = code.notes[field];
          fields.push(field);
        }
      }
      const colour = code.colour && code.colour !== match.colour ? code.colour : undefined;
      if (colour) fields.push("colour");
      const parentTheme = parentKey ? steps.find((s) => s.key === parentKey) : undefined;
      const parentIsExisting = parentTheme && parentTheme.kind !== "add" ? parentTheme.themeId : null;
      // A move: under a theme being added, or under another existing theme than now.
      const move = parentTheme?.kind === "add" || parentIsExisting !== match.parentId;
      if (move) fields.push("parent");
      nameOf.set(key, rename ?? match.name);
      if (fields.length === 0) {
        steps.push({ kind: "keep", key, themeId: match.id });
        result.unchanged.push(match.name);
      } else {
        steps.push({ kind: "update", key, themeId: match.id, parentKey, name: rename, notes, colour, move });
        result.changed.push({ name: rename ?? match.name, fields });
      }
      walk(code.children, key, `${key}.`);
    });
  };
  walk(tree, null, "");
  const digest = createHash("sha256")
    .update(
      JSON.stringify({
        mode,
        steps,
        existing: existing.map((t) => [t.id, t.name, t.parentId, t.definition, t.useWhen, t.notUseWhen, t.colour]),
      }),
    )
    .digest("hex")
    .slice(0, 32);
  return { plan: { ...result, digest }, steps };
}

/** What importing the file would change, without changing anything. */
export async function previewCodebookImport(db: DB, scope: StudyScope, text: string, mode: ImportMode): Promise<ImportPlan> {
  await requireStudy(db, scope);
  return (await plan(db, scope, readQdc(text), mode)).plan;
}

export interface ImportOutcome {
  applied: boolean;
  plan: ImportPlan;
}

/**
 * Imports the file in one transaction, through the codebook's own functions (its rules and its
 * history), and audits it. With `expectedDigest` (the preview's), a codebook that changed since the
 * preview is not written: the new plan comes back to be confirmed again.
 */
export async function importCodebook(
  db: DB,
  scope: StudyScope,
  actor: Actor,
  text: string,
  mode: ImportMode,
  options: { expectedDigest?: string } = {},
): Promise<ImportOutcome> {
  const study = await requireStudy(db, scope);
  const tree = readQdc(text);
  return db.transaction().execute(async (trx) => {
    const { plan: result, steps } = await plan(trx, scope, tree, mode);
    if (options.expectedDigest !== undefined && options.expectedDigest !== result.digest) return { applied: false, plan: result };
    const ids = new Map<string, string>();
    for (const step of steps) {
      if (step.kind === "keep") {
        ids.set(step.key, step.themeId);
        continue;
      }
      const parentId = step.parentKey ? (ids.get(step.parentKey) ?? null) : null;
      if (step.kind === "add") {
        const theme = await createTheme(trx, scope, actor.userId, {
          name: step.name,
          ...(step.notes ?? {}),
          colour: step.colour ?? undefined,
          parentId,
        });
        ids.set(step.key, theme.id);
      } else {
        ids.set(step.key, step.themeId);
        if (step.name) await renameTheme(trx, scope, actor.userId, step.themeId, step.name);
        await editTheme(trx, scope, actor.userId, step.themeId, {
          ...step.notes,
          ...(step.colour ? { colour: step.colour } : {}),
          ...(step.move ? { parentId } : {}),
        });
      }
    }
    await recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId: scope.organisationId,
      action: "codebook_imported",
      subject: study.slug,
      detail: {
        via: actor.via,
        mode,
        added: result.added.length,
        changed: result.changed.length,
        unchanged: result.unchanged.length,
        conflicts: result.conflicts.length,
      },
    });
    return { applied: true, plan: result };
  });
}
