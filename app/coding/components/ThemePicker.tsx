import { useEffect, useMemo, useState, type RefObject } from "react";
import { useT } from "~/i18n/react";
import type { PageTheme } from "./page-types";

const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase();

/** The themes whose name, or a parent's name, holds the words typed; the codebook's order kept. */
export function matchingThemes(themes: readonly PageTheme[], query: string): PageTheme[] {
  const words = fold(query).trim();
  if (!words) return [...themes];
  const byId = new Map(themes.map((th) => [th.id, th]));
  const matches = (th: PageTheme | undefined, depth = 0): boolean =>
    !!th && depth < 50 && (fold(th.name).includes(words) || matches(byId.get(th.parentId ?? ""), depth + 1));
  return themes.filter((th) => matches(th));
}

/**
 * Any theme of the codebook, found by typing: a combobox whose list keeps the hierarchy (each theme
 * indented under its parent, whose name a screen reader hears after it). Up and Down move, Enter
 * applies, Escape goes back to the turn.
 */
export function ThemePicker({
  themes,
  inputRef,
  onChoose,
  onLeave,
}: {
  themes: readonly PageTheme[];
  inputRef: RefObject<HTMLInputElement>;
  onChoose: (themeId: string) => void;
  onLeave: () => void;
}) {
  const t = useT();
  const [query, setQuery] = useState("");
  const [open, setOpen] = useState(false);
  const [at, setAt] = useState(0);
  const shown = useMemo(() => matchingThemes(themes, query), [themes, query]);
  const names = useMemo(() => new Map(themes.map((th) => [th.id, th.name])), [themes]);
  useEffect(() => {
    if (open) document.getElementById(`qb-o${at}`)?.scrollIntoView({ block: "nearest" });
  }, [at, open]);
  const choose = (themeId: string) => {
    setQuery("");
    setOpen(false);
    onChoose(themeId);
  };
  return (
    <div className="qb-find">
      <label htmlFor="qb-find">{t("coding.quick.find")}</label>
      <input
        id="qb-find"
        ref={inputRef}
        type="text"
        role="combobox"
        autoComplete="off"
        spellCheck={false}
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls="qb-list"
        aria-activedescendant={open && shown[at] ? `qb-o${at}` : undefined}
        value={query}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onChange={(event) => {
          setQuery(event.target.value);
          setAt(0);
          setOpen(true);
        }}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown") {
            setOpen(true);
            setAt((a) => Math.min(a + 1, shown.length - 1));
          } else if (event.key === "ArrowUp") setAt((a) => Math.max(a - 1, 0));
          else if (event.key === "Enter") {
            if (shown[at]) choose(shown[at].id);
          } else if (event.key === "Escape") {
            setQuery("");
            setOpen(false);
            onLeave();
          } else return;
          event.preventDefault();
        }}
      />
      <ul id="qb-list" role="listbox" aria-label={t("coding.quick.themes")} className="qb-list" hidden={!open}>
        {shown.length === 0 ? <li className="ws-muted">{t("coding.quick.noMatch")}</li> : null}
        {shown.map((th, i) => (
          // Chosen with the keyboard through the combobox (aria-activedescendant); a click is the mouse's way.
          // eslint-disable-next-line jsx-a11y/click-events-have-key-events
          <li
            key={th.id}
            id={`qb-o${i}`}
            role="option"
            aria-selected={i === at}
            style={{ paddingInlineStart: `${0.5 + th.depth * 1.25}rem` }}
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => choose(th.id)}
          >
            <span className="coding-swatch" style={{ background: th.colour }} aria-hidden="true" /> {th.name}
            {th.proposed ? ` (${t("coding.themes.proposed")})` : ""}
            {th.parentId ? <span className="visually-hidden">, {names.get(th.parentId)}</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
