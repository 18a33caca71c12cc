import { useT } from "~/i18n/react";
import { ASK_METHODS } from "~/report-back/constants";
import { day } from "~/report-back/components/EntryView";
import { CheckboxField, TextField } from "~/workspace/components/fields";
import { Fold } from "./Fold";
import { StatusFields } from "./StatusFields";
import type { EntryFormState } from "./types";

/** "We asked": when and how people were asked, and where the action stands (saved with the entry form). */
export function FactsSection({ form }: { form: EntryFormState }) {
  const t = useT();
  const { values, errors } = form;
  const facts = ["askedOn", "askedUntil", "progress", "nextReviewOn", "actionStatus", `method-${ASK_METHODS[0]}`];
  const when = values.askedOn
    ? values.askedUntil
      ? t("reportback.asked.when", { from: day(values.askedOn), to: day(values.askedUntil) })
      : t("reportback.asked.whenOne", { from: day(values.askedOn) })
    : t("reportback.editor.notFilledIn");
  return (
    <Fold
      id="rb-facts"
      title={t("reportback.weAsked")}
      status={`${when} · ${t(`reportback.status.${values.actionStatus}`)}`}
      open={!values.askedOn || values.methods.length === 0 || facts.some((f) => errors.has(f))}
    >
      <div className="rb-row">
        <div>
          <TextField
            id="askedOn"
            label={t("reportback.editor.askedOn")}
            type="date"
            defaultValue={values.askedOn}
            error={errors.get("askedOn")}
          />
        </div>
        <div>
          <TextField
            id="askedUntil"
            label={t("reportback.editor.askedUntil")}
            type="date"
            defaultValue={values.askedUntil}
            error={errors.get("askedUntil")}
          />
        </div>
      </div>
      <fieldset className="rb-methods">
        <legend>{t("reportback.editor.methods")}</legend>
        {errors.get(`method-${ASK_METHODS[0]}`) ? <p className="ws-field-error">{errors.get(`method-${ASK_METHODS[0]}`)}</p> : null}
        {ASK_METHODS.map((m) => (
          <CheckboxField
            key={m}
            id={`method-${m}`}
            name="methods"
            value={m}
            defaultChecked={values.methods.includes(m)}
            label={t(`reportback.method.${m}`)}
          />
        ))}
      </fieldset>
      <div className="rb-row">
        <StatusFields status={values.actionStatus} progress={values.progress} nextReviewOn={values.nextReviewOn} errors={errors} />
      </div>
    </Fold>
  );
}
