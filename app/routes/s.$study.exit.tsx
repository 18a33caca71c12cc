/**
 * "Leave this site quickly" (GOV.UK's "Exit this page"): forgets this browser's participant session
 * and language choice, then sends the person to a neutral page. A POST from the button; a GET works
 * too, so a plain link (and the Shift×3 script's fallback) exits with no JavaScript and no form.
 *
 * The GET changes state, which is safe here because all it can do is end the visitor's own session:
 * it never creates, reveals or sends anything, its destination is fixed (no redirect parameter), the
 * code still brings the person back, and SameSite=Lax means a cross-site image or frame carries no
 * cookie at all. An exit never fails: an unknown study, no session or a database error still leaves.
 * See docs/decisions/064-quick-exit-and-participant-language.md.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { LANGUAGE_COOKIE } from "~/i18n/request.server";
import { QUICK_EXIT_URL } from "~/participants/quick-exit";
import { findParticipantStudy } from "~/participants/study.server";
import { clearSessionCookie, endParticipantSession, readParticipantSession } from "~/participants/session.server";

async function leave({ request, params, context }: LoaderFunctionArgs | ActionFunctionArgs): Promise<Response> {
  try {
    const slug = params.study ?? "";
    const study = await findParticipantStudy(context.db, { slug });
    const session = study ? await readParticipantSession(context.db, request, { studyId: study.id, secure: context.secureCookies }) : null;
    if (session) await endParticipantSession(context.db, session.token);
  } catch {
    // Leaving matters more than tidying: the cookie is cleared below and the server session expires.
  }
  const headers = new Headers({
    Location: QUICK_EXIT_URL,
    "Cache-Control": "no-store",
    // Only "cache": "cookies" would also clear every cookie of the registrable domain (the
    // organisation's own site, when Tandem runs on a subdomain of it); ours are cleared by name.
    "Clear-Site-Data": '"cache"',
  });
  headers.append("Set-Cookie", clearSessionCookie(context.secureCookies));
  headers.append("Set-Cookie", `${LANGUAGE_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax; HttpOnly`);
  return new Response(null, { status: 303, headers });
}

export const loader = (args: LoaderFunctionArgs) => leave(args);
export const action = (args: ActionFunctionArgs) => leave(args);
