import { useT } from "~/i18n/react";

export interface WorkspaceError {
  /**
   * The id of the control to correct: the summary links to it (GOV.UK error summary). Absent only
   * for a refusal about the page's state rather than anything typed (an entry already published,
   * an invitation withdrawn): there is no field to go back to.
   */
  field?: string;
  /** The translated sentence. */
  message: string;
}

/**
 * The workspace's one error summary, the same pattern as the participant pages'
 * (app/participants/components/ParticipantPage.tsx): first in the page's content, announced
 * (role="alert"), focused on load so a screen reader starts there, each message a link to its field.
 */
export function ErrorSummary({ errors }: { errors: readonly WorkspaceError[] }) {
  const t = useT();
  if (errors.length === 0) return null;
  return (
    // autoFocus is server-rendered (autofocus=""): without JavaScript the browser focuses the summary
    // on load; with it, React focuses it when the action's answer renders it.
    // eslint-disable-next-line jsx-a11y/no-autofocus -- the GOV.UK error summary pattern, as said above
    <div className="ws-error-summary" id="error-summary" role="alert" aria-labelledby="error-summary-title" tabIndex={-1} autoFocus>
      <h2 id="error-summary-title">{t("common.errorSummaryTitle")}</h2>
      <ul>
        {errors.map((e, i) => (
          <li key={`${e.field ?? ""}:${i}`}>{e.field ? <a href={`#${e.field}`}>{e.message}</a> : e.message}</li>
        ))}
      </ul>
    </div>
  );
}

/** The summary for an action's single refusal, or nothing: the common case of one form, one error. */
export function ActionError({ error, field }: { error: string | null | undefined; field?: string }) {
  return error ? <ErrorSummary errors={[{ field, message: error }]} /> : null;
}
