import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { z } from "zod";
import { isLanguageCode } from "../i18n/languages";
import { checkIcuMessage, instrumentMessageEntries, SOURCE_LANGUAGE } from "./messages";
import {
  checkDefinition,
  INSTRUMENT_ID,
  instrumentDefinitionSchema,
  translationFileSchema,
  type InstrumentDefinition,
  type InstrumentKind,
  type Translations,
} from "./schema";

/** One thing wrong with the instrument files. `line` is 1-based; 0 means the file or folder as a whole. */
export interface Problem {
  /** Relative to the current directory, so `path:line` opens in an editor. */
  file: string;
  line: number;
  message: string;
}

export interface LoadedInstrumentVersion {
  id: string;
  version: number;
  kind: InstrumentKind;
  definition: InstrumentDefinition;
  translations: Translations;
  /** SHA-256 (hex) over the version's files; see contentHash. */
  contentHash: string;
  /** The files the version was read from, relative to the current directory; base file first. */
  files: string[];
}

export interface LoadResult {
  /** Versions without any problem, sorted by id then version. A version with a problem is left out. */
  versions: LoadedInstrumentVersion[];
  problems: Problem[];
}

export const BASE_FILE = "instrument.yaml";

/** The instruments folder: INSTRUMENTS_DIR, or `instruments` in the current directory. */
export function instrumentsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.INSTRUMENTS_DIR || "instruments");
}

export function formatProblem(problem: Problem): string {
  return problem.line > 0 ? `${problem.file}:${problem.line}: ${problem.message}` : `${problem.file}: ${problem.message}`;
}

export interface LoadOptions {
  /** Which translation languages are allowed; the language registry by default. */
  isKnownLanguage?: (code: string) => boolean;
}

/**
 * Reads and checks every `<id>/<version>/` folder under `dir`. Never throws for a problem in the files:
 * everything found is returned as a Problem with the file and line, so one run reports all of them.
 */
export function loadInstrumentsFromDir(dir: string, options: LoadOptions = {}): LoadResult {
  const isKnownLanguage = options.isKnownLanguage ?? isLanguageCode;
  const problems: Problem[] = [];
  const versions: LoadedInstrumentVersion[] = [];
  const root = path.resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    return { versions, problems: [{ file: rel(root), line: 0, message: "instruments folder not found" }] };
  }

  for (const idEntry of sortedEntries(root)) {
    const idDir = path.join(root, idEntry.name);
    if (!idEntry.isDirectory()) {
      if (/\.ya?ml$/.test(idEntry.name)) {
        problems.push({ file: rel(idDir), line: 0, message: "instrument files belong in instruments/<id>/<version>/" });
      }
      continue; // a README beside the instruments is fine
    }
    if (!INSTRUMENT_ID.test(idEntry.name)) {
      problems.push({ file: rel(idDir), line: 0, message: "an instrument folder name must be a kebab-case id, e.g. consent-form" });
      continue;
    }
    const kinds: { version: number; kind: InstrumentKind }[] = [];
    const versionEntries = sortedEntries(idDir).sort((a, b) => Number(a.name) - Number(b.name) || a.name.localeCompare(b.name));
    for (const versionEntry of versionEntries) {
      const versionDir = path.join(idDir, versionEntry.name);
      if (!versionEntry.isDirectory() || !/^[1-9]\d*$/.test(versionEntry.name)) {
        problems.push({
          file: rel(versionDir),
          line: 0,
          message: "expected only version folders (1, 2, …) here",
        });
        continue;
      }
      const result = loadVersion(versionDir, idEntry.name, Number(versionEntry.name), isKnownLanguage);
      problems.push(...result.problems);
      if (result.version) {
        versions.push(result.version);
        kinds.push({ version: result.version.version, kind: result.version.kind });
      }
    }
    // Answers and consents are compared across versions of an instrument: its kind must stay the same.
    const first = kinds[0];
    for (const later of kinds.slice(1)) {
      if (first && later.kind !== first.kind) {
        problems.push({
          file: rel(path.join(idDir, String(later.version), BASE_FILE)),
          line: 1,
          message: `kind ${later.kind} differs from version ${first.version}'s ${first.kind}; a different kind is a different instrument`,
        });
      }
    }
  }
  problems.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
  return { versions, problems };
}

