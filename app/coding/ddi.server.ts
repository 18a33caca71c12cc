/**
 * The data dictionary as DDI-Codebook 2.5 XML (issue 16 item 7, ADR 072), beside the CSV dictionary,
 * so an archive such as the UK Data Service can take the data: the study (title, slug), the answer
 * files, and one `var` per variable with the same names as the SPSS / Stata files, its label and
 * question text in the chosen language, its categories (option labels) and the two missing codes
 * (skipped -1, not asked -2, `missing="Y"`), and the questionnaire and version it came from.
 *
 * It describes questionnaires only, never a participant's answer, so it reads nothing through the
 * consent gate beyond which questionnaire versions were answered; it is audited like every export.
 */
import type { DB } from "../../db/index";
import { recordAudit } from "../audit/log.server";
import { requireStudy, type StudyScope } from "../consent/scope.server";
import type { Actor } from "./exports.server";
import { MISSING_LABELS, statsVariables } from "./stats-export.server";
import { SPSS_NOT_ASKED, SPSS_SKIPPED } from "./stats-formats";

const DDI_NAMESPACE = "ddi:codebook:2_5";
const DDI_SCHEMA = "http://www.ddialliance.org/Specification/DDI-Codebook/2.5/XMLSchema/codebook.xsd";

/** Whether XML 1.0 can hold a character: not C0 controls but tab and line ends, lone surrogates, U+FFFE/F. */
function xmlChar(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  if (c < 0x20) return c === 0x09 || c === 0x0a || c === 0x0d;
  return !(c >= 0xd800 && c <= 0xdfff) && c !== 0xfffe && c !== 0xffff;
}

/** Text for XML 1.0: escaped, and without the characters XML cannot hold. */
export function xmlText(text: string): string {
  return Array.from(text)
    .filter(xmlChar)
    .join("")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function element(name: string, text: string, attributes: Record<string, string | number | undefined> = {}): string {
  const attrs = Object.entries(attributes)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlText(String(v))}"`)
    .join("");
  return `<${name}${attrs}>${xmlText(text)}</${name}>`;
}

const RESPONSE_TYPES: Record<string, string> = {
  yes_no: "category",
  single_choice: "category",
  multiple_choice: "multiple",
  rating: "numeric",
  scale_0_10: "numeric",
  number: "numeric",
  short_text: "text",
  long_text: "text",
};

