import { getLanguage } from "~/i18n/languages";
import { useT } from "~/i18n/react";
import { ACTION_STATUSES } from "~/report-back/constants";
import { TextAreaField, TextField } from "~/workspace/components/fields";

/** Where the action stands: posted by the facts form and by an update to a published entry. */
export function StatusFields(props: { status: string; progress: number; nextReviewOn: string | null }) {
  const t = useT();
  return (
    <>
      <label htmlFor="actionStatus">{t("reportback.status.label")}</label>
      <select id="actionStatus" name="actionStatus" defaultValue={props.status}>
        {ACTION_STATUSES.map((s) => (
          <option key={s} value={s}>
            {t(`reportback.status.${s}`)}
          </option>
        ))}
      </select>
      <TextField id="progress" label={t("reportback.editor.progress")} type="number" min={0} max={100} defaultValue={props.progress} />
      <TextField id="nextReviewOn" label={t("reportback.editor.nextReviewOn")} type="date" defaultValue={props.nextReviewOn ?? ""} />
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
