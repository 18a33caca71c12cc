import { contactParts } from "../contact-text";

/**
 * A contact line with every phone number a tel: link and every e-mail address a mailto: link, each
 * isolated left to right (dir="ltr", and .tel/.email in base.css) so its digits keep their order in a
 * right-to-left sentence, and kept whole: a number never wraps, an address breaks only after its @.
 */
export function ContactText(props: { text: string }) {
  return (
    <>
      {contactParts(props.text).map((part, i) => {
        if (part.kind === "text") return part.text;
        if (part.kind === "tel")
          return (
            <a key={i} className="tel" href={part.href} dir="ltr">
              {part.text}
            </a>
          );
        const at = part.text.indexOf("@") + 1;
        return (
          <a key={i} className="email" href={part.href} dir="ltr">
            {part.text.slice(0, at)}
            <wbr />
            {part.text.slice(at)}
          </a>
        );
      })}
    </>
  );
}
