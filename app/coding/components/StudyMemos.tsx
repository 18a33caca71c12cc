import { Form } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { useT } from "~/i18n/react";

/** Memos about the study as a whole (not one coding): listed for all, written and edited by their authors. */
export function StudyMemos({
  memos,
  canWrite,
}: {
  memos: { id: string; text: string; author: string; at: string; mine: boolean }[];
  canWrite: boolean;
}) {
  const t = useT();
  return (
    <section aria-labelledby="study-memos">
      <h2 id="study-memos">{t("coding.themes.studyMemos")}</h2>
      <p className="ws-hint">{t("coding.themes.studyMemosHint")}</p>
      {memos.length === 0 ? <p>{t("coding.themes.noStudyMemos")}</p> : null}
      <ul className="coding-memos">
        {memos.map((m) => (
          <li key={m.id}>
            <span dir="auto">{m.text}</span> <span className="ws-muted">{t("coding.code.memoBy", { author: m.author, date: m.at })}</span>
            {m.mine && canWrite ? (
              <details>
                <summary>{t("coding.themes.editMemo")}</summary>
                <Form method="post" className="ws-form">
                  <CsrfInput />
                  <input type="hidden" name="intent" value="editMemo" />
                  <input type="hidden" name="memo" value={m.id} />
                  <label htmlFor={`${m.id}-edit`}>{t("coding.code.memo")}</label>
                  <textarea
                    id={`${m.id}-edit`}
                    name="text"
                    rows={3}
                    required
                    maxLength={4000}
                    defaultValue={m.text}
                    dir="auto"
                    style={{ width: "100%" }}
                  />
                  <button type="submit">{t("coding.themes.saveMemo")}</button>
                </Form>
              </details>
            ) : null}
          </li>
        ))}
      </ul>
      {canWrite ? (
        <Form method="post" className="ws-form ws-narrow">
          <CsrfInput />
          <input type="hidden" name="intent" value="studyMemo" />
          <label htmlFor="study-memo">{t("coding.themes.addStudyMemo")}</label>
          <textarea id="study-memo" name="text" rows={3} required maxLength={4000} dir="auto" style={{ width: "100%" }} />
          <button type="submit">{t("coding.themes.saveMemo")}</button>
        </Form>
      ) : null}
    </section>
  );
}
