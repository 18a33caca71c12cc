import { useT } from "~/i18n/react";

/** The error summary every fieldwork form shows when its action refused the input. */
export function FieldworkError({ result }: { result: { ok: boolean; error?: string | null } | undefined }) {
  const t = useT();
  if (!result || result.ok || !result.error) return null;
  return (
    <div className="ws-error-summary" role="alert">
      <h2>{t("common.errorSummaryTitle")}</h2>
      <p>{t(`workspace.fieldwork.errors.${result.error}`)}</p>
    </div>
  );
}
