import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { requireUser, safeNext } from "~/auth/permissions.server";
import { workspaceContext } from "~/auth/sessions.server";
import { useT } from "~/i18n/react";
import { accountOf, setDisplayName } from "~/organisations/account.server";
import { readFormBody } from "~/security/form-body.server";
import { ErrorSummary } from "~/workspace/components/ErrorSummary";
import { TextField } from "~/workspace/components/fields";

export const headers = workspaceHeaders;

/** Your account: the name colleagues see. Reached from the header, and after sign-in while it is empty. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const session = await requireUser(request, context);
  const account = await accountOf(workspaceContext(context).db, session.userId);
  const next = new URL(request.url).searchParams.get("next");
  return { email: account.email, displayName: account.display_name, next: next ? safeNext(next) : null };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const session = await requireUser(request, context);
  const form = await readFormBody(request);
  const saved = await setDisplayName(workspaceContext(context).db, session.userId, form.get("displayName"));
  if (!saved.ok) return json({ error: true as const }, { status: 400 });
  const next = form.get("next");
  if (typeof next === "string" && next) return redirect(safeNext(next));
  return json({ saved: true as const });
}

export default function Account() {
  const t = useT();
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const error = result && "error" in result ? t("workspace.account.nameError") : null;
  return (
    <main id="main" className="ws-main ws-narrow">
      <h1>{t("workspace.account.title")}</h1>
      <ErrorSummary errors={error ? [{ field: "displayName", message: error }] : []} />
      {result && "saved" in result ? (
        <div className="ws-panel" role="status">
          <p>{t("workspace.account.saved")}</p>
        </div>
      ) : null}
      {!d.displayName.trim() ? <p className="ws-panel">{t("workspace.account.nameNeeded")}</p> : null}
      <p>{t("workspace.account.signedInAs", { email: d.email })}</p>
      <Form method="post" className="ws-form">
        <CsrfInput />
        {d.next ? <input type="hidden" name="next" value={d.next} /> : null}
        <TextField
          id="displayName"
          label={t("workspace.account.name")}
          hint={t("workspace.account.nameHint")}
          error={error}
          defaultValue={d.displayName}
          required
          maxLength={80}
          autoComplete="name"
          dir="auto"
        />
        <button type="submit">{t("workspace.account.save")}</button>
      </Form>
      <p>
        <Link to="/research/totp">{t("workspace.nav.twoFactor")}</Link>
      </p>
    </main>
  );
}
