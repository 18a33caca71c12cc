import { useState, type RefObject } from "react";
import { useT } from "~/i18n/react";
import type { PageTheme } from "./page-types";
import { ThemePicker } from "./ThemePicker";

/**
 * The page's one set of coding controls (rendered by the script only; without it each turn's own
 * form does the same): what a code will go to, the quick themes behind keys 1–9, any theme by
 * typing, and the shortcuts. The quick themes are a toolbar, one tab stop, moved through with the
 * arrow keys. Pressing a button does not take the words' selection away (mousedown is held back).
 */
export function QuickBar(props: {
  target: string;
  quick: readonly PageTheme[];
  themes: readonly PageTheme[];
  findRef: RefObject<HTMLInputElement>;
  onApply: (themeId: string) => void;
  onLeave: () => void;
  onHelp: () => void;
}) {
  const t = useT();
  const [at, setAt] = useState(0);
  const keep = (event: React.MouseEvent) => event.preventDefault();
  return (
    <div className="qb" role="region" aria-label={t("coding.quick.bar")}>
      <p className="qb-target" id="qb-target">
        {props.target}
      </p>
      {props.quick.length > 0 ? (
        <div
          role="toolbar"
          aria-label={t("coding.quick.recent")}
          className="qb-quick"
          onKeyDown={(event) => {
            const rtl = getComputedStyle(event.currentTarget).direction === "rtl";
            const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1 };
            const forward = moves[event.key];
            if (!forward) return;
            event.preventDefault();
            const next = (at + forward + props.quick.length) % props.quick.length;
            setAt(next);
            event.currentTarget.querySelectorAll("button")[next]?.focus();
          }}
        >
          {props.quick.map((th, i) => (
            <button
              key={th.id}
              type="button"
              className="qb-theme"
              tabIndex={i === at ? 0 : -1}
              aria-describedby="qb-target"
              onMouseDown={keep}
              onFocus={() => setAt(i)}
              onClick={() => props.onApply(th.id)}
            >
              <kbd>{i + 1}</kbd>
              <span className="coding-swatch" style={{ background: th.colour }} aria-hidden="true" /> {th.name}
            </button>
          ))}
        </div>
      ) : null}
      <div className="qb-row">
        <ThemePicker themes={props.themes} inputRef={props.findRef} onChoose={props.onApply} onLeave={props.onLeave} />
        <button type="button" className="ws-small" onMouseDown={keep} onClick={props.onHelp} aria-keyshortcuts="Shift+?">
          {t("coding.keys.title")} <kbd>?</kbd>
        </button>
      </div>
    </div>
  );
}
