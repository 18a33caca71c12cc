import { useNavigate } from "@remix-run/react";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { useT } from "~/i18n/react";
import { selectionIn, selectSpan, type SelectionInTurn } from "../selection";
import { codePointLength, sliceCodePoints } from "../spans";
import type { PageData, PageTheme } from "./page-types";
import { QuickBar } from "./QuickBar";
import { ShortcutHelp } from "./ShortcutHelp";
import { Turn } from "./Turn";
import { TurnForm } from "./TurnForm";
import { speakerText } from "./UnitTranslations";
import { useCodingQueue } from "./useCodingQueue";

// False on the server and while hydrating, true in the browser from then on.
const noChange = () => () => {};
const useEnhanced = () =>
  useSyncExternalStore(
    noChange,
    () => true,
    () => false,
  );

// Layout effects run only in the browser; on the server this is a no-op that React does not warn about.
const useBrowserLayoutEffect = typeof document === "undefined" ? useEffect : useLayoutEffect;

/** A digit typed on an Arabic or Persian keyboard layout, as the number key it is. */
function digit(key: string) {
  const code = key.codePointAt(0) ?? 0;
  if (key.length === 1 && code >= 0x0661 && code <= 0x0669) return String(code - 0x0660);
  if (key.length === 1 && code >= 0x06f1 && code <= 0x06f9) return String(code - 0x06f0);
  return key;
}

/** The keys the transcript answers to; see ShortcutHelp for what each does. */
interface Key {
  key: string;
  target: EventTarget | null;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  defaultPrevented: boolean;
  preventDefault(): void;
}

/**
 * The transcript as continuous text, and coding it as in a QDA tool (issue 14 item 4). Without
 * JavaScript each turn is compact, with a link to its own form. With it, the page gains one quick
 * bar and keys: a turn is one tab stop (roving tabindex), J/K or the arrows move between turns,
 * 1–9 apply a quick theme to the selected words or the whole turn, Enter finds any theme, S selects
 * words by keyboard, O opens the turn's form, ? lists the keys. Keys typed into a field are left
 * alone. Codings go through the page's own action by fetcher (useCodingQueue), so the page neither
 * reloads nor loses focus, and each result is announced in a live region.
 */