/**
 * The content hash of every `<id>/<version>/` folder under `dir`, from the files alone: no parsing,
 * no checks. Null when the folder holds anything loadInstrumentsFromDir would have to report on (a
 * misplaced file, a misnamed folder, a .yml), so that the caller then runs the full load and its
 * messages. `npm start` compares these with the published hashes and skips the full load when
 * nothing is new or changed: parsing and checking every file is most of half a second (ADR 077).
 */
export function versionHashes(dir: string): { id: string; version: number; contentHash: string }[] | null {
  const root = path.resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) return null;
  const hashes: { id: string; version: number; contentHash: string }[] = [];
  for (const idEntry of sortedEntries(root)) {
    if (!idEntry.isDirectory()) {
      if (/\.ya?ml$/.test(idEntry.name)) return null;
      continue;
    }
    if (!INSTRUMENT_ID.test(idEntry.name)) return null;
    const idDir = path.join(root, idEntry.name);
    for (const versionEntry of sortedEntries(idDir)) {
      if (!versionEntry.isDirectory() || !/^[1-9]\d*$/.test(versionEntry.name)) return null;
      const versionDir = path.join(idDir, versionEntry.name);
      const files: { name: string; content: string }[] = [];
      for (const entry of sortedEntries(versionDir)) {
        if (!entry.isFile() || !entry.name.endsWith(".yaml")) return null;
        files.push({ name: entry.name, content: readFileSync(path.join(versionDir, entry.name), "utf8") });
      }
      if (!files.some((file) => file.name === BASE_FILE)) return null;
      hashes.push({ id: idEntry.name, version: Number(versionEntry.name), contentHash: contentHash(files) });
    }
  }
  return hashes;
}

/**
 * SHA-256 over the base file and then each translation file sorted by name, each as
 * `name NUL byte-length NUL bytes`, so renaming a file changes the hash. Line endings are normalised to
 * \n and a byte-order mark is dropped first: a Windows checkout (CRLF) is the same text, and must not
 * look like an edited published version.
 */
