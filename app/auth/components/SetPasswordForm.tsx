import { Form } from "@remix-run/react";
import { useT } from "~/i18n/react";
import { CsrfInput } from "./CsrfInput";
import { ErrorSummary } from "~/workspace/components/ErrorSummary";
import { TextField } from "~/workspace/components/fields";

export type SetPasswordProblem = "too_short" | "too_common" | "contains_email" | "mismatch" | "name";

/** The one form behind an invitation link and a reset link. */
export function SetPasswordForm(props: {
  title: string;
  email: string | null;
  /** On an invitation: the name the inviter gave, to keep or change. Null on a reset. */
  displayName?: string | null;
  formToken: string;
  problems?: SetPasswordProblem[];
}) {
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
  const passwordProblem = problems.find((p) => p !== "mismatch" && p !== "name");
  return (
    <main id="main" className="ws-main ws-narrow">
      <h1>{props.title}</h1>
      <p>{t("workspace.link.forAccount", { email: props.email })}</p>
      <ErrorSummary
        errors={problems.map((p) => ({
          field: p === "mismatch" ? "confirm" : p === "name" ? "displayName" : "password",
          message: p === "name" ? t("workspace.account.nameError") : t(`workspace.password.${p}`),
        }))}
      />
      <Form method="post" className="ws-form">
        <CsrfInput token={props.formToken} />
        {/* The account name helps password managers save the right entry. */}
        <input type="hidden" name="username" autoComplete="username" value={props.email} />
        {props.displayName !== null && props.displayName !== undefined ? (
          <TextField
            id="displayName"
            label={t("workspace.account.name")}
            hint={t("workspace.account.nameHint")}
            error={problems.includes("name") ? t("workspace.account.nameError") : null}
            defaultValue={props.displayName}
            required
            maxLength={80}
            autoComplete="name"
            dir="auto"
          />
        ) : null}
        <TextField
          id="password"
          type="password"
          autoComplete="new-password"
          required
          label={t("workspace.field.newPassword")}
          hint={t("workspace.password.hint")}
          error={passwordProblem ? t(`workspace.password.${passwordProblem}`) : null}
        />
        <TextField
          id="confirm"
          type="password"
          autoComplete="new-password"
          required
          label={t("workspace.field.confirmPassword")}
          error={problems.includes("mismatch") ? t("workspace.password.mismatch") : null}
        />
        <button type="submit">{t("workspace.link.submit")}</button>
      </Form>
    </main>
  );
}
