import { Form } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { getLanguage } from "~/i18n/languages";
import { useT } from "~/i18n/react";
import { editorIntent } from "./types";
import { TextField } from "~/workspace/components/fields";
import type { EditorPageData } from "./types";

/** The entry's milestones (action: removeMilestoneAction) and a new one (action: addMilestoneAction). */
export function MilestonesSection({ data }: { data: EditorPageData }) {
  const t = useT();
  return (
    <section aria-labelledby="rb-milestones">
      <h2 id="rb-milestones">{t("reportback.milestones")}</h2>
      <ul className="ws-list">
        {data.milestones.map((m) => (
          <li key={m.id}>
            {m.dueOn} – {m.labels.en ?? Object.values(m.labels)[0]} {m.doneOn ? `(${m.doneOn})` : null}
            <Form method="post" className="ws-inline-form">
              <CsrfInput />
              <input type="hidden" name="milestoneId" value={m.id} />
              <button className="button button-secondary" name="intent" value={editorIntent("milestone-remove")}>
                {t("reportback.editor.remove")}
              </button>
            </Form>
          </li>
        ))}
      </ul>
      <Form method="post" className="ws-form">
        <CsrfInput />
        <input type="hidden" name="intent" value={editorIntent("milestone-add")} />
        <TextField id="dueOn" label={t("reportback.editor.dueOn")} type="date" required />
        {data.entry.languages.map((code) => (
          <div key={code}>
            <TextField
              id={`milestone-${code}`}
              name={`label_${code}`}
              label={t("reportback.editor.milestoneLabel", { language: getLanguage(code).englishName })}
              type="text"
              lang={code}
              dir={getLanguage(code).dir}
            />
          </div>
        ))}
        <button className="button">{t("reportback.editor.addMilestone")}</button>
      </Form>
    </section>
  );
}
