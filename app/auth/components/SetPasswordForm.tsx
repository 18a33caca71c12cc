import { Form } from "@remix-run/react";
import { useT } from "~/i18n/react";
import { CsrfInput } from "./CsrfInput";
import { ErrorSummary } from "~/workspace/components/ErrorSummary";

export type SetPasswordProblem = "too_short" | "too_common" | "contains_email" | "mismatch";

/** The one form behind an invitation link and a reset link. */
export function SetPasswordForm(props: { title: string; email: string | null; formToken: string; problems?: SetPasswordProblem[] }) {
  const t = useT();
  if (!props.email) {
    return (
      <main id="main" className="ws-main ws-narrow">
        <h1>{t("workspace.link.invalidTitle")}</h1>
        <p>{t("workspace.link.invalidBody")}</p>
      </main>
    );
  }
  const problems = props.problems ?? [];
  return (
    <main id="main" className="ws-main ws-narrow">
      <h1>{props.title}</h1>
      <p>{t("workspace.link.forAccount", { email: props.email })}</p>
      <ErrorSummary errors={problems.map((p) => ({ field: "password", message: t(`workspace.password.${p}`) }))} />
      <Form method="post" className="ws-form">
        <CsrfInput token={props.formToken} />
        {/* The account name helps password managers save the right entry. */}
        <input type="hidden" name="username" autoComplete="username" value={props.email} />
        <label htmlFor="password">{t("workspace.field.newPassword")}</label>
        <p className="ws-hint" id="password-hint">
          {t("workspace.password.hint")}
        </p>
        <input id="password" name="password" type="password" autoComplete="new-password" required aria-describedby="password-hint" />
        <label htmlFor="confirm">{t("workspace.field.confirmPassword")}</label>
        <input id="confirm" name="confirm" type="password" autoComplete="new-password" required />
        <button type="submit">{t("workspace.link.submit")}</button>
      </Form>
    </main>
  );
}
