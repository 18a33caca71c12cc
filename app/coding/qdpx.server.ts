/**
 * REFI-QDA project export (.qdpx), so a study opens in NVivo, ATLAS.ti, MAXQDA or QualCoder
 * (docs/decisions/034-refi-qda-export.md). A .qdpx is a zip of `project.qde` (QDA-XML,
 * urn:QDA-XML:project:1.0, validated in tests against tests/fixtures/refi-qda/Project.xsd) and
 * `sources/<guid>.txt`.
 *
 * - One text source per session (its turns as "Speaker (language): text" paragraphs) and one per
 *   questionnaire response (its free-text answers under their item ids). Speakers are "Facilitator",
 *   "Interpreter" or "Participant N": never a code, never a name. Each turn carries its own language.
 * - An interpreter's linked rendering reads "Interpreter (en), rendering Participant N: …"; the two
 *   turns are also PlainTextSelections (uncoded, named by speaker, turn and language) joined by a
 *   OneWay <Link name="renders"> from the rendering to the original, which QDA tools that read links
 *   show as a relation and others ignore (docs/decisions/063-turn-language-and-linked-translations.md).
 * - The text is the REDACTED text (every redaction not dismissed), and each coding's offsets are
 *   mapped through the redaction, so a coded span still covers the same words.
 * - Positions are code points, which is what QualCoder (Python str) and the schema's "characters" mean.
 * - Read through the consent gate with the "analysis" purpose: erased participants are absent.
 * - Each participant the gate lets through is a Case named by their export pseudonym (the one every
 *   other export joins on), with Variables to compare by: Language, Cohort, Timepoints and one
 *   "Timepoint: <name>" yes/no per timepoint. A case refers to its questionnaire responses
 *   (SourceRef) and to its own turns in sessions (SelectionRef to an uncoded PlainTextSelection per
 *   turn), never to a whole focus group. No memos (ADR 038). See docs/decisions/071-codebook-exchange.md.
 */
import { namesOf } from "../organisations/names.server";
import { createHash } from "node:crypto";
import { crc32, deflateRawSync } from "node:zlib";
import type { DB } from "../../db/index";
import { recordAudit } from "../audit/log.server";
import { readUnits, type GatedUnit } from "../consent/units.server";
import { caseAttributes } from "../consent/cases.server";
import { participantPseudonym } from "../disclosure/pseudonyms";
import { requireStudy, type StudyScope } from "../consent/scope.server";
import { type UnitKey } from "./units";
import { codingsOnUnits } from "../consent/codings.server";
import { listThemes, treeOrder, type Theme } from "./codebook.server";
import { redactionMarker } from "./redaction";
import { redactionsFor, type StoredRedaction } from "./redactions.server";
import { respondentLabel } from "./quotes.server";

export function escapeXml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- characters XML 1.0 does not allow
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
  );
}

/**
 * Applies redactions (all but dismissed) and returns the new text with a function mapping an
 * original code point offset to the redacted text's offset. An offset inside a redacted span maps to
 * the marker's start (for a start) or end (for an end), so a coding never cuts a marker in half.
 */
export function redactWithOffsets(text: string, redactions: readonly StoredRedaction[]) {
  const chars = Array.from(text);
  const spans = redactions
    .filter((r) => r.status !== "dismissed" && r.start >= 0 && r.end <= chars.length && r.end > r.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: { start: number; end: number; kinds: string[] }[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.start < last.end) {
      last.end = Math.max(last.end, s.end);
      if (!last.kinds.includes(s.kind)) last.kinds.push(s.kind);
    } else merged.push({ start: s.start, end: s.end, kinds: [s.kind] });
  }
  let out = "";
  let at = 0;
  let shift = 0;
  const marks: { start: number; end: number; newStart: number; newEnd: number; shiftAfter: number }[] = [];
  for (const m of merged) {
    out += chars.slice(at, m.start).join("");
    const marker = redactionMarker(m.kinds.join(", "));
    const markerLength = Array.from(marker).length;
    const newStart = m.start + shift;
    out += marker;
    shift += markerLength - (m.end - m.start);
    marks.push({ start: m.start, end: m.end, newStart, newEnd: newStart + markerLength, shiftAfter: shift });
    at = m.end;
  }
  out += chars.slice(at).join("");
  const map = (offset: number, edge: "start" | "end") => {
    let s = 0;
    for (const m of marks) {
      if (offset <= m.start) break;
      if (offset < m.end) return edge === "start" ? m.newStart : m.newEnd;
      s = m.shiftAfter;
    }
    return offset + s;
  };
  return { text: out, map };
}