export function contentHash(files: { name: string; content: string }[]): string {
  const ordered = [...files].sort((a, b) =>
    a.name === BASE_FILE ? -1 : b.name === BASE_FILE ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const hash = createHash("sha256");
  for (const file of ordered) {
    const bytes = Buffer.from(normaliseText(file.content), "utf8");
    hash.update(`${file.name}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return hash.digest("hex");
}

function normaliseText(text: string) {
  return text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
}

/**
 * Only the base file of one version, checked on its own: for tools that need the definition while a
 * translation is still broken (listing the keys a translation needs).
 */
export function loadBaseDefinition(
  dir: string,
  id: string,
  version: number,
): { definition?: InstrumentDefinition; problems: Problem[] } {
  const versionDir = path.join(path.resolve(dir), id, String(version));
  if (!existsSync(versionDir)) return { problems: [{ file: rel(versionDir), line: 0, message: "no such version folder" }] };
  return loadVersion(versionDir, id, version, () => true, { baseOnly: true });
}

function loadVersion(
  versionDir: string,
  id: string,
  version: number,
  isKnownLanguage: (code: string) => boolean,
  options: { baseOnly?: boolean } = {},
): { version?: LoadedInstrumentVersion; definition?: InstrumentDefinition; problems: Problem[] } {
  const problems: Problem[] = [];
  const names = sortedEntries(versionDir);
  const baseFile = path.join(versionDir, BASE_FILE);
  const translationNames: string[] = [];
  for (const entry of names) {
    if (entry.name === BASE_FILE || options.baseOnly) continue;
    const file = rel(path.join(versionDir, entry.name));
    if (!entry.isFile()) problems.push({ file, line: 0, message: "unexpected folder in a version folder" });
    else if (entry.name.endsWith(".yml")) problems.push({ file, line: 0, message: "name it .yaml, not .yml" });
    else if (!entry.name.endsWith(".yaml")) {
      problems.push({ file, line: 0, message: `unexpected file; a version folder holds ${BASE_FILE} and <language>.yaml files only` });
    } else translationNames.push(entry.name);
  }
  if (!existsSync(baseFile)) {
    problems.push({ file: rel(versionDir), line: 0, message: `missing ${BASE_FILE}` });
    return { problems };
  }

  const sources = [{ name: BASE_FILE, content: readFileSync(baseFile, "utf8") }];
  const base = parseYaml(baseFile, sources[0]!.content, problems);
  let definition: InstrumentDefinition | undefined;
  if (base) {
    const parsed = instrumentDefinitionSchema.safeParse(base.data, { error: friendlyError, reportInput: true });
    if (!parsed.success) {
      reportZodIssues(parsed.error.issues, base, problems);
      checkFolderNames(base, id, version, problems);
    } else {
      definition = parsed.data;
      checkFolderNames(base, id, version, problems);
      for (const issue of checkDefinition(definition)) {
        problems.push({ file: base.file, line: base.lineOf(issue.path), message: `${describePath(base.data, issue.path)}${issue.message}` });
      }
      for (const entry of instrumentMessageEntries(definition)) {
        const check = checkIcuMessage(entry.text);
        if (!check.ok) problems.push({ file: base.file, line: base.lineOf(entry.path), message: `${entry.key}: ${check.error}` });
      }
    }
  }

  const translations: Translations = {};
  const english = definition ? instrumentMessageEntries(definition) : undefined;
  for (const name of translationNames) {
    const file = path.join(versionDir, name);
    const content = readFileSync(file, "utf8");
    sources.push({ name, content });
    const doc = parseYaml(file, content, problems);
    if (!doc) continue;
    const parsed = translationFileSchema.safeParse(doc.data, { error: friendlyError, reportInput: true });
    if (!parsed.success) {
      reportZodIssues(parsed.error.issues, doc, problems);
      continue;
    }
    const { language, review, messages } = parsed.data;
    const before = problems.length;
    const expected = name.slice(0, -".yaml".length);
    if (language !== expected) {
      problems.push({ file: doc.file, line: doc.lineOf(["language"]), message: `language "${language}" does not match the file name ${name} (expected "${expected}")` });
    } else if (language === SOURCE_LANGUAGE) {
      problems.push({ file: doc.file, line: doc.lineOf(["language"]), message: `English is the base language: its texts live in ${BASE_FILE}` });
    } else if (!isKnownLanguage(language)) {
      problems.push({ file: doc.file, line: doc.lineOf(["language"]), message: `language "${language}" is not in the language registry (app/i18n/languages.ts)` });
    }
    if (review.status === "reviewed" && !review.reviewed_by) {
      problems.push({ file: doc.file, line: doc.lineOf(["review", "status"]), message: "a reviewed translation needs reviewed_by: the reviewer's role (e.g. peer_researcher)" });
    }
    if (english) {
      const englishByKey = new Map(english.map((entry) => [entry.key, entry] as const));
      for (const entry of english) {
        if (!(entry.key in messages)) problems.push({ file: doc.file, line: 1, message: `missing message ${entry.key}` });
      }
      for (const [key, text] of Object.entries(messages)) {
        const source = englishByKey.get(key);
        if (!source) {
          problems.push({ file: doc.file, line: doc.lineOf(["messages", key], true), message: `extra message ${key}: the base file has no such text` });
          continue;
        }
        const line = doc.lineOf(["messages", key]);
        if (text.trim() === "") {
          problems.push({ file: doc.file, line, message: `${key}: empty message` });
          continue;
        }
        const check = checkIcuMessage(text);
        if (!check.ok) {
          problems.push({ file: doc.file, line, message: `${key}: ${check.error}` });
          continue;
        }
        // A translation may drop an argument (rare, but grammatical), never invent one: formatting would fail.
        const sourceCheck = checkIcuMessage(source.text);
        const known = new Set(sourceCheck.ok ? sourceCheck.arguments : []);
        const unknown = check.arguments.filter((name) => !known.has(name));
        if (unknown.length > 0) {
          problems.push({ file: doc.file, line, message: `${key}: uses {${unknown.join("}, {")}}, which the English text does not have` });
        }
      }
    }
    if (problems.length === before) translations[language] = { review, messages };
  }

  if (options.baseOnly || problems.length > 0 || !definition) return { problems, definition: problems.length ? undefined : definition };
  return {
    problems,
    version: {
      id,
      version,
      kind: definition.kind,
      definition,
      translations,
      contentHash: contentHash(sources),
      files: [rel(baseFile), ...translationNames.map((name) => rel(path.join(versionDir, name)))],
    },
  };
}

interface ParsedYaml {
  file: string;
  data: unknown;
  /** The line of the node at `path`, or of its nearest existing parent; with `key`, the key's line. */
  lineOf(path: readonly PropertyKey[], key?: boolean): number;
}

function parseYaml(absolute: string, content: string, problems: Problem[]): ParsedYaml | undefined {
  const file = rel(absolute);
  const lineCounter = new LineCounter();
  const doc = parseDocument(content, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const issues = [...doc.errors, ...doc.warnings];
  for (const error of issues) {
    const firstLine = error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    problems.push({ file, line: error.linePos?.[0].line ?? 1, message: `YAML: ${firstLine}` });
  }
  if (doc.errors.length > 0) return undefined;
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  return { file, data, lineOf: (target, key = false) => lineOfPath(doc, lineCounter, target, key) };
}

function lineOfPath(doc: Document, lineCounter: LineCounter, target: readonly PropertyKey[], key: boolean): number {
  let node: unknown = doc.contents;
  let line = lineFromNode(node, lineCounter) ?? 1;
  for (let i = 0; i < target.length; i++) {
    const segment = target[i];
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((candidate) => isPair(candidate) && isScalar(candidate.key) && String(candidate.key.value) === String(segment));
      if (!pair) break;
      const last = i === target.length - 1;
      // A missing value (`text:` with nothing after it) has no position of its own: use the key's.
      next = last && key ? pair.key : (pair.value ?? pair.key);
      if (isScalar(pair.value) && pair.value.value === null && pair.value.range?.[0] === pair.value.range?.[1]) next = pair.key;
    } else if (isSeq(node) && typeof segment === "number") {
      next = node.items[segment];
      if (next === undefined) break;
    } else {
      break;
    }
    node = next;
    line = lineFromNode(node, lineCounter) ?? line;
  }
  return line;
}

function lineFromNode(node: unknown, lineCounter: LineCounter): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? lineCounter.linePos(range[0]).line : undefined;
}

function checkFolderNames(doc: ParsedYaml, id: string, version: number, problems: Problem[]) {
  const data = (doc.data ?? {}) as Record<string, unknown>;
  if (typeof data.id === "string" && data.id !== id) {
    problems.push({ file: doc.file, line: doc.lineOf(["id"]), message: `id "${data.id}" does not match the folder name "${id}"` });
  }
  if (typeof data.version === "number" && data.version !== version) {
    problems.push({ file: doc.file, line: doc.lineOf(["version"]), message: `version ${data.version} does not match the folder name "${version}"` });
  }
}

function reportZodIssues(issues: readonly z.core.$ZodIssue[], doc: ParsedYaml, problems: Problem[]) {
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        problems.push({ file: doc.file, line: doc.lineOf([...issue.path, key], true), message: `${describePath(doc.data, issue.path)}unknown key "${key}"` });
      }
      continue;
    }
    // A bad record key (a scale label "one:" instead of "1:") carries the key's own issue inside.
    const message = issue.code === "invalid_key" ? (issue.issues[0]?.message ?? issue.message) : issue.message;
    problems.push({ file: doc.file, line: doc.lineOf(issue.path, issue.code === "invalid_key"), message: `${describePath(doc.data, issue.path)}${message}` });
  }
}

const ELEMENT_NAMES: Record<string, string> = {
  sections: "section",
  items: "item",
  statements: "statement",
  measures: "measure",
  options: "option",
  entries: "entry",
  bands: "band",
};

/**
 * "item who5_1, scale.max: " for ["sections", 0, "items", 2, "scale", "max"]: the innermost element
 * named by its id (or option value), then the rest of the path. Empty for the top level.
 */
function describePath(data: unknown, target: readonly PropertyKey[]): string {
  let node: unknown = data;
  let label = "";
  let rest: string[] = [];
  for (let i = 0; i < target.length; i++) {
    const segment = target[i]!;
    const parentKey = target[i - 1];
    node = node && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[segment as string] : undefined;
    const isElement = typeof segment === "number" && typeof parentKey === "string" && ELEMENT_NAMES[parentKey] && node && typeof node === "object";
    if (isElement) {
      const record = (node && typeof node === "object" ? node : {}) as Record<string, unknown>;
      const name = record.id ?? record.value;
      label = `${ELEMENT_NAMES[parentKey]} ${typeof name === "string" || typeof name === "number" ? name : `#${segment + 1}`}`;
      rest = [];
    } else if (!(typeof segment === "string" && ELEMENT_NAMES[segment] && typeof target[i + 1] === "number" && isObjectAt(node, target[i + 1]!))) {
      rest.push(typeof segment === "number" ? `[${segment}]` : String(segment));
    }
  }
  const where = [label, rest.join(".").replace(/\.\[/g, "[")].filter(Boolean).join(", ");
  return where ? `${where}: ` : "";
}

function isObjectAt(node: unknown, index: PropertyKey): boolean {
  const child = Array.isArray(node) ? node[index as number] : undefined;
  return Boolean(child && typeof child === "object");
}

const TYPE_NAMES: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  object: "a mapping (key: value lines)",
  array: "a list",
  null: "empty",
};

/**
 * Messages for issues the schema gives no message of its own, in the words of the format doc (the
 * people reading them write YAML, not TypeScript).
 */
function friendlyError(issue: z.core.$ZodRawIssue): string | undefined {
  const input = issue.input;
  const received =
    input === null ? "empty" : Array.isArray(input) ? "a list" : typeof input === "object" ? "a mapping" : typeof input === "string" ? `"${input}"` : String(input);
  switch (issue.code) {
    case "invalid_type":
      if (input === undefined) return `missing (expected ${TYPE_NAMES[issue.expected] ?? issue.expected})`;
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${received}`;
    case "invalid_value":
      return `must be ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map(String).join(" | ")}`}, not ${received}`;
    case "invalid_union": {
      const note = (issue as { note?: string; options?: unknown[] }).note;
      const options = (issue as { options?: unknown[] }).options;
      if (note === "No matching discriminator" && options) {
        // The issue's input is the whole item; what is wrong is its discriminator ("type").
        const discriminator = (issue as { discriminator?: string }).discriminator ?? "type";
        const value = input && typeof input === "object" ? (input as Record<string, unknown>)[discriminator] : undefined;
        const got = typeof value === "string" ? `"${value}"` : String(value);
        return value === undefined ? `missing (expected one of ${options.join(" | ")})` : `must be one of ${options.join(" | ")}, not ${got}`;
      }
      return "must be { item: <id>, equals: <answer> } or { item: <id>, in: [<answers>] }";
    }
    case "too_small":
      if (issue.origin === "array") return `needs at least ${issue.minimum} entr${issue.minimum === 1 ? "y" : "ies"}`;
      if (issue.origin === "string") return "must not be empty";
      return `must be ${issue.inclusive ? "at least" : "above"} ${issue.minimum}`;
    case "too_big":
      return `must be ${issue.inclusive ? "at most" : "below"} ${issue.maximum}`;
    default:
      return undefined;
  }
}

function sortedEntries(dir: string) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith("."))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function rel(absolute: string) {
  return path.relative(process.cwd(), absolute) || ".";
}
