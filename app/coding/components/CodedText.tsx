/**
 * A unit's text with its coded spans marked. Spans are code point offsets; overlapping codings split
 * the text at every boundary so each piece lists all the themes on it. React escapes the text, so
 * markup in what participants wrote stays text.
 */
export interface MarkedSpan {
  start: number;
  end: number;
  themeId: string;
}

export function splitByCodings(text: string, spans: readonly MarkedSpan[]) {
  const chars = Array.from(text);
  const cuts = new Set<number>([0, chars.length]);
  for (const s of spans) {
    cuts.add(Math.max(0, Math.min(chars.length, s.start)));
    cuts.add(Math.max(0, Math.min(chars.length, s.end)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const pieces: { text: string; themes: string[] }[] = [];
  for (let i = 0; i < points.length - 1; i++) {
    const from = points[i]!;
    const to = points[i + 1]!;
    if (to <= from) continue;
    const themes = [...new Set(spans.filter((s) => s.start <= from && s.end >= to).map((s) => s.themeId))];
    pieces.push({ text: chars.slice(from, to).join(""), themes });
  }
  return pieces;
}

export function CodedText(props: {
  text: string;
  spans: readonly MarkedSpan[];
  themes: Record<string, { name: string; colour: string }>;
  lang?: string;
  id?: string;
  className?: string;
}) {
  const pieces = splitByCodings(props.text, props.spans);
  return (
    <p id={props.id} className={props.className ?? "coding-text"} lang={props.lang} dir="auto">
      {pieces.map((piece, i) =>
        piece.themes.length === 0 ? (
          <span key={i}>{piece.text}</span>
        ) : (
          <mark
            key={i}
            className="coding-mark"
            title={piece.themes.map((id) => props.themes[id]?.name ?? "").join(", ")}
            style={{ borderBottomColor: props.themes[piece.themes[0]!]?.colour ?? "#1d70b8" }}
          >
            {piece.text}
          </mark>
        ),
      )}
    </p>
  );
}