/** The codebook, labelled in `language` (English where a translation lacks a text). Audited as `data_dictionary_ddi`. */
export async function exportDdiCodebook(db: DB, scope: StudyScope, actor: Actor, input: { language?: string }): Promise<string> {
  const study = await requireStudy(db, scope);
  const language = input.language ?? "en";
  const titles = (typeof study.titles === "string" ? JSON.parse(study.titles) : study.titles) as Record<string, string>;
  const title = titles?.[language] || titles?.en || study.slug;
  const { questions, variables } = await statsVariables(db, scope, language);
  const responseVariables = variables.slice(0, variables.length - questions.length);
  const id = (i: number) => `V${i + 1}`;
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<codeBook xmlns="${DDI_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${DDI_NAMESPACE} ${DDI_SCHEMA}" version="2.5" ID="${xmlText(`tandem-${study.slug}`.replace(/[^A-Za-z0-9_.-]/g, "_"))}" xml:lang="${xmlText(language)}">`,
    "  <stdyDscr>",
    "    <citation>",
    "      <titlStmt>",
    `        ${element("titl", title)}`,
    `        ${element("IDNo", study.slug, { agency: "Tandem" })}`,
    "      </titlStmt>",
    "    </citation>",
    "  </stdyDscr>",
  ];
  const files: [string, string, string][] = [
    ["F1", `${study.slug}-answers.sav`, "SPSS system file"],
    ["F2", `${study.slug}-answers.dta`, "Stata 14 data file (format 118)"],
    ["F3", `${study.slug}-answers-wide.csv`, "CSV, UTF-8"],
  ];
  for (const [fileId, name, type] of files) {
    out.push(
      `  <fileDscr ID="${fileId}">`,
      "    <fileTxt>",
      `      ${element("fileName", name)}`,
      `      ${element("fileCont", "One row per questionnaire response; one variable per question. Pseudonymous respondents; free text redacted.")}`,
      "      <dimensns>",
      `        ${element("varQnty", String(variables.length))}`,
      "      </dimensns>",
      `      ${element("fileType", type, { charset: "UTF-8" })}`,
      "    </fileTxt>",
      "  </fileDscr>",
    );
  }
  out.push("  <dataDscr>");
  // One group per questionnaire version: the instrument version each question belongs to.
  const versions = new Map<string, number[]>();
  questions.forEach((q, k) => {
    const key = `${q.instrumentId}\u0000${q.version}`;
    versions.set(key, [...(versions.get(key) ?? []), responseVariables.length + k]);
  });
  for (const [key, members] of versions) {
    const [instrumentId, version] = key.split("\u0000");
    out.push(
      `    <varGrp type="version" name="${xmlText(`${instrumentId} v${version}`)}" var="${members.map(id).join(" ")}">`,
      `      ${element("labl", `Questionnaire ${instrumentId}, version ${version}`)}`,
      "    </varGrp>",
    );
  }
  const allFiles = files.map(([f]) => f).join(" ");
  responseVariables.forEach((v, i) => {
    out.push(
      `    <var ID="${id(i)}" name="${xmlText(v.name)}" files="${allFiles}" intrvl="discrete">`,
      `      ${element("labl", v.label)}`,
      `      <varFormat type="${v.type === "numeric" ? "numeric" : "character"}"/>`,
      "    </var>",
    );
  });
  questions.forEach((q, k) => {
    const v = q.variable;
    const i = responseVariables.length + k;
    const continuous = v.type === "numeric" && (q.type === "number" || q.type === "rating" || q.type === "scale_0_10");
    out.push(`    <var ID="${id(i)}" name="${xmlText(v.name)}" files="${allFiles}" intrvl="${continuous ? "contin" : "discrete"}">`);
    out.push(`      ${element("labl", v.label)}`);
    out.push(
      `      <qstn responseDomainType="${RESPONSE_TYPES[q.type] ?? "other"}">`,
      `        ${element("qstnLit", v.label)}`,
      "      </qstn>",
    );
    for (const l of v.valueLabels ?? []) {
      out.push(
        "      <catgry>",
        `        ${element("catValu", String(l.value))}`,
        `        ${element("labl", l.label)}`,
        "      </catgry>",
      );
    }
    if (v.missingCodes) {
      for (const [value, label] of [
        [SPSS_SKIPPED, MISSING_LABELS.skipped],
        [SPSS_NOT_ASKED, MISSING_LABELS.notAsked],
      ] as const) {
        out.push(
          `      <catgry missing="Y" missType="${xmlText(label)}">`,
          `        ${element("catValu", String(value))}`,
          `        ${element("labl", label)}`,
          `        ${element("txt", value === SPSS_SKIPPED ? "Stata: .a. Asked in this response's questionnaire, not answered." : "Stata: .b. Not part of this response's questionnaire.")}`,
          "      </catgry>",
        );
      }
    }
    out.push(
      "      <verStmt>",
      `        ${element("version", String(q.version))}`,
      `        ${element("notes", `Questionnaire ${q.instrumentId}; CSV column ${q.instrumentId}.v${q.version}.${q.itemId}`)}`,
      "      </verStmt>",
      `      <varFormat type="${v.type === "numeric" ? "numeric" : "character"}"/>`,
      "    </var>",
    );
  });
  out.push("  </dataDscr>", "</codeBook>", "");
  await recordAudit(db, {
    actorUserId: actor.userId,
    organisationId: scope.organisationId,
    action: "export",
    subject: study.slug,
    detail: { export: "data_dictionary_ddi", via: actor.via, filter: {}, language, rows: variables.length },
  });
  return out.join("\n");
}
