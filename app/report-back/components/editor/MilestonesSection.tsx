import { getLanguage } from "~/i18n/languages";
import { useT } from "~/i18n/react";
import { day } from "~/report-back/components/EntryView";
import { commandValue, fieldId, fieldName } from "~/report-back/entry-form";
import { TextField } from "~/workspace/components/fields";
import { Fold } from "./Fold";
import type { EditorPageData, EntryFormState } from "./types";

/**
 * The entry's steps and dates, each removed with a button of the entry form, and a new step: saved
 * with the form whichever button is pressed, so a step typed and then forgotten is not lost.
 */
export function MilestonesSection({ data, form }: { data: EditorPageData; form: EntryFormState }) {
  const t = useT();
  const step = form.values.milestone;
  const refused = form.errors.has("dueOn") || data.entry.languages.some((code) => form.errors.has(fieldId.milestoneLabel(code)));
  return (
    <Fold
      id="rb-milestones"
      title={t("reportback.milestones")}
      status={t("reportback.editor.stepsSummary", { count: data.milestones.length })}
      open={data.milestones.length === 0 || refused}
    >
      <ul className="ws-list">
        {data.milestones.map((m) => (
          <li key={m.id}>
            {t("reportback.date", { date: day(m.dueOn) })} – {m.labels.en ?? Object.values(m.labels)[0]}{" "}
            {m.doneOn ? `(${t("reportback.milestone.done", { date: day(m.doneOn) })})` : null}{" "}
            <button className="button button-secondary rb-small" name="intent" value={commandValue("milestone-remove", m.id)}>
              {t("reportback.editor.remove")}
            </button>
          </li>
        ))}
      </ul>
      {/* keyed by the steps there are, so the fields empty once their step is added */}
      <fieldset className="rb-new-step" key={data.milestones.map((m) => m.id).join()}>
        <legend>{t("reportback.editor.newStep")}</legend>
        <div className="rb-row">
          <div>
            <TextField
              id="dueOn"
              label={t("reportback.editor.dueOn")}
              type="date"
              defaultValue={step.dueOn}
              error={form.errors.get("dueOn")}
            />
          </div>
          {data.entry.languages.map((code) => (
            <div key={code}>
              <TextField
                id={fieldId.milestoneLabel(code)}
                name={fieldName.milestoneLabel(code)}
                label={t("reportback.editor.milestoneLabel", { language: getLanguage(code).englishName })}
                type="text"
                lang={code}
                dir={getLanguage(code).dir}
                defaultValue={step.labels[code] ?? ""}
                error={form.errors.get(fieldId.milestoneLabel(code))}
              />
            </div>
          ))}
        </div>
        <button className="button button-secondary" name="intent" value={commandValue("milestone-add")}>
          {t("reportback.editor.addMilestone")}
        </button>
      </fieldset>
    </Fold>
  );
}