/** A deterministic GUID for an id that is not one (e.g. a response + item). */
function guidFrom(text: string): string {
  const h = createHash("sha256").update(text).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

interface SourceDoc {
  guid: string;
  name: string;
  text: string;
  selections: { guid: string; start: number; end: number; themeId: string; coderId: string; createdAt: Date }[];
  /** Whole turns that are a participant's words (a case's) or one side of a rendering link. */
  turns: { guid: string; start: number; end: number; name: string }[];
  /** The participant whose questionnaire response this document is. */
  respondent: string | null;
}

export interface QdpxResult {
  zip: Buffer;
  xml: string;
  sources: { guid: string; text: string }[];
  counts: { sources: number; codes: number; selections: number; cases: number };
}

export async function buildQdpx(db: DB, scope: StudyScope): Promise<QdpxResult> {
  const study = await requireStudy(db, scope);
  const themes = await listThemes(db, scope);
  const units = [...(await readUnits(db, scope, "analysis")).values()];
  const redactions = await redactionsFor(
    db,
    scope,
    units.map((u) => u.key),
  );
  const codings = await codingsOnUnits(
    db,
    scope,
    units.map((u) => u.key),
  );
  const codingsByUnit = new Map<UnitKey, typeof codings>();
  for (const c of codings) codingsByUnit.set(c.unit, [...(codingsByUnit.get(c.unit) ?? []), c]);
  const positions = new Map(
    (
      await db
        .selectFrom("session_attendee")
        .innerJoin("study_session", "study_session.id", "session_attendee.session_id")
        .select(["session_attendee.session_id", "session_attendee.participant_id", "session_attendee.position"])
        .where("study_session.study_id", "=", scope.studyId)
        .execute()
    ).map((r) => [`${r.session_id}|${r.participant_id}`, r.position]),
  );

  // Renderings whose original is in the export too (the gate returns both or neither, as they share an owner).
  const exported = new Set(units.map((u) => u.key));
  const links = units.flatMap((u) => (u.renders && exported.has(u.renders.key) ? [{ from: u.key, to: u.renders.key }] : []));
  const linked = new Set(links.flatMap((l) => [l.from, l.to]));
  const turnGuid = (key: UnitKey) => guidFrom(`turn:${scope.studyId}:${key}`);
  const speakerName = (u: GatedUnit) =>
    u.speakerRole === "participant"
      ? `Participant ${positions.get(`${u.sessionId}|${u.participantId}`) ?? "?"}`
      : u.speakerRole === "facilitator"
        ? "Facilitator"
        : "Interpreter";
  const renderedName = new Map(units.map((u) => [u.key, speakerName(u)]));

  // Group units into documents: one per session, one per response.
  const docs = new Map<string, { name: string; respondent: string | null; parts: { unit: GatedUnit; prefix: string }[] }>();
  for (const u of units) {
    let docKey: string;
    let name: string;
    let prefix: string;
    if (u.sessionId) {
      docKey = `session:${u.sessionId}`;
      name = `${u.sessionLabel} (${u.heldOn?.slice(0, 7)})`;
      const rendering = u.renders && renderedName.get(u.renders.key);
      prefix = `${speakerName(u)} (${u.language})${rendering ? `, rendering ${rendering}` : ""}: `;
    } else {
      const responseId = u.key.split(":")[1]!;
      docKey = `response:${responseId}`;
      name = `Respondent ${respondentLabel(scope.studyId, u.participantId ?? "")} (${u.heldOn?.slice(0, 7)})`;
      prefix = `${u.itemId}: `;
    }
    const doc = docs.get(docKey) ?? { name, respondent: u.sessionId ? null : u.participantId, parts: [] };
    doc.parts.push({ unit: u, prefix });
    docs.set(docKey, doc);
  }

  const sources: SourceDoc[] = [];
  // A case's own turns, by participant: their words and interpreters' renderings of them.
  const caseTurns = new Map<string, string[]>();
  const usedThemes = new Set<string>();
  const users = new Set<string>();
  for (const [docKey, doc] of docs) {
    let text = "";
    let at = 0;
    const selections: SourceDoc["selections"] = [];
    const turns: SourceDoc["turns"] = [];
    for (const [i, part] of doc.parts.entries()) {
      if (i > 0) {
        text += "\n\n";
        at += 2;
      }
      const { text: redacted, map } = redactWithOffsets(part.unit.text, redactions.get(part.unit.key) ?? []);
      const base = at + Array.from(part.prefix).length;
      text += part.prefix + redacted;
      at = base + Array.from(redacted).length;
      const owner = part.unit.sessionId ? part.unit.ownerId : null;
      if ((linked.has(part.unit.key) || owner) && at > base) {
        if (owner) caseTurns.set(owner, [...(caseTurns.get(owner) ?? []), turnGuid(part.unit.key)]);
        turns.push({
          guid: turnGuid(part.unit.key),
          start: base,
          end: at,
          name: `${part.prefix.replace(/: $/, "")}, turn ${part.unit.position ?? ""}`,
        });
      }
      for (const c of codingsByUnit.get(part.unit.key) ?? []) {
        const start = base + map(c.start, "start");
        const end = base + map(c.end, "end");
        if (end <= start) continue;
        usedThemes.add(c.themeId);
        users.add(c.coderId);
        selections.push({ guid: c.id, start, end, themeId: c.themeId, coderId: c.coderId, createdAt: c.createdAt });
      }
    }
    sources.push({ guid: guidFrom(`${scope.studyId}:${docKey}`), name: doc.name, text, selections, turns, respondent: doc.respondent });
  }

  const userNames = await namesOf(db, [...users]);
  const liveThemes = new Map(themes.map((t) => [t.id, t]));
  const codeXml = (list: (Theme & { depth: number })[], parentId: string | null, indent: string): string =>
    list
      .filter((t) => (t.parentId && liveThemes.has(t.parentId) ? t.parentId : null) === parentId)
      .map((t) => {
        const description = [t.definition, t.useWhen && `Use when: ${t.useWhen}`, t.notUseWhen && `Do not use when: ${t.notUseWhen}`]
          .filter(Boolean)
          .join("\n");
        const children = codeXml(list, t.id, `${indent}  `);
        const inner =
          (description ? `\n${indent}  <Description>${escapeXml(description)}</Description>` : "") + (children ? `\n${children}` : "");
        return `${indent}<Code guid="${t.id}" name="${escapeXml(t.name)}" isCodable="${t.status === "accepted" || usedThemes.has(t.id)}" color="${t.colour.toUpperCase()}"${inner ? `>${inner}\n${indent}</Code>` : "/>"}`;
      })
      .join("\n");

  const cases = await caseAttributes(db, scope);
  const timepoints = [...new Set(cases.flatMap((c) => c.timepoints))].sort();
  const variables = [
    { key: "language", name: "Language", type: "Text" as const },
    { key: "cohort", name: "Cohort", type: "Text" as const },
    { key: "timepoints", name: "Timepoints", type: "Text" as const },
    ...timepoints.map((tp) => ({ key: `timepoint:${tp}`, name: `Timepoint: ${tp}`, type: "Boolean" as const })),
  ].map((v) => ({ ...v, guid: guidFrom(`variable:${scope.studyId}:${v.key}`) }));
  const variableGuid = new Map(variables.map((v) => [v.key, v.guid]));
  const value = (key: string, element: "TextValue" | "BooleanValue", text: string) =>
    `      <VariableValue><VariableRef targetGUID="${variableGuid.get(key)}"/><${element}>${escapeXml(text)}</${element}></VariableValue>`;
  const caseXml = cases.map((c) => {
    const responses = sources.filter((s) => s.respondent === c.participantId);
    return [
      `    <Case guid="${guidFrom(`case:${scope.studyId}:${c.participantId}`)}" name="${participantPseudonym(scope.studyId, c.participantId)}">`,
      value("language", "TextValue", c.language),
      ...(c.cohort ? [value("cohort", "TextValue", c.cohort)] : []),
      value("timepoints", "TextValue", c.timepoints.join(", ")),
      ...timepoints.map((tp) => value(`timepoint:${tp}`, "BooleanValue", String(c.timepoints.includes(tp)))),
      ...responses.map((s) => `      <SourceRef targetGUID="${s.guid}"/>`),
      ...(caseTurns.get(c.participantId) ?? []).map((guid) => `      <SelectionRef targetGUID="${guid}"/>`),
      `    </Case>`,
    ].join("\n");
  });

  const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  const title = (study.titles as Record<string, string>).en ?? study.slug;
  const xml = [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<Project xmlns="urn:QDA-XML:project:1.0" name="${escapeXml(title)}" origin="Tandem" creationDateTime="${now}">`,
    ...(userNames.size
      ? ["  <Users>", ...[...userNames].map(([id, name]) => `    <User guid="${id}" name="${escapeXml(name)}"/>`), "  </Users>"]
      : []),
    ...(themes.length ? ["  <CodeBook>", "    <Codes>", codeXml(treeOrder(themes), null, "      "), "    </Codes>", "  </CodeBook>"] : []),
    ...(cases.length
      ? [
          "  <Variables>",
          ...variables.map((v) => `    <Variable guid="${v.guid}" name="${escapeXml(v.name)}" typeOfVariable="${v.type}"/>`),
          "  </Variables>",
          "  <Cases>",
          ...caseXml,
          "  </Cases>",
        ]
      : []),
    ...(sources.length
      ? [
          "  <Sources>",
          ...sources.map((s) =>
            [
              `    <TextSource guid="${s.guid}" name="${escapeXml(s.name)}" plainTextPath="internal://${s.guid}.txt">`,
              ...s.turns.map(
                (turn) =>
                  `      <PlainTextSelection guid="${turn.guid}" name="${escapeXml(turn.name)}" startPosition="${turn.start}" endPosition="${turn.end}"/>`,
              ),
              ...s.selections
                .filter((sel) => liveThemes.has(sel.themeId))
                .map(
                  (sel) =>
                    `      <PlainTextSelection guid="${sel.guid}" startPosition="${sel.start}" endPosition="${sel.end}" creatingUser="${sel.coderId}" creationDateTime="${sel.createdAt.toISOString().replace(/\.\d{3}Z$/, "Z")}">\n` +
                    `        <Coding guid="${guidFrom(`coding:${sel.guid}`)}" creatingUser="${sel.coderId}"><CodeRef targetGUID="${sel.themeId}"/></Coding>\n` +
                    `      </PlainTextSelection>`,
                ),
              `    </TextSource>`,
            ].join("\n"),
          ),
          "  </Sources>",
        ]
      : []),
    ...(links.length
      ? [
          "  <Links>",
          ...links.map(
            (l) =>
              `    <Link guid="${guidFrom(`link:${scope.studyId}:${l.from}`)}" name="renders" direction="OneWay" originGUID="${turnGuid(l.from)}" targetGUID="${turnGuid(l.to)}"/>`,
          ),
          "  </Links>",
        ]
      : []),
    `</Project>`,
    "",
  ].join("\n");

  const files = [
    { name: "project.qde", data: Buffer.from(xml, "utf8") },
    ...sources.map((s) => ({ name: `sources/${s.guid}.txt`, data: Buffer.from(s.text, "utf8") })),
  ];
  return {
    zip: zipFiles(files),
    xml,
    sources: sources.map((s) => ({ guid: s.guid, text: s.text })),
    counts: {
      sources: sources.length,
      codes: themes.length,
      selections: sources.reduce((n, s) => n + s.selections.length, 0),
      cases: cases.length,
    },
  };
}

export async function exportQdpx(
  db: DB,
  scope: StudyScope,
  actor: { userId: string | null; via: "workspace" | "cli" },
): Promise<QdpxResult> {
  const study = await requireStudy(db, scope);
  const result = await buildQdpx(db, scope);
  await recordAudit(db, {
    actorUserId: actor.userId,
    organisationId: scope.organisationId,
    action: "export",
    subject: study.slug,
    detail: {
      export: "qdpx",
      via: actor.via,
      sources: result.counts.sources,
      codes: result.counts.codes,
      cases: result.counts.cases,
      rows: result.counts.selections,
    },
  });
  return result;
}

/** A minimal zip (PKWARE APPNOTE 6.3: local headers, deflate, central directory; UTF-8 names). */
export function zipFiles(files: { name: string; data: Buffer }[]): Buffer {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const name = Buffer.from(file.name, "utf8");
    const compressed = deflateRawSync(file.data);
    const crc = crc32(file.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(file.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    chunks.push(local, name, compressed);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x0800, 8);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt16LE(0, 12);
    dir.writeUInt16LE(0x21, 14);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(compressed.length, 20);
    dir.writeUInt32LE(file.data.length, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    central.push(dir, name);
    offset += local.length + name.length + compressed.length;
  }
  const centralSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, ...central, end]);
}
