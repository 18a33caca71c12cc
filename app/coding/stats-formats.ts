/**
 * Writers for SPSS system files (.sav, uncompressed, UTF-8) and Stata 14+ files (.dta format 118,
 * UTF-8), written here because no maintained npm library writes either (ADR 067). Both take the same
 * in-memory data set: numeric variables (with value labels and the two missing codes) and string
 * variables of at most 255 bytes.
 *
 * Missing codes: a question in the response's questionnaire that has no answer was skipped; a column
 * from another questionnaire (or version) was not asked. SPSS gets user-missing values -1 and -2 with
 * value labels; Stata gets the extended missing values .a and .b, labelled the same way.
 */

export const SKIPPED = Symbol("skipped");
export const NOT_ASKED = Symbol("not asked");
export type Cell = number | string | null | typeof SKIPPED | typeof NOT_ASKED;

export interface StatVariable {
  /** Letters, digits and underscores, starting with a letter; at most 32 characters (Stata's limit). */
  name: string;
  label: string;
  type: "numeric" | "string";
  /** Value labels for a numeric variable. */
  valueLabels?: { value: number; label: string }[];
  /** Whether the skipped / not asked codes apply (questions do; respondent columns do not). */
  missingCodes?: boolean;
}

export interface MissingLabels {
  skipped: string;
  notAsked: string;
}

export const SPSS_SKIPPED = -1;
export const SPSS_NOT_ASKED = -2;
/** Longest string value kept: both formats' short strings. Longer text is cut at a character boundary. */
export const MAX_STRING_BYTES = 255;

const utf8 = (s: string) => Buffer.from(s, "utf8");

/** Cuts to at most `max` bytes of UTF-8 without splitting a character. */
export function clipUtf8(s: string, max: number): Buffer {
  const b = utf8(s);
  if (b.length <= max) return b;
  let end = max;
  while (end > 0 && (b[end]! & 0xc0) === 0x80) end--;
  return b.subarray(0, end);
}

class Out {
  private chunks: Buffer[] = [];
  length = 0;
  push(b: Buffer) {
    this.chunks.push(b);
    this.length += b.length;
  }
  i32(n: number) {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    this.push(b);
  }
  u16(n: number) {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(n);
    this.push(b);
  }
  u64(n: number) {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    this.push(b);
  }
  f64(n: number) {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(n);
    this.push(b);
  }
  /** Fixed-width field, space- or zero-padded. */
  fixed(s: string | Buffer, width: number, pad = 0x20) {
    const b = Buffer.alloc(width, pad);
    (typeof s === "string" ? clipUtf8(s, width) : s.subarray(0, width)).copy(b);
    this.push(b);
  }
  ascii(s: string) {
    this.push(Buffer.from(s, "latin1"));
  }
  done() {
    return Buffer.concat(this.chunks);
  }
}

function stringWidth(rows: Cell[][], column: number): number {
  let width = 1;
  for (const row of rows) {
    const v = row[column];
    if (typeof v === "string") width = Math.max(width, clipUtf8(v, MAX_STRING_BYTES).length);
  }
  return width;
}

// ---------------------------------------------------------------------------------------------------
// SPSS .sav

const SYSMIS = -Number.MAX_VALUE;

