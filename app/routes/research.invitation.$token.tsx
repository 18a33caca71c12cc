import { useActionData, useLoaderData } from "@remix-run/react";
import { SetPasswordForm } from "~/auth/components/SetPasswordForm";
import { workspaceHeaders } from "~/auth/headers";
import { setPasswordAction, setPasswordLoader } from "~/auth/set-password-route.server";
import { useT } from "~/i18n/react";

export const headers = workspaceHeaders;
export const loader = setPasswordLoader("invitation");
export const action = setPasswordAction("invitation");

export default function InvitationPage() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <SetPasswordForm
      title={t("workspace.link.invitationTitle")}
      email={data.email}
      displayName={data.displayName}
      formToken={data.formToken}
      problems={result?.problems}
    />
  );
}
