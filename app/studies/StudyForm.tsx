import { Form } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { languages } from "~/i18n/languages";
import { useT } from "~/i18n/react";
import type { StudyInput } from "./studies.server";
import { ErrorSummary } from "~/workspace/components/ErrorSummary";
import { WITHDRAWAL_MODES } from "../../db/tables/participants";

export interface InstrumentChoice {
  id: string;
  instrument_id: string;
  version: number;
  kind: string;
}

const workspaceLanguages = languages;

/**
 * The study form, one page, plain HTML fields (works without JavaScript). Per-language fields are
 * shown for every language in the registry; only the languages ticked as offered are kept.
 */
export function StudyForm(props: {
  values: Partial<StudyInput>;
  instruments: InstrumentChoice[];
  errors?: Record<string, string>;
  submitLabel: string;
  slugLocked?: boolean;
}) {
  const t = useT();
  const v = props.values;
  const errors = props.errors ?? {};
  const errorFor = (field: string) =>
    errors[field] ? (
      <p className="ws-field-error" id={`${field.replace(/\./g, "-")}-error`}>
        {t(`workspace.studyForm.errors.${errors[field]}`)}
      </p>
    ) : null;
  const offered = new Set(v.languages ?? ["en"]);
  const chosen = new Map((v.instruments ?? []).map((i) => [i.versionId, i.timepoints.join(", ")]));
  const support = [...(v.support ?? []), { name: {}, description: {}, contact: {} }];
  const errorEntries = Object.entries(errors);
  return (
    <Form method="post" className="ws-form ws-study-form">
      <CsrfInput />
      <ErrorSummary
        errors={errorEntries.map(([field, code]) => ({
          field: field.replace(/\./g, "-"),
          message: t(`workspace.studyForm.errors.${code}`),
        }))}
      />

      <fieldset>
        <legend>{t("workspace.studyForm.basics")}</legend>
        <label htmlFor="slug">{t("workspace.field.slug")}</label>
        <p className="ws-hint" id="slug-hint">
          {t("workspace.studyForm.slugHint")}
        </p>
        {errorFor("slug")}
        <input
          id="slug"
          name="slug"
          defaultValue={v.slug ?? ""}
          required
          pattern="[a-z0-9][a-z0-9\-]{0,62}"
          aria-describedby="slug-hint"
          readOnly={props.slugLocked}
          spellCheck={false}
        />
      </fieldset>

      <fieldset id="languages">
        <legend>{t("workspace.studyForm.languages")}</legend>
        {errorFor("languages")}
        {workspaceLanguages.map((l) => (
          <div key={l.code} className="ws-check">
            <input type="checkbox" id={`lang-${l.code}`} name="languages" value={l.code} defaultChecked={offered.has(l.code)} />
            <label htmlFor={`lang-${l.code}`}>
              {l.englishName} <span lang={l.code}>({l.endonym})</span>
            </label>
          </div>
        ))}
      </fieldset>

      <fieldset>
        <legend>{t("workspace.studyForm.titles")}</legend>
        {workspaceLanguages.map((l) => (
          <div key={l.code}>
            <label htmlFor={`titles-${l.code}`}>{t("workspace.studyForm.titleIn", { language: l.englishName })}</label>
            {errorFor(`titles.${l.code}`)}
            <input id={`titles-${l.code}`} name={`title.${l.code}`} lang={l.code} dir={l.dir} defaultValue={v.titles?.[l.code] ?? ""} />
          </div>
        ))}
      </fieldset>

      <fieldset id="instruments">
        <legend>{t("workspace.studyForm.instruments")}</legend>
        <p className="ws-hint">{t("workspace.studyForm.instrumentsHint")}</p>
        {errorFor("instruments")}
        {props.instruments.map((i) => (
          <div key={i.id} className="ws-instrument">
            <input type="checkbox" id={`instrument-${i.id}`} name="instrument" value={i.id} defaultChecked={chosen.has(i.id)} />
            <label htmlFor={`instrument-${i.id}`}>
              {i.instrument_id} v{i.version} <span className="ws-muted">({i.kind})</span>
            </label>
            <label htmlFor={`timepoints-${i.id}`} className="ws-inline-label">
              {t("workspace.studyForm.timepoints")}
            </label>
            <input
              id={`timepoints-${i.id}`}
              name={`timepoints.${i.id}`}
              defaultValue={chosen.get(i.id) ?? "once"}
              size={16}
              spellCheck={false}
            />
          </div>
        ))}
        <label htmlFor="open_timepoints">{t("workspace.studyForm.openTimepoints")}</label>
        <input id="open_timepoints" name="open_timepoints" defaultValue={(v.openTimepoints ?? ["once"]).join(", ")} spellCheck={false} />
      </fieldset>

      <fieldset>
        <legend>{t("workspace.studyForm.cohorts")}</legend>
        <label htmlFor="cohorts">{t("workspace.studyForm.cohortsHint")}</label>
        {errorFor("cohorts")}
        <textarea id="cohorts" name="cohorts" rows={3} defaultValue={(v.cohorts ?? []).join("\n")} />
      </fieldset>

      <fieldset>
        <legend>{t("workspace.studyForm.contact")}</legend>
        {workspaceLanguages.map((l) => (
          <div key={l.code}>
            <label htmlFor={`contact-${l.code}`}>{t("workspace.studyForm.contactIn", { language: l.englishName })}</label>
            <input id={`contact-${l.code}`} name={`contact.${l.code}`} lang={l.code} dir={l.dir} defaultValue={v.contact?.[l.code] ?? ""} />
          </div>
        ))}
      </fieldset>

      <fieldset>
        <legend>{t("workspace.studyForm.support")}</legend>
        <p className="ws-hint">{t("workspace.studyForm.supportHint")}</p>
        {support.map((service, index) => (
          <fieldset key={index} className="ws-support">
            <legend>{t("workspace.studyForm.supportService", { number: index + 1 })}</legend>
            {workspaceLanguages.map((l) => (
              <div key={l.code} className="ws-support-lang">
                {(["name", "description", "contact"] as const).map((part) => (
                  <div key={part}>
                    <label htmlFor={`support-${index}-${part}-${l.code}`}>
                      {t(`workspace.studyForm.support_${part}`, { language: l.englishName })}
                    </label>
                    <input
                      id={`support-${index}-${part}-${l.code}`}
                      name={`support.${index}.${part}.${l.code}`}
                      lang={l.code}
                      dir={l.dir}
                      defaultValue={service[part]?.[l.code] ?? ""}
                    />
                  </div>
                ))}
              </div>
            ))}
          </fieldset>
        ))}
      </fieldset>

      <fieldset id="withdrawalModes">
        <legend>{t("workspace.studyForm.withdrawal")}</legend>
        {errorFor("withdrawalModes")}
        {WITHDRAWAL_MODES.map((mode) => (
          <div key={mode} className="ws-check">
            <input
              type="checkbox"
              id={`withdrawal-${mode}`}
              name="withdrawal_mode"
              value={mode}
              defaultChecked={(v.withdrawalModes ?? WITHDRAWAL_MODES).includes(mode)}
            />
            <label htmlFor={`withdrawal-${mode}`}>{t(`workspace.studyForm.withdrawal_${mode}`)}</label>
          </div>
        ))}
        <label htmlFor="withdrawalDeadline">{t("workspace.studyForm.withdrawalDeadline")}</label>
        {errorFor("withdrawalDeadline")}
        <input type="date" id="withdrawalDeadline" name="withdrawal_deadline" defaultValue={v.withdrawalDeadline ?? ""} />
      </fieldset>

      <fieldset>
        <legend>{t("workspace.studyForm.records")}</legend>
        <label htmlFor="retentionUntil">{t("workspace.studyForm.retention")}</label>
        {errorFor("retentionUntil")}
        <input type="date" id="retentionUntil" name="retention_until" defaultValue={v.retentionUntil ?? ""} />
        <label htmlFor="retentionMonthsAfterClose">{t("workspace.studyForm.retentionMonths")}</label>
        <p className="hint">{t("workspace.studyForm.retentionMonthsHint")}</p>
        {errorFor("retentionMonthsAfterClose")}
        <input
          type="number"
          inputMode="numeric"
          min={1}
          max={600}
          className="input-short"
          id="retentionMonthsAfterClose"
          name="retention_months"
          defaultValue={v.retentionMonthsAfterClose == null ? "" : String(v.retentionMonthsAfterClose)}
        />
        <label htmlFor="date_precision">{t("workspace.studyForm.datePrecision")}</label>
        <select id="date_precision" name="date_precision" defaultValue={v.datePrecision ?? "date"}>
          <option value="date">{t("workspace.studyForm.precision_date")}</option>
          <option value="datetime">{t("workspace.studyForm.precision_datetime")}</option>
        </select>
        <label htmlFor="page_mode">{t("workspace.studyForm.pageMode")}</label>
        <select id="page_mode" name="page_mode" defaultValue={v.pageMode ?? "section"}>
          <option value="section">{t("workspace.studyForm.page_section")}</option>
          <option value="question">{t("workspace.studyForm.page_question")}</option>
        </select>
      </fieldset>

      <button type="submit">{props.submitLabel}</button>
    </Form>
  );
}
