import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { workspaceHeaders } from "~/auth/headers";
import { verifyCsrf } from "~/auth/csrf.server";
import { signOut } from "~/auth/sign-in.server";
import { clearSessionCookie, readSession, workspaceContext } from "~/auth/sessions.server";

export const headers = workspaceHeaders;

// Signing out changes state, so it is a POST (with the session's CSRF token); a GET
// here only goes back to the workspace.
export async function loader(_: LoaderFunctionArgs) {
  return redirect("/research");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { db, secureCookies } = workspaceContext(context);
  // Not requireUser: a sign-in still waiting for its second factor can be abandoned too.
  const session = await readSession(db, request, secureCookies);
  if (session) {
    await verifyCsrf(request, session.csrfToken);
    await signOut(db, session);
  }
  return redirect("/research/sign-in", { headers: { "Set-Cookie": clearSessionCookie(secureCookies) } });
}
