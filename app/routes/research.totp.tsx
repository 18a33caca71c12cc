import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { afterSignIn } from "~/organisations/account.server";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import QRCode from "qrcode";
import { z } from "zod";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { verifyCsrf } from "~/auth/csrf.server";
import { workspaceHeaders } from "~/auth/headers";
import { safeNext } from "~/auth/permissions.server";
import { completeSecondFactor, enableTotp, enrolSecretSchema } from "~/auth/sign-in.server";
import { readSession, sessionCookie, workspaceContext } from "~/auth/sessions.server";
import { generateTotpSecret, totpUri } from "~/auth/totp";
import { useT } from "~/i18n/react";
import { readFormBody } from "~/security/form-body.server";
import { ErrorSummary } from "~/workspace/components/ErrorSummary";

export const headers = workspaceHeaders;

/**
 * The second factor: entering a code after the password, setting TOTP up (when an organisation
 * requires it, before anything else), or seeing that it is on.
 */
async function currentSession(request: Request, context: LoaderFunctionArgs["context"]) {
  const { db, secureCookies } = workspaceContext(context);
  const session = await readSession(db, request, secureCookies);
  if (!session) throw redirect("/research/sign-in");
  return session;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const session = await currentSession(request, context);
  const next = safeNext(new URL(request.url).searchParams.get("next"));
  if (session.totpEnabled)
    return json({ mode: session.pendingTotp ? ("verify" as const) : ("enabled" as const), next, secret: null, qr: null });
  // A fresh secret each time the page is read: nothing is stored until a code proves the app has it.
  return json({ mode: "enrol" as const, next, ...(await enrolView(generateTotpSecret(), session.email)) });
}

async function enrolView(secret: string, email: string) {
  const qr = await QRCode.toString(totpUri(secret, email), { type: "svg", margin: 2, errorCorrectionLevel: "M" });
  return { secret, qr: `data:image/svg+xml;base64,${Buffer.from(qr).toString("base64")}` };
}

/** After a wrong code while setting up, the same secret is shown again: the app has already scanned it. */
async function enrolAgain(secret: string | undefined, email: string) {
  const valid = enrolSecretSchema.safeParse(secret);
  return valid.success ? await enrolView(valid.data, email) : null;
}

const codeSchema = z.object({ code: z.string().trim().max(20), next: z.string().optional(), secret: z.string().max(64).optional() });

export async function action({ request, context }: ActionFunctionArgs) {
  const session = await currentSession(request, context);
  await verifyCsrf(request, session.csrfToken);
  const { db, secureCookies, clientKey, secrets } = workspaceContext(context);
  const parsed = codeSchema.safeParse(Object.fromEntries(await readFormBody(request)));
  if (!parsed.success) return json({ error: "invalid" as const, enrol: null }, { status: 400 });
  const next = safeNext(parsed.data.next);
  if (session.pendingTotp) {
    const result = await completeSecondFactor(db, {
      sessionHash: session.idHash,
      userId: session.userId,
      code: parsed.data.code,
      clientKey,
      totpKey: secrets.totpKey,
      enrolSecret: parsed.data.secret,
    });
    if (!result.ok)
      return json(
        { error: result.reason, enrol: await enrolAgain(parsed.data.secret, session.email) },
        { status: result.reason === "rate_limited" ? 429 : 400 },
      );
    return redirect(await afterSignIn(db, session.userId, next), { headers: { "Set-Cookie": sessionCookie(result.token, secureCookies) } });
  }
  const result = await enableTotp(db, {
    userId: session.userId,
    code: parsed.data.code,
    clientKey,
    totpKey: secrets.totpKey,
    enrolSecret: parsed.data.secret,
  });
  if (!result.ok)
    return json(
      { error: result.reason, enrol: await enrolAgain(parsed.data.secret, session.email) },
      { status: result.reason === "rate_limited" ? 429 : 400 },
    );
  return redirect(next);
}

export default function SecondFactor() {
  const t = useT();
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const data = result?.enrol ? { ...loaded, ...result.enrol } : loaded;
  if (data.mode === "enabled") {
    return (
      <main id="main" className="ws-main ws-narrow">
        <h1>{t("workspace.totp.title")}</h1>
        <p>{t("workspace.totp.enabled")}</p>
      </main>
    );
  }
  return (
    <main id="main" className="ws-main ws-narrow">
      <h1>{t(data.mode === "verify" ? "workspace.totp.verifyTitle" : "workspace.totp.setUpTitle")}</h1>
      {result?.error ? (
        <ErrorSummary
          errors={[
            { field: "code", message: t(result.error === "rate_limited" ? "workspace.signIn.rateLimited" : "workspace.totp.invalid") },
          ]}
        />
      ) : null}
      {data.mode === "enrol" ? (
        <>
          <p>{t("workspace.totp.setUpIntro")}</p>
          <img src={data.qr!} alt={t("workspace.totp.qrAlt")} width={200} height={200} className="ws-qr" />
          <p>
            {t("workspace.totp.secretLabel")} <code className="ws-secret">{data.secret}</code>
          </p>
        </>
      ) : (
        <p>{t("workspace.totp.verifyIntro")}</p>
      )}
      <Form method="post" className="ws-form">
        <CsrfInput />
        <input type="hidden" name="next" value={data.next} />
        {data.secret ? <input type="hidden" name="secret" value={data.secret} /> : null}
        <label htmlFor="code">{t("workspace.field.code")}</label>
        <input id="code" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]*" required />
        <button type="submit">{t("workspace.totp.submit")}</button>
      </Form>
    </main>
  );
}
