import { useEffect, useRef, useState, type ReactNode } from "react";

/**
 * A section of the editor that folds (<details>, so it folds without JavaScript too). It opens where
 * there is work to do when the page is drawn; after that it stays as the person left it while they
 * save, and opens again only when a refusal points into it.
 */
export function Fold(props: { id: string; title: ReactNode; status?: ReactNode; open: boolean; level?: 2 | 3; children: ReactNode }) {
  const [initiallyOpen] = useState(props.open);
  const ref = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    if (props.open && ref.current) ref.current.open = true;
  }, [props.open]);
  const Heading = props.level === 3 ? "h3" : "h2";
  return (
    <details className="rb-fold" ref={ref} open={initiallyOpen}>
      <summary>
        <Heading id={props.id}>{props.title}</Heading>
        {props.status ? <span className="ws-muted"> · {props.status}</span> : null}
      </summary>
      <div className="rb-fold-body">{props.children}</div>
    </details>
  );
}
