import { Form } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { useT } from "~/i18n/react";

interface Coding {
  id: string;
  themeId: string;
  start: number;
  end: number;
  memos: { id: string; text: string; author: string; at: string; mine: boolean }[];
}

/**
 * One coding of a unit on the coding page: its theme, coder and span; removing it (its coder only);
 * its memos, each editable by its author; and a new memo. Posts intents "remove", "editMemo", "memo"
 * (app/coding/coding-actions.server.ts).
 */
export function CodingItem(props: {
  coding: Coding;
  unitKey: string;
  theme: { name: string; colour: string } | undefined;
  coder: string;
  canRemove: boolean;
  canCode: boolean;
}) {
  const t = useT();
  const { coding, unitKey, theme, coder, canRemove, canCode } = props;
  return (
    <li>
      <span className="coding-swatch" style={{ background: theme?.colour ?? "#ccc" }} aria-hidden="true" />
      <span>
        {theme?.name ?? t("coding.code.otherTheme")} · {coder} · {coding.start}–{coding.end}
      </span>
      {canRemove ? (
        <Form method="post" className="ws-row-form">
          <CsrfInput />
          <input type="hidden" name="intent" value="remove" />
          <input type="hidden" name="unit" value={unitKey} />
          <input type="hidden" name="coding" value={coding.id} />
          <button type="submit" className="ws-small">
            {t("coding.code.remove")}
          </button>
        </Form>
      ) : null}
      {coding.memos.length > 0 ? (
        <ul className="coding-memos" aria-label={t("coding.code.memos")}>
          {coding.memos.map((m) => (
            <MemoItem key={m.id} memo={m} unitKey={unitKey} canCode={canCode} />
          ))}
        </ul>
      ) : null}
      {canCode ? (
        <Form method="post" className="ws-row-form">
          <CsrfInput />
          <input type="hidden" name="intent" value="memo" />
          <input type="hidden" name="unit" value={unitKey} />
          <input type="hidden" name="coding" value={coding.id} />
          <label className="ws-hint" htmlFor={`${coding.id}-memo`}>
            {t("coding.code.addMemo")}
          </label>
          <input id={`${coding.id}-memo`} name="text" maxLength={4000} />
          <button type="submit" className="ws-small">
            {t("coding.code.saveMemo")}
          </button>
        </Form>
      ) : null}
    </li>
  );
}

type Memo = Coding["memos"][number];

/** A memo on a coding: its words, author and date; its author may change it (posts intent "editMemo"). */
function MemoItem(props: { memo: Memo; unitKey: string; canCode: boolean; theme?: string; tabIndex?: number }) {
  const t = useT();
  const { memo: m } = props;
  return (
    <li>
      {props.theme ? <span className="ct-memo-theme">{props.theme}: </span> : null}
      <span dir="auto">{m.text}</span> <span className="ws-muted">{t("coding.code.memoBy", { author: m.author, date: m.at })}</span>
      {m.mine && props.canCode ? (
        <details>
          <summary tabIndex={props.tabIndex}>{t("coding.code.editMemo")}</summary>
          <Form method="post" className="ws-row-form">
            <CsrfInput />
            <input type="hidden" name="intent" value="editMemo" />
            <input type="hidden" name="unit" value={props.unitKey} />
            <input type="hidden" name="memo" value={m.id} />
            <label className="ws-hint" htmlFor={`${m.id}-edit`}>
              {t("coding.code.memo")}
            </label>
            <textarea id={`${m.id}-edit`} name="text" rows={2} required maxLength={4000} defaultValue={m.text} dir="auto" />
            <button type="submit" className="ws-small">
              {t("coding.code.saveMemo")}
            </button>
          </Form>
        </details>
      ) : null}
    </li>
  );
}

/** Every memo on a unit's codings, each after its theme's name (the compact turn on the coding page). */
export function MemoList(props: {
  codings: readonly { themeId: string; memos: Memo[] }[];
  themes: Record<string, { name: string }>;
  unitKey: string;
  canCode: boolean;
  tabIndex?: number;
}) {
  const t = useT();
  const memos = props.codings.flatMap((c) =>
    c.memos.map((m) => ({ m, theme: props.themes[c.themeId]?.name ?? t("coding.code.otherTheme") })),
  );
  if (memos.length === 0) return null;
  return (
    <ul className="coding-memos" aria-label={t("coding.quick.memos")}>
      {memos.map(({ m, theme }) => (
        <MemoItem key={m.id} memo={m} unitKey={props.unitKey} canCode={props.canCode} theme={theme} tabIndex={props.tabIndex} />
      ))}
    </ul>
  );
}
