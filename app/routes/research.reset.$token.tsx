import { useActionData, useLoaderData } from "@remix-run/react";
import { SetPasswordForm } from "~/auth/components/SetPasswordForm";
import { workspaceHeaders } from "~/auth/headers";
import { setPasswordAction, setPasswordLoader } from "~/auth/set-password-route.server";
import { useT } from "~/i18n/react";

export const headers = workspaceHeaders;
export const loader = setPasswordLoader("password_reset");
export const action = setPasswordAction("password_reset");

export default function ResetPage() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <SetPasswordForm title={t("workspace.link.resetTitle")} email={data.email} formToken={data.formToken} problems={result?.problems} />
  );
}
