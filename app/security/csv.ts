/**
 * Formula-safe CSV for exports that researchers open in Excel, LibreOffice or Google Sheets.
 *
 * Participants' free text ends up in these files. A cell that begins with `=`, `+`, `-`, `@`, tab,
 * carriage return, line feed or NUL can be run as a formula by spreadsheet programs (OWASP "CSV Injection"), which can
 * exfiltrate the sheet (`=HYPERLINK(...)`, `=WEBSERVICE(...)`) or run commands via DDE. Following
 * OWASP, such a cell is prefixed with a single quote `'`, which spreadsheets show as text.
 *
 * - Leading whitespace does not make a cell safe (spreadsheets may trim it), so `  =1+2` is prefixed.
 * - Full-width `＝ ＋ － ＠` are treated like their ASCII forms: some spreadsheet locales accept them.
 * - Numbers (and bigints, booleans) stay as values: a negative NUMBER is not a formula. Text that looks
 *   like a negative number ("-5") IS prefixed: pass numbers as numbers to keep them numeric.
 * - Dates become ISO 8601 strings; null/undefined become empty cells; other objects become JSON.
 * - Every cell is quoted, so no reader has to guess where a cell with a comma or line break ends, and
 *   a stray quote in an answer can never shift the columns after it.
 * - CRLF after every record, the last included (RFC 4180). A UTF-8 byte order mark is added by default because Excel otherwise
 *   reads UTF-8 as the local code page and garbles Arabic and Welsh (ŵ, ŷ).
 */
import Papa from "papaparse";

export interface CsvOptions {
  /** Column order (and header row). For object rows defaults to every key seen, in first-seen order. */
  columns?: string[];
  /** Prefix a UTF-8 byte order mark. Default true (for Excel). */
  bom?: boolean;
}

const DANGEROUS_START = /^(?:[\t\r\n\0]|\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/u;

/** The text a cell will hold, with the formula-defusing quote added when needed. */
export function escapeCsvCell(value: unknown): string | number | boolean {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? value : "";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "boolean") return value;
  let text: string;
  if (value instanceof Date) text = Number.isNaN(value.getTime()) ? "" : value.toISOString();
  else if (typeof value === "string") text = value;
  else if (typeof value === "object") text = JSON.stringify(value) ?? "";
  else text = String(value);
  return DANGEROUS_START.test(text) ? `'${text}` : text;
}

function isArrayRows(rows: Record<string, unknown>[] | unknown[][]): rows is unknown[][] {
  return rows.length > 0 && Array.isArray(rows[0]);
}

export function toCsv(rows: Record<string, unknown>[] | unknown[][], options: CsvOptions = {}): string {
  const bom = options.bom ?? true;
  let header: string[] | null;
  let data: unknown[][];
  if (isArrayRows(rows)) {
    header = options.columns ?? null;
    data = rows;
  } else {
    const objects = rows as Record<string, unknown>[];
    let columns = options.columns;
    if (!columns) {
      // Papa takes the first row's keys only; a later row with an extra answer must not lose it.
      const seen = new Set<string>();
      for (const row of objects) for (const key of Object.keys(row)) seen.add(key);
      columns = [...seen];
    }
    header = columns;
    data = objects.map((row) => columns.map((c) => (Object.prototype.hasOwnProperty.call(row, c) ? row[c] : undefined)));
  }
  const body = Papa.unparse(
    {
      fields: header ? header.map((name) => String(escapeCsvCell(name))) : [],
      data: data.map((row) => row.map(escapeCsvCell)),
    },
    {
      header: header !== null,
      newline: "\r\n",
      delimiter: ",",
      quoteChar: '"',
      escapeFormulae: false,
      quotes: true,
    },
  );
  if (body === "") return bom ? "\uFEFF" : "";
  // Every record ends in CRLF (RFC 4180 §2), so concatenated exports and line counts behave.
  return (bom ? "\uFEFF" : "") + (body.endsWith("\r\n") ? body : `${body}\r\n`);
}
