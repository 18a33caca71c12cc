import type { TextBlock } from "../render.server";

export function Blocks(props: { blocks: TextBlock[] }) {
  return (
    <>
      {props.blocks.map((b, i) => {
        const lang = b.lang ? { lang: b.lang } : {};
        if (b.kind === "h1") return <h1 key={i} {...lang}>{b.text}</h1>;
        if (b.kind === "h2") return <h2 key={i} {...lang}>{b.text}</h2>;
        return b.text.split(/\n{2,}/).map((para, j) => (
          <p key={`${i}.${j}`} {...lang} className={b.kind === "contact" ? "panel" : undefined}>
            {para}
          </p>
        ));
      })}
    </>
  );
}

