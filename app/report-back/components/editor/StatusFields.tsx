import { getLanguage } from "~/i18n/languages";
import { useT } from "~/i18n/react";
import { ACTION_STATUSES } from "~/report-back/constants";
import { TextAreaField, TextField } from "~/workspace/components/fields";

/** Where the action stands: in the entry form, and in an update to a published entry. */
export function StatusFields(props: {
  status: string;
  progress: number | string;
  nextReviewOn: string | null;
  errors?: ReadonlyMap<string, string>;
}) {
  const t = useT();
  return (
    <>
      <div>
        <label htmlFor="actionStatus">{t("reportback.status.label")}</label>
        {props.errors?.get("actionStatus") ? <p className="ws-field-error">{props.errors.get("actionStatus")}</p> : null}
        <select id="actionStatus" name="actionStatus" defaultValue={props.status}>
          {ACTION_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`reportback.status.${s}`)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <TextField
          id="progress"
          label={t("reportback.editor.progress")}
          type="number"
          min={0}
          max={100}
          defaultValue={props.progress}
          error={props.errors?.get("progress")}
        />
      </div>
      <div>
        <TextField
          id="nextReviewOn"
          label={t("reportback.editor.nextReviewOn")}
          type="date"
          defaultValue={props.nextReviewOn ?? ""}
          error={props.errors?.get("nextReviewOn")}
        />
      </div>
    </>
  );
}

/** A note in each of the entry's languages (`note_<language>`), for a change or an unpublishing. */
export function NoteFields(props: { languages: string[]; label: string; prefix?: string }) {
  return (
    <>
      {props.languages.map((code) => {
        const l = getLanguage(code);
        return (
          <div key={code}>
            <TextAreaField
              id={`${props.prefix ?? ""}note-${code}`}
              name={`note_${code}`}
              label={`${props.label} (${l.englishName})`}
              lang={code}
              dir={l.dir}
              rows={2}
            />
          </div>
        );
      })}
    </>
  );
}