export function CodingTranscript({ d, openHref, closeHref }: { d: PageData; openHref: (i: number) => string; closeHref: string }) {
  const t = useT();
  const navigate = useNavigate();
  const enhanced = useEnhanced();
  const themes = useMemo(() => Object.fromEntries(d.themes.map((th) => [th.id, th])), [d.themes]);
  const quick = useMemo(() => d.quick.flatMap((id) => (themes[id] ? [themes[id]] : [])), [d.quick, themes]);
  const [active, setActive] = useState(d.open ?? 0);
  // The words selected, and in which turn: they count only while that turn is the current one.
  const [selected, setSelected] = useState<{ turn: number; span: SelectionInTurn }>({ turn: 0, span: "none" });
  const [selecting, setSelecting] = useState<number | null>(null);
  const [help, setHelp] = useState(false);
  const findRef = useRef<HTMLInputElement>(null);
  const { submit, announce, announcement } = useCodingQueue();
  const current = Math.min(active, d.units.length - 1);
  const unit = d.units[current];
  const chosen = selected.turn === current ? selected.span : "none";

  const focusTurn = useCallback(
    (i: number) => {
      if (i < 0 || i >= d.units.length) {
        announce(t(i < 0 ? "coding.quick.firstTurn" : "coding.quick.lastTurn"));
        return;
      }
      setActive(i);
      setSelected({ turn: i, span: "none" });
      setSelecting(null);
      document.getSelection()?.removeAllRanges();
      document.getElementById(`u${i}`)?.focus();
    },
    [d.units.length, announce, t],
  );

  // Words selected with the mouse (or by caret browsing) in a turn's text: the next code goes to them.
  useEffect(() => {
    const follow = () => {
      // The picker's field or the keyboard selection box holds the focus: the words chosen stay chosen.
      if (document.activeElement?.matches("input, textarea, select")) return;
      const selection = document.getSelection();
      const node = selection?.anchorNode;
      const text = (node instanceof Element ? node : node?.parentElement)?.closest(".ct-text");
      if (!selection || !text) return setSelected((s) => ({ turn: s.turn, span: selection && !selection.isCollapsed ? "across" : "none" }));
      const i = Number(text.id.slice(1, text.id.indexOf("-")));
      if (!d.units[i]) return;
      setActive(i);
      setSelected({ turn: i, span: selectionIn(text, d.units[i].text, selection) });
    };
    document.addEventListener("selectionchange", follow);
    return () => document.removeEventListener("selectionchange", follow);
  }, [d.units]);

  // A new coding re-renders the turn's marks and so loses the browser's selection: select the same words again.
  const codings = unit?.codings;
  useBrowserLayoutEffect(() => {
    const text = document.getElementById(`u${current}-t`);
    if (text && unit && typeof chosen === "object") selectSpan(text, unit.text, chosen);
    // Only when the turn's codings change: the selection otherwise is the coder's to change.
  }, [codings]);

  // The turn whose form is opened becomes the current turn, and it (or, closed, the turn) keeps the
  // focus: its element was replaced.
  const [opened, setOpened] = useState(d.open);
  if (opened !== d.open) {
    setOpened(d.open);
    if (d.open !== null) setActive(d.open);
  }
  const before = useRef(d.open);
  useEffect(() => {
    if (before.current === d.open) return;
    document.getElementById(d.open === null ? `u${before.current}` : `u${d.open}-text`)?.focus();
    before.current = d.open;
  }, [d.open]);

  const where = (span: SelectionInTurn) =>
    span === "none" || span === "across" || !unit
      ? t("coding.quick.wholeTurn")
      : `“${sliceCodePoints(unit.text, span.start, span.end).slice(0, 60)}${span.end - span.start > 60 ? "…" : ""}”`;

  const apply = (themeId: string) => {
    const theme = themes[themeId];
    if (!unit || !theme || !d.canCode) return;
    if (chosen === "across") return announce(t("coding.quick.across"), true);
    const span = chosen === "none" ? { start: 0, end: codePointLength(unit.text) } : chosen;
    submit(
      { intent: "apply", unit: unit.key, theme: themeId, start: String(span.start), end: String(span.end) },
      t("coding.quick.applied", { theme: theme.name, speaker: speakerText(t, unit.speaker), what: where(chosen) }),
    );
  };

  const onKey = (event: Key) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || help) return;
    const target = event.target instanceof HTMLElement ? event.target : null;
    const choosing = !!target?.classList.contains("ct-select");
    // Typing in a field is typing, not a command (the keyboard selection box takes no typing).
    if (!choosing && target?.closest("input, textarea, select, [contenteditable]")) return;
    const onTurn = !!target?.classList.contains("ct");
    // From outside the turns (the quick bar, or nothing focused yet) J and K come back to the current turn first.
    const inTurn = !!target?.closest(".ct");
    const key = digit(event.key);
    if (key === "?") setHelp(true);
    else if (/^[1-9]$/.test(key)) {
      const theme = quick[Number(key) - 1];
      if (theme) apply(theme.id);
    } else if ((onTurn || choosing) && (key === "Enter" || key === "t")) findRef.current?.focus();
    else if (key === "Escape") {
      if (selecting !== null || chosen !== "none") focusTurn(current);
      else return;
    } else if (choosing) return;
    else if (key === "j" || key === "n" || (onTurn && key === "ArrowDown")) focusTurn(inTurn ? current + 1 : current);
    else if (key === "k" || key === "p" || (onTurn && key === "ArrowUp")) focusTurn(inTurn ? current - 1 : current);
    else if (onTurn && key === "Home") focusTurn(0);
    else if (onTurn && key === "End") focusTurn(d.units.length - 1);
    else if (key === "s" && d.canCode && current !== d.open) {
      setSelected({ turn: current, span: "none" });
      setSelecting(current);
    } else if (key === "o" && d.canCode) navigate(openHref(current), { preventScrollReset: true });
    else return;
    event.preventDefault();
  };

  // Keys pressed with nothing focused (the page just loaded) act on the current turn too.
  useEffect(() => {
    const onBody = (event: KeyboardEvent) => {
      if (event.target === document.body) onKey(event);
    };
    document.addEventListener("keydown", onBody);
    return () => document.removeEventListener("keydown", onBody);
  });

  const target =
    unit &&
    (chosen === "across"
      ? t("coding.quick.across")
      : t("coding.quick.target", { speaker: speakerText(t, unit.speaker), what: where(chosen) }));

  return (
    // The keys are heard where they happen: on the turns and in the quick bar (see onKey).
    // eslint-disable-next-line jsx-a11y/no-static-element-interactions
    <div
      className="ct-area"
      onKeyDown={onKey}
      onFocus={(event) => {
        const turn = (event.target as HTMLElement).closest(".ct");
        if (turn) setActive(Number(turn.id.slice(1)));
      }}
    >
      {enhanced && d.canCode && d.themes.length > 0 && target ? (
        <QuickBar
          target={target}
          quick={quick}
          themes={d.themes}
          findRef={findRef}
          onApply={(id) => {
            apply(id);
            document.getElementById(`u${current}`)?.focus();
          }}
          onLeave={() => document.getElementById(`u${current}`)?.focus()}
          onHelp={() => setHelp(true)}
        />
      ) : null}
      {d.units.map((u, i) =>
        i === d.open ? (
          <TurnForm key={u.key} d={d} unit={u} index={i} themes={themes as Record<string, PageTheme>} closeHref={closeHref} />
        ) : (
          <Turn
            key={u.key}
            unit={u}
            index={i}
            themes={themes}
            coders={d.coders}
            userId={d.userId}
            canCode={d.canCode}
            openHref={openHref(i)}
            current={enhanced ? i === current : undefined}
            selecting={selecting === i}
            onSelect={(span) => {
              setActive(i);
              setSelected({ turn: i, span });
            }}
            onRemove={
              enhanced
                ? (coding) => {
                    submit(
                      { intent: "remove", unit: u.key, coding: coding.id },
                      t("coding.quick.removed", { theme: themes[coding.themeId]?.name ?? "", speaker: speakerText(t, u.speaker) }),
                    );
                    document.getElementById(`u${i}`)?.focus();
                  }
                : undefined
            }
          />
        ),
      )}
      <p className="visually-hidden" role="status" id="ct-said">
        {announcement.error ? "" : announcement.text}
        {announcement.n % 2 ? "\u200b" : ""}
      </p>
      <p className="visually-hidden" role="alert">
        {announcement.error ? announcement.text : ""}
      </p>
      {help ? (
        <ShortcutHelp
          onClose={() => {
            setHelp(false);
            document.getElementById(`u${current}`)?.focus();
          }}
        />
      ) : null}
    </div>
  );
}
