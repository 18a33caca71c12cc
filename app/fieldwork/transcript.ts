/**
 * Reading transcripts: plain text ("Label: words", one turn per paragraph or line) and WebVTT
 * (W3C WebVTT: cues with `<v Label>` voice spans, or "Label: words" cue text). The result is ordered
 * turns with the label as written; mapping labels to attendees happens after, and the label itself is
 * never stored (it is often a first name).
 *
 * An interpreter's turn that renders the turn before it starts with "=" after its label
 * ("Interpreter: = I was afraid at first", or `<v Interpreter>= I was afraid at first` in WebVTT):
 * the import links it to the nearest earlier turn that is not an interpreter's
 * (docs/decisions/063-turn-language-and-linked-translations.md) and drops the "=". Only turns mapped
 * to the interpreter read it so: anyone else's "=" is their words (a participant may well write "=").
 */

export interface TranscriptTurn {
  /** The speaker label as written in the file; null when a turn has none (continues the last speaker). */
  label: string | null;
  text: string;
  startsMs?: number;
  endsMs?: number;
  /**
   * Starts with "=": if the speaker is the interpreter, the turn renders the nearest earlier turn that
   * is not an interpreter's, and `rendering` is its text without the mark.
   */
  rendering?: string;
}

export type TranscriptFormat = "text" | "vtt";

export function detectFormat(source: string): TranscriptFormat {
  return /^\uFEFF?WEBVTT(?:[ \t]|$)/m.test(source.split(/\r?\n/, 1)[0] ?? "") ? "vtt" : "text";
}

export function parseTranscript(source: string, format: TranscriptFormat = detectFormat(source)): TranscriptTurn[] {
  return mergeUnlabelled(format === "vtt" ? parseVtt(source) : parsePlainText(source)).map((turn) => {
    const marked = RENDERING_MARK.exec(turn.text);
    const rendering = marked ? turn.text.slice(marked[0].length) : "";
    return rendering.trim() === "" ? turn : { ...turn, rendering };
  });
}

// "=" (or the full-width "＝") at the start of a turn's text: "this says the same as the turn before".
const RENDERING_MARK = /^[=＝][ \t]*/u;

// "Label: text". A label is short (up to 40 characters, three words), has no sentence punctuation, and starts at
// the line's beginning; "Note: the room was cold" would be read as a label "Note", which the mapping
// step shows the researcher, who can map it to the facilitator.
const LABEL_LINE = /^\s*(?:\[(?<bl>[^\]\n]{1,40})\]|(?<pl>[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N} ._'’()-]{0,39}?))\s*[:：]\s*(?<text>.*)$/u;
// Arabic and Persian texts are written with the Arabic colon-like characters too.
const TIMESTAMP_PREFIX = /^\s*[[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?[\])]?\s*/;

function splitLabel(line: string): { label: string | null; text: string } {
  const withoutTime = line.replace(TIMESTAMP_PREFIX, "");
  const m = LABEL_LINE.exec(withoutTime);
  if (m?.groups) {
    const label = (m.groups.bl ?? m.groups.pl ?? "").trim();
    // Labels are short names ("P1", "Participant 3", "Interpreter (Arabic)"): more than three words is prose.
    if (label && !/^\d+$/.test(label) && label.split(/\s+/).length <= 3) return { label, text: (m.groups.text ?? "").trim() };
  }
  return { label: null, text: line.trim() };
}

function parsePlainText(source: string): TranscriptTurn[] {
  const turns: TranscriptTurn[] = [];
  const lines = source.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  let current: TranscriptTurn | null = null;
  let blankSince = true;
  for (const raw of lines) {
    if (raw.trim() === "") {
      blankSince = true;
      continue;
    }
    const { label, text } = splitLabel(raw);
    if (label !== null) {
      current = { label, text };
      turns.push(current);
    } else if (current && !blankSince) {
      // a wrapped line continues the same turn
      current.text = current.text ? `${current.text}\n${text}` : text;
    } else {
      current = { label: null, text };
      turns.push(current);
    }
    blankSince = false;
  }
  return turns.filter((t) => t.text !== "");
}

function vttTime(text: string): number | null {
  const m = /^(?:(\d+):)?(\d{2}):(\d{2})[.,](\d{3})$/.exec(text.trim());
  if (!m) return null;
  return ((Number(m[1] ?? 0) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]);
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", nbsp: "\u00a0", lrm: "\u200e", rlm: "\u200f" };

function vttText(payload: string): { label: string | null; text: string } {
  let label: string | null = null;
  const voice = /<v(?:\.[^\s>]*)?\s+([^>]+)>/.exec(payload);
  if (voice) label = voice[1]!.trim();
  const text = payload
    .replace(/<[^>]*>/g, "")
    .replace(/&(amp|lt|gt|nbsp|lrm|rlm);/g, (_, e: string) => ENTITIES[e] ?? "")
    .replace(/\s*\n\s*/g, " ")
    .trim();
  if (label) return { label, text };
  return splitLabel(text);
}

function parseVtt(source: string): TranscriptTurn[] {
  const blocks = source.replace(/^\uFEFF/, "").split(/(?:\r\n|\r|\n){2,}/);
  const turns: TranscriptTurn[] = [];
  for (const block of blocks) {
    const lines = block.split(/\r\n|\r|\n/);
    const timingAt = lines.findIndex((l) => l.includes("-->"));
    if (timingAt < 0) continue; // header, NOTE, STYLE and REGION blocks
    const [from, rest] = lines[timingAt]!.split("-->");
    const to = (rest ?? "").trim().split(/\s+/)[0] ?? "";
    const payload = lines.slice(timingAt + 1).join("\n");
    const { label, text } = vttText(payload);
    if (!text) continue;
    turns.push({ label, text, startsMs: vttTime(from ?? "") ?? undefined, endsMs: vttTime(to) ?? undefined });
  }
  return turns;
}

/**
 * A turn without a label continues the previous speaker. Consecutive VTT cues of the same speaker
 * are kept apart (their timings are useful); unlabelled plain-text paragraphs join the turn before.
 */
function mergeUnlabelled(turns: TranscriptTurn[]): TranscriptTurn[] {
  const out: TranscriptTurn[] = [];
  for (const turn of turns) {
    const last = out[out.length - 1];
    if (turn.label === null && last) {
      if (turn.startsMs === undefined && last.startsMs === undefined) last.text = `${last.text}\n\n${turn.text}`;
      else out.push({ ...turn, label: last.label });
    } else out.push({ ...turn });
  }
  return out;
}

/** The distinct labels in order of first appearance, for the mapping step. */
export function speakerLabels(turns: readonly TranscriptTurn[]): string[] {
  const seen: string[] = [];
  for (const t of turns) if (t.label !== null && !seen.includes(t.label)) seen.push(t.label);
  return seen;
}
