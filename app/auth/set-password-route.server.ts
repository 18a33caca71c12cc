import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { anonymousFormToken, verifyAnonymousCsrf } from "./csrf.server";
import { peekToken, redeemToken, type TokenPurpose } from "./invitations.server";
import { workspaceContext } from "./sessions.server";
import { readFormBody } from "../security/form-body.server";
import { displayNameSchema } from "../organisations/account.server";

/** Loader and action shared by the invitation and reset pages: only the purpose differs. */
export function setPasswordLoader(purpose: TokenPurpose) {
  return async ({ request, context, params }: LoaderFunctionArgs) => {
    const { db, secureCookies } = workspaceContext(context);
    const account = await peekToken(db, params.token ?? "", purpose);
    const form = anonymousFormToken(request, secureCookies);
    return json(
      { email: account?.email ?? null, displayName: purpose === "invitation" ? (account?.displayName ?? "") : null, formToken: form.token },
      { status: account ? 200 : 404, headers: form.setCookie ? { "Set-Cookie": form.setCookie } : {} },
    );
  };
}

export function setPasswordAction(purpose: TokenPurpose) {
  return async ({ request, context, params }: ActionFunctionArgs) => {
    const { db } = workspaceContext(context);
    await verifyAnonymousCsrf(request);
    const form = await readFormBody(request);
    // Exactly as typed: a password is never trimmed or normalised.
    const password = String(form.get("password") ?? "");
    // Accepting an invitation asks for the name colleagues will see (issue 14 item 3).
    const name = purpose === "invitation" ? displayNameSchema.safeParse(String(form.get("displayName") ?? "")) : null;
    const problems = [
      ...(name && !name.success ? (["name" as const] as const) : []),
      ...(password !== String(form.get("confirm") ?? "") ? (["mismatch"] as const) : []),
    ];
    if (problems.length > 0) return json({ problems }, { status: 400 });
    const result = await redeemToken(db, {
      token: params.token ?? "",
      purpose,
      password,
      displayName: name?.success ? name.data : undefined,
    });
    if (result.ok) return redirect("/research/sign-in?set=1");
    if (result.reason === "invalid_link") throw new Response("Not found", { status: 404 });
    return json({ problems: result.problems }, { status: 400 });
  };
}
