/**
 * A sentence that quotes a participant code ("… like 7K3M-Q9XA-2BHD-W4PZ …"): the code is isolated
 * left to right and kept on one line, so in Arabic or Farsi it is neither split nor reordered (its
 * leading digit would otherwise be laid out with the right-to-left sentence). ADR 064.
 */
const CODE = /[0-9A-Z]{4}(?:-[0-9A-Z]{4}){3}/;

export function CodeInText(props: { text: string }) {
  const m = CODE.exec(props.text);
  if (!m) return <>{props.text}</>;
  return (
    <>
      {props.text.slice(0, m.index)}
      <span className="code-example" dir="ltr">
        {m[0]}
      </span>
      {props.text.slice(m.index + m[0].length)}
    </>
  );
}
