import type { TextBlock } from "../render.server";
import { ContactText } from "./ContactText";

export function Blocks(props: { blocks: TextBlock[] }) {
  return (
    <>
      {props.blocks.map((b, i) => {
        if ("entries" in b) {
          const List = b.kind;
          return (
            <List key={i}>
              {b.entries.map((e, j) => (
                <li key={j} {...(e.lang ? { lang: e.lang } : {})}>
                  {e.text}
                </li>
              ))}
            </List>
          );
        }
        const lang = b.lang ? { lang: b.lang } : {};
        if (b.kind === "h1")
          return (
            <h1 key={i} {...lang}>
              {b.text}
            </h1>
          );
        if (b.kind === "h2")
          return (
            <h2 key={i} {...lang}>
              {b.text}
            </h2>
          );
        if (b.kind === "h3")
          return (
            <h3 key={i} {...lang}>
              {b.text}
            </h3>
          );
        return b.text.split(/\n{2,}/).map((para, j) => (
          <p key={`${i}.${j}`} {...lang} className={b.kind === "contact" ? "panel" : undefined}>
            {b.kind === "contact" ? <ContactText text={para} /> : para}
          </p>
        ));
      })}
    </>
  );
}
