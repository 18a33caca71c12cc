/**
 * An R script that reads the wide answers CSV (exports.server.ts) and gives it the labels the .sav and
 * .dta files carry (issue 16 item 6, ADR 072): the same variable names, question texts as variable
 * labels, option labels as factor levels, scale end labels, and why an answer is missing ("skipped" or
 * "not asked"). Base R only, so it runs wherever R does.
 *
 * The script holds no participant content (only the questionnaires' wording), so it reads nothing
 * through the consent gate; the CSV it reads is the gated, redacted export. Every text from a
 * questionnaire enters the script as an escaped R string literal (ASCII only), so no wording can
 * become code and Arabic or Welsh survives whatever locale R runs in.
 */
import type { DB } from "../../db/index";
import { recordAudit } from "../audit/log.server";
import { requireStudy, type StudyScope } from "../consent/scope.server";
import type { Actor } from "./exports.server";
import { MISSING_LABELS, statsVariables } from "./stats-export.server";

/** An R string literal with every character outside printable ASCII escaped. */
export function rString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (code >= 0x20 && code < 0x7f) out += ch;
    else if (code <= 0xffff) out += `\\u{${code.toString(16).padStart(4, "0")}}`;
    else out += `\\U{${code.toString(16).padStart(8, "0")}}`;
  }
  return `${out}"`;
}

const rVector = (items: string[]) => `c(${items.join(", ")})`;

/** The script, for answers labelled in `language`. Audited as `answers_r`. */
export async function exportAnswersRScript(db: DB, scope: StudyScope, actor: Actor, input: { language?: string }): Promise<string> {
  const study = await requireStudy(db, scope);
  const language = input.language ?? "en";
  const { questions, variables } = await statsVariables(db, scope, language);
  const lines: string[] = [
    `# Answers of study ${rString(study.slug)}, labelled in ${rString(language)}: made by Tandem.`,
    "# Reads the wide answers CSV (one row per questionnaire response) into `answers`, with the same",
    "# variable names, labels and missing codes as the SPSS and Stata files. Base R only.",
    "#   Rscript answers.R answers-wide.csv     or, in R:  answers_csv <- 'answers-wide.csv'; source('answers.R')",
    "",
    "args <- commandArgs(trailingOnly = TRUE)",
    'if (!exists("answers_csv")) answers_csv <- if (length(args) > 0) args[1] else "answers-wide.csv"',
    'raw <- read.csv(answers_csv, fileEncoding = "UTF-8-BOM", encoding = "UTF-8", colClasses = "character",',
    "  check.names = FALSE, na.strings = character(0))",
    "# Tandem's CSV puts a ' before text a spreadsheet would run as a formula: take it off again.",
    'raw[] <- lapply(raw, function(x) sub("^\'(?=[\\t\\r\\n]|\\\\s*[-=+@\\uff1d\\uff0b\\uff0d\\uff20])", "", x, perl = TRUE))',
    "",
    `skipped <- ${rString(MISSING_LABELS.skipped)}`,
    `not_asked <- ${rString(MISSING_LABELS.notAsked)}`,
    'column <- function(name) if (name %in% names(raw)) raw[[name]] else rep("", nrow(raw))',
    "# Why a cell is empty: a question of the response's own questionnaire was skipped; any other was not asked.",
    "missing_reason <- function(x, instrument, version) {",
    '  asked <- raw[["instrument"]] == instrument & raw[["version"]] == version',
    "  reason <- rep(NA_character_, length(x))",
    '  reason[x == "" & asked] <- skipped',
    '  reason[x == "" & !asked] <- not_asked',
    "  reason",
    "}",
    "labelled <- function(x, label, reason = NULL, labels = NULL) {",
    '  attr(x, "label") <- label',
    '  if (!is.null(labels)) attr(x, "labels") <- labels',
    '  if (!is.null(reason)) attr(x, "missing_reason") <- reason',
    "  x",
    "}",
    'number <- function(x) suppressWarnings(as.numeric(ifelse(x == "", NA, x)))',
    'text <- function(x) ifelse(x == "", NA_character_, x)',
    "",
    "answers <- data.frame(row.names = seq_len(nrow(raw)))",
  ];
  const wide = ["respondent", "instrument", "version", "timepoint", "language", "mode", "month"];
  variables.slice(0, wide.length).forEach((v, i) => {
    const read = v.type === "numeric" ? "number" : "text";
    lines.push(`answers[[${rString(v.name)}]] <- labelled(${read}(column(${rString(wide[i]!)})), ${rString(v.label)})`);
  });
  for (const q of questions) {
    const v = q.variable;
    const csvColumn = `${q.instrumentId}.v${q.version}.${q.itemId}`;
    lines.push("", `x <- column(${rString(csvColumn)})`, `reason <- missing_reason(x, ${rString(q.instrumentId)}, ${q.version})`);
    const labels = [...(v.valueLabels ?? [])].sort((a, b) => a.value - b.value);
    let value: string;
    if (q.type === "single_choice" && q.codes) {
      const byCode = new Map(labels.map((l) => [l.value, l.label]));
      const stored = [...q.codes.entries()].sort((a, b) => a[1] - b[1]);
      const levels = stored.map(([, code]) => rString(byCode.get(code) ?? String(code)));
      value = `factor(unname(${rVector(stored.map(([key, code]) => `${rString(key)} = ${rString(byCode.get(code) ?? String(code))}`))}[x]), levels = ${rVector(levels)})`;
    } else if (q.type === "yes_no") {
      const yes = rString(labels.find((l) => l.value === 1)?.label ?? "Yes");
      const no = rString(labels.find((l) => l.value === 0)?.label ?? "No");
      value = `factor(unname(c(yes = ${yes}, true = ${yes}, no = ${no}, false = ${no})[tolower(x)]), levels = c(${no}, ${yes}))`;
    } else if (v.type === "numeric") value = "number(x)";
    else value = "text(x)";
    const scale =
      v.type === "numeric" && q.type !== "single_choice" && q.type !== "yes_no" && labels.length > 0
        ? `, labels = ${rVector(labels.map((l) => `${rString(l.label)} = ${l.value}`))}`
        : "";
    lines.push(`answers[[${rString(v.name)}]] <- labelled(${value}, ${rString(v.label)}, reason${scale})`);
  }
  lines.push("", 'rm(list = intersect(c("raw", "x", "reason"), ls()))', "");
  await recordAudit(db, {
    actorUserId: actor.userId,
    organisationId: scope.organisationId,
    action: "export",
    subject: study.slug,
    detail: { export: "answers_r", via: actor.via, filter: {}, language, rows: questions.length },
  });
  return lines.join("\n");
}