export function writeSav(variables: StatVariable[], rows: Cell[][], missing: MissingLabels, fileLabel = ""): Buffer {
  const out = new Out();
  const widths = variables.map((v, i) => (v.type === "string" ? stringWidth(rows, i) : 0));
  const slots = widths.map((w) => (w === 0 ? 1 : Math.ceil(w / 8)));
  const caseSize = slots.reduce((a, b) => a + b, 0);
  const now = new Date();
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const two = (n: number) => String(n).padStart(2, "0");

  out.ascii("$FL2");
  out.fixed("@(#) SPSS DATA FILE Tandem", 60);
  out.i32(2); // layout code
  out.i32(caseSize);
  out.i32(0); // uncompressed
  out.i32(0); // no weight variable
  out.i32(rows.length);
  out.f64(100); // compression bias
  out.fixed(`${two(now.getUTCDate())} ${months[now.getUTCMonth()]} ${two(now.getUTCFullYear() % 100)}`, 9);
  out.fixed(`${two(now.getUTCHours())}:${two(now.getUTCMinutes())}:${two(now.getUTCSeconds())}`, 8);
  out.fixed(fileLabel, 64);
  out.fixed("", 3);

  // Short names V1, V2… are unique by construction; the real names go in the long-name record.
  const shortNames = variables.map((_, i) => `V${i + 1}`);
  const slotIndex: number[] = [];
  let slot = 1;
  variables.forEach((v, i) => {
    slotIndex.push(slot);
    slot += slots[i]!;
    const width = widths[i]!;
    const numeric = width === 0;
    out.i32(2);
    out.i32(numeric ? 0 : width);
    out.i32(1); // has a label
    out.i32(numeric && v.missingCodes ? 2 : 0);
    const decimals = numeric && rows.some((r) => typeof r[i] === "number" && !Number.isInteger(r[i])) ? 2 : 0;
    const format = numeric ? (5 << 16) | (8 << 8) | decimals : (1 << 16) | (width << 8);
    out.i32(format);
    out.i32(format);
    out.fixed(shortNames[i]!, 8);
    const label = clipUtf8(v.label, 255);
    out.i32(label.length);
    out.fixed(label, Math.ceil(label.length / 4) * 4);
    if (numeric && v.missingCodes) {
      out.f64(SPSS_SKIPPED);
      out.f64(SPSS_NOT_ASKED);
    }
    for (let s = 1; s < slots[i]!; s++) {
      out.i32(2);
      out.i32(-1);
      out.i32(0);
      out.i32(0);
      out.i32(0);
      out.i32(0);
      out.fixed("", 8);
    }
  });

  variables.forEach((v, i) => {
    if (widths[i] !== 0) return;
    const labels = [...(v.valueLabels ?? [])];
    if (v.missingCodes) labels.push({ value: SPSS_SKIPPED, label: missing.skipped }, { value: SPSS_NOT_ASKED, label: missing.notAsked });
    if (labels.length === 0) return;
    out.i32(3);
    out.i32(labels.length);
    for (const l of labels) {
      out.f64(l.value);
      const text = clipUtf8(l.label, 120);
      const b = Buffer.alloc(Math.ceil((text.length + 1) / 8) * 8, 0x20);
      b[0] = text.length;
      text.copy(b, 1);
      out.push(b);
    }
    out.i32(4);
    out.i32(1);
    out.i32(slotIndex[i]!);
  });

  const extension = (subtype: number, size: number, data: Buffer) => {
    out.i32(7);
    out.i32(subtype);
    out.i32(size);
    out.i32(data.length / size);
    out.push(data);
  };
  const ints = Buffer.alloc(32);
  [1, 0, 0, -1, 1, 1, 2, 65001].forEach((n, k) => ints.writeInt32LE(n, k * 4)); // IEEE, little-endian, UTF-8
  extension(3, 4, ints);
  const floats = Buffer.alloc(24);
  floats.writeDoubleLE(SYSMIS, 0);
  floats.writeDoubleLE(Number.MAX_VALUE, 8);
  floats.writeDoubleLE(-Number.MAX_VALUE, 16);
  extension(4, 8, floats);
  extension(13, 1, utf8(variables.map((v, i) => `${shortNames[i]}=${v.name}`).join("\t")));
  extension(20, 1, utf8("UTF-8"));
  out.i32(999);
  out.i32(0);

  for (const row of rows) {
    variables.forEach((_, i) => {
      const v = row[i];
      const width = widths[i]!;
      if (width === 0) out.f64(v === SKIPPED ? SPSS_SKIPPED : v === NOT_ASKED ? SPSS_NOT_ASKED : typeof v === "number" ? v : SYSMIS);
      else out.fixed(typeof v === "string" ? clipUtf8(v, MAX_STRING_BYTES) : Buffer.alloc(0), slots[i]! * 8);
    });
  }
  return out.done();
}

// ---------------------------------------------------------------------------------------------------
// Stata .dta, format 118

const STATA_DOUBLE = 65526;
/** Stata's system missing and the extended missing values .a and .b, as doubles. */
const STATA_MISSING = Buffer.from([0, 0, 0, 0, 0, 0, 0xe0, 0x7f]);
const STATA_MISSING_A = Buffer.from([0, 0, 0, 0, 0, 0x01, 0xe0, 0x7f]);
const STATA_MISSING_B = Buffer.from([0, 0, 0, 0, 0, 0x02, 0xe0, 0x7f]);
/** The same as label values: .a and .b in Stata's 32-bit missing range. */
const LABEL_A = 2147483622;
const LABEL_B = 2147483623;

/** Cuts a label to Stata's limit in characters (variable labels hold 80) within its byte field. */
function stataText(s: string, chars: number, bytes: number): Buffer {
  return clipUtf8(Array.from(s).slice(0, chars).join(""), bytes - 1);
}

