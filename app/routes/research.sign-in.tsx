import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { afterSignIn } from "~/organisations/account.server";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { anonymousFormToken, verifyAnonymousCsrf } from "~/auth/csrf.server";
import { workspaceHeaders } from "~/auth/headers";
import { safeNext } from "~/auth/permissions.server";
import { deviceCookie, deviceCookieName } from "~/auth/rate-limit.server";
import { signIn, signInSchema } from "~/auth/sign-in.server";
import { hashToken, readSession, sessionCookie, sessionTokenFrom, workspaceContext } from "~/auth/sessions.server";
import { useT } from "~/i18n/react";
import { readCookie } from "~/i18n/request.server";
import { ErrorSummary } from "~/workspace/components/ErrorSummary";

export const headers = workspaceHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { db, secureCookies } = workspaceContext(context);
  const next = safeNext(new URL(request.url).searchParams.get("next"));
  const session = await readSession(db, request, secureCookies);
  if (session && !session.pendingTotp) throw redirect(next);
  const form = anonymousFormToken(request, secureCookies);
  const passwordSet = new URL(request.url).searchParams.get("set") === "1";
  return json({ formToken: form.token, next, passwordSet }, { headers: form.setCookie ? { "Set-Cookie": form.setCookie } : {} });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { db, secureCookies, clientKey } = workspaceContext(context);
  await verifyAnonymousCsrf(request);
  const form = await request.formData();
  const parsed = signInSchema.safeParse({ email: form.get("email") ?? "", password: form.get("password") ?? "" });
  if (!parsed.success) return json({ error: "invalid" as const }, { status: 400 });
  const previous = sessionTokenFrom(request, secureCookies);
  const result = await signIn(db, {
    ...parsed.data,
    clientKey,
    previousSessionHash: previous ? hashToken(previous) : undefined,
    deviceToken: readCookie(request, deviceCookieName(secureCookies)),
  });
  if (!result.ok) return json({ error: result.reason }, { status: result.reason === "rate_limited" ? 429 : 401 });
  const next = safeNext(String(form.get("next") ?? ""));
  return redirect(result.pendingTotp ? `/research/totp?next=${encodeURIComponent(next)}` : await afterSignIn(db, result.userId, next), {
    headers: [
      ["Set-Cookie", sessionCookie(result.token, secureCookies)],
      ["Set-Cookie", deviceCookie(result.deviceToken, secureCookies)],
    ],
  });
}

export default function SignIn() {
  const t = useT();
  const { formToken, next, passwordSet } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <main id="main" className="ws-main ws-narrow">
      <h1>{t("workspace.signIn.title")}</h1>
      {passwordSet && !result ? (
        <p className="ws-panel" role="status">
          {t("workspace.signIn.passwordSet")}
        </p>
      ) : null}
      {result?.error ? (
        <ErrorSummary
          errors={[
            { field: "email", message: t(result.error === "rate_limited" ? "workspace.signIn.rateLimited" : "workspace.signIn.invalid") },
          ]}
        />
      ) : null}
      <Form method="post" className="ws-form">
        <CsrfInput token={formToken} />
        <input type="hidden" name="next" value={next} />
        <label htmlFor="email">{t("workspace.field.email")}</label>
        <input id="email" name="email" type="email" autoComplete="username" required spellCheck={false} />
        <label htmlFor="password">{t("workspace.field.password")}</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
        <button type="submit">{t("workspace.signIn.submit")}</button>
      </Form>
      <p className="ws-muted">{t("workspace.signIn.forgotten")}</p>
    </main>
  );
}
