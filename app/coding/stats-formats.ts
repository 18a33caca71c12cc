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

/**
 * What the header of either format needs before the first row is written: how many rows, each string
 * variable's width in bytes and whether a numeric variable holds fractions. Learnt in a first pass
 * over the rows (ADR 072), so the rows themselves can then be written as they are read.
 */
export interface StatLayout {
  rows: number;
  /** 0 for a numeric variable; otherwise the longest value in bytes (at least 1, at most 255). */
  widths: number[];
  /** Whether a numeric variable has a value that is not a whole number (shown with 2 decimals). */
  fractions: boolean[];
}

/** Learns a layout one batch of rows at a time, holding only a number per variable. */
export class LayoutLearner {
  private rows = 0;
  private widths: number[];
  private fractions: boolean[];
  constructor(private variables: StatVariable[]) {
    this.widths = variables.map((v) => (v.type === "string" ? 1 : 0));
    this.fractions = variables.map(() => false);
  }
  add(rows: Cell[][]) {
    for (const row of rows) {
      this.rows++;
      for (let i = 0; i < this.variables.length; i++) {
        const v = row[i];
        if (this.widths[i] !== 0) {
          if (typeof v === "string" && v.length > 0) this.widths[i] = Math.max(this.widths[i]!, clipUtf8(v, MAX_STRING_BYTES).length);
        } else if (typeof v === "number" && !Number.isInteger(v)) this.fractions[i] = true;
      }
    }
  }
  done(): StatLayout {
    return { rows: this.rows, widths: [...this.widths], fractions: [...this.fractions] };
  }
}

export function layoutOf(variables: StatVariable[], rows: Cell[][]): StatLayout {
  const learner = new LayoutLearner(variables);
  learner.add(rows);
  return learner.done();
}

/**
 * A file written in three parts: everything before the rows, the rows (in as many batches as the
 * caller likes) and everything after them. Rows must be exactly `layout.rows` in all; a string longer
 * than its learnt width is cut to it (at a character boundary), never allowed to shift the columns.
 */
export interface StatFileWriter {
  head: Buffer;
  rows(rows: Cell[][]): Buffer;
  tail: Buffer;
}

// ---------------------------------------------------------------------------------------------------
// SPSS .sav

const SYSMIS = -Number.MAX_VALUE;

export function writeSav(variables: StatVariable[], rows: Cell[][], missing: MissingLabels, fileLabel = ""): Buffer {
  const writer = savWriter(variables, layoutOf(variables, rows), missing, fileLabel);
  return Buffer.concat([writer.head, writer.rows(rows), writer.tail]);
}

export function savWriter(variables: StatVariable[], layout: StatLayout, missing: MissingLabels, fileLabel = ""): StatFileWriter {
  const out = new Out();
  const widths = layout.widths;
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
  out.i32(layout.rows);
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
    const decimals = numeric && layout.fractions[i] ? 2 : 0;
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

  const caseBytes = caseSize * 8;
  return {
    head: out.done(),
    rows(rows) {
      // One buffer per batch, filled in place: a Buffer per cell would be most of the cost.
      const b = Buffer.alloc(rows.length * caseBytes, 0x20);
      let at = 0;
      for (const row of rows) {
        for (let i = 0; i < variables.length; i++) {
          const v = row[i];
          const width = widths[i]!;
          if (width === 0) {
            b.writeDoubleLE(v === SKIPPED ? SPSS_SKIPPED : v === NOT_ASKED ? SPSS_NOT_ASKED : typeof v === "number" ? v : SYSMIS, at);
            at += 8;
          } else {
            if (typeof v === "string") clipUtf8(v, width).copy(b, at);
            at += slots[i]! * 8;
          }
        }
      }
      return b;
    },
    tail: Buffer.alloc(0),
  };
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
  const writer = dtaWriter(variables, layoutOf(variables, rows), missing, fileLabel);
  return Buffer.concat([writer.head, writer.rows(rows), writer.tail]);
}

export function dtaWriter(variables: StatVariable[], layout: StatLayout, missing: MissingLabels, fileLabel = ""): StatFileWriter {
  const out = new Out();
  const widths = layout.widths;
  const map: number[] = new Array(14).fill(0);
  const tag = (t: string) => out.ascii(t);
  const now = new Date();
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const two = (n: number) => String(n).padStart(2, "0");

  map[0] = out.length;
  tag("<stata_dta><header><release>118</release><byteorder>LSF</byteorder><K>");
  out.u16(variables.length);
  tag("</K><N>");
  out.u64(layout.rows);
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
  const head = out.done();
  const rowBytes = widths.reduce((sum, w) => sum + (w === 0 ? 8 : w), 0);
  // The map holds every section's offset, so the sections after the rows are laid out knowing how
  // many bytes the rows will take.
  const tailStart = head.length + layout.rows * rowBytes;
  const tail = new Out();
  const mapTail = (k: number) => (map[k] = tailStart + tail.length);
  const tagTail = (t: string) => tail.ascii(t);
  tagTail("</data>");
  mapTail(10);
  tagTail("<strls></strls>");
  mapTail(11);
  tagTail("<value_labels>");
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
    tagTail("<lbl>");
    tail.i32(body.length);
    tail.fixed(clipUtf8(v.name, 128), 129, 0);
    tail.fixed("", 3, 0);
    tail.push(body);
    tagTail("</lbl>");
  });
  tagTail("</value_labels>");
  mapTail(12);
  tagTail("</stata_dta>");
  mapTail(13);
  map.forEach((offset, k) => head.writeBigUInt64LE(BigInt(offset), mapAt + k * 8));
  return {
    head,
    rows(rows) {
      const b = Buffer.alloc(rows.length * rowBytes, 0);
      let at = 0;
      for (const row of rows) {
        for (let i = 0; i < variables.length; i++) {
          const v = row[i];
          const width = widths[i]!;
          if (width === 0) {
            if (v === SKIPPED) STATA_MISSING_A.copy(b, at);
            else if (v === NOT_ASKED) STATA_MISSING_B.copy(b, at);
            else if (typeof v === "number") b.writeDoubleLE(v, at);
            else STATA_MISSING.copy(b, at);
            at += 8;
          } else {
            if (typeof v === "string") clipUtf8(v, width).copy(b, at);
            at += width;
          }
        }
      }
      return b;
    },
    tail: tail.done(),
  };
}