export function writeDta(variables: StatVariable[], rows: Cell[][], missing: MissingLabels, fileLabel = ""): Buffer {
  const out = new Out();
  const widths = variables.map((v, i) => (v.type === "string" ? stringWidth(rows, i) : 0));
  const map: number[] = new Array(14).fill(0);
  const tag = (t: string) => out.ascii(t);
  const now = new Date();
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const two = (n: number) => String(n).padStart(2, "0");

  map[0] = out.length;
  tag("<stata_dta><header><release>118</release><byteorder>LSF</byteorder><K>");
  out.u16(variables.length);
  tag("</K><N>");
  out.u64(rows.length);
  tag("</N><label>");
  const label = stataText(fileLabel, 80, 321);
  out.u16(label.length);
  out.push(label);
  tag("</label><timestamp>");
  const stamp = `${two(now.getUTCDate())} ${months[now.getUTCMonth()]} ${now.getUTCFullYear()} ${two(now.getUTCHours())}:${two(now.getUTCMinutes())}`;
  out.push(Buffer.from([stamp.length]));
  tag(stamp);
  tag("</timestamp></header>");
  map[1] = out.length;
  const mapAt = out.length + 5;
  tag("<map>");
  for (let k = 0; k < 14; k++) out.u64(0); // filled in below
  tag("</map>");
  map[2] = out.length;
  tag("<variable_types>");
  for (const w of widths) out.u16(w === 0 ? STATA_DOUBLE : w);
  tag("</variable_types>");
  map[3] = out.length;
  tag("<varnames>");
  for (const v of variables) out.fixed(clipUtf8(v.name, 128), 129, 0);
  tag("</varnames>");
  map[4] = out.length;
  tag("<sortlist>");
  for (let k = 0; k <= variables.length; k++) out.u16(0);
  tag("</sortlist>");
  map[5] = out.length;
  tag("<formats>");
  for (const w of widths) out.fixed(w === 0 ? "%10.0g" : `%${Math.min(w, 2045)}s`, 57, 0);
  tag("</formats>");
  map[6] = out.length;
  tag("<value_label_names>");
  const labelled = variables.map((v, i) => widths[i] === 0 && ((v.valueLabels?.length ?? 0) > 0 || v.missingCodes));
  variables.forEach((v, i) => out.fixed(labelled[i] ? v.name : "", 129, 0));
  tag("</value_label_names>");
  map[7] = out.length;
  tag("<variable_labels>");
  for (const v of variables) out.fixed(stataText(v.label, 80, 321), 321, 0);
  tag("</variable_labels>");
  map[8] = out.length;
  tag("<characteristics></characteristics>");
  map[9] = out.length;
  tag("<data>");
  for (const row of rows) {
    variables.forEach((_, i) => {
      const v = row[i];
      if (widths[i] === 0) {
        if (v === SKIPPED) out.push(STATA_MISSING_A);
        else if (v === NOT_ASKED) out.push(STATA_MISSING_B);
        else if (typeof v === "number") out.f64(v);
        else out.push(STATA_MISSING);
      } else out.fixed(typeof v === "string" ? clipUtf8(v, MAX_STRING_BYTES) : Buffer.alloc(0), widths[i]!, 0);
    });
  }
  tag("</data>");
  map[10] = out.length;
  tag("<strls></strls>");
  map[11] = out.length;
  tag("<value_labels>");
  variables.forEach((v, i) => {
    if (!labelled[i]) return;
    const entries = [...(v.valueLabels ?? [])];
    if (v.missingCodes) entries.push({ value: LABEL_A, label: missing.skipped }, { value: LABEL_B, label: missing.notAsked });
    const texts = entries.map((e) => Buffer.concat([clipUtf8(e.label, 32000), Buffer.from([0])]));
    const offsets: number[] = [];
    let at = 0;
    for (const t of texts) {
      offsets.push(at);
      at += t.length;
    }
    const table = new Out();
    table.i32(entries.length);
    table.i32(at);
    for (const o of offsets) table.i32(o);
    for (const e of entries) table.i32(e.value);
    for (const t of texts) table.push(t);
    const body = table.done();
    tag("<lbl>");
    out.i32(body.length);
    out.fixed(clipUtf8(v.name, 128), 129, 0);
    out.fixed("", 3, 0);
    out.push(body);
    tag("</lbl>");
  });
  tag("</value_labels>");
  map[12] = out.length;
  tag("</stata_dta>");
  map[13] = out.length;
  const file = out.done();
  map.forEach((offset, k) => file.writeBigUInt64LE(BigInt(offset), mapAt + k * 8));
  return file;
}
