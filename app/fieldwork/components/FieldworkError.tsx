import { useT } from "~/i18n/react";
import { ErrorSummary } from "~/workspace/components/ErrorSummary";

/**
 * The error summary every fieldwork form shows when its action refused the input. Every refusal is
 * about the participant's code (unknown, withdrawn, not consented…), so it links to that field.
 */
export function FieldworkError({ result, field = "code" }: { result: { ok: boolean; error?: string | null } | undefined; field?: string }) {
  const t = useT();
  if (!result || result.ok || !result.error) return null;
  return <ErrorSummary errors={[{ field, message: t(`workspace.fieldwork.errors.${result.error}`) }]} />;
}
