import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { flashPath, putFlash, samePage, takeFlash } from "~/participants/flash.server";
import { useT } from "~/i18n/react";
import { CodeInText } from "~/participants/components/CodeInText";
import { ErrorSummary, ParticipantPage } from "~/participants/components/ParticipantPage";
import { noStore, pageTitle, participantRequest, readForm } from "~/participants/page.server";
import { field } from "~/security/form-body.server";
import { checkParticipantCode } from "~/participants/rate-limit.server";
import { newSessionToken, openParticipantSession, sessionCookie } from "~/participants/session.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Tandem" }];
export const headers = () => noStore;

// Where the code takes the person: carrying on, withdrawing, changing their choices, or joining
// their peer-support group, or reading what they agreed to.
const TARGETS = { next: "next", withdraw: "withdraw", choices: "consent-choices", group: "group", consent: "my-consent" } as const;
type Target = keyof typeof TARGETS;
const target = (value: string | null): Target => (value && value in TARGETS ? (value as Target) : "next");

const FAILURE_MESSAGES = {
  empty: "participant.resume.empty",
  invalid: "participant.resume.invalid",
  unknown: "participant.resume.unknown",
  too_many: "participant.resume.tooMany",
} as const;

export async function loader(args: LoaderFunctionArgs) {
  const { study, language, t } = await participantRequest(args);
  const to = target(new URL(args.request.url).searchParams.get("to"));
  const flash = await takeFlash(args.context.db, args.request, { path: flashPath(args.request), secure: args.context.secureCookies });
  const error = typeof flash.content?.notice?.error === "string" ? flash.content.notice.error : undefined;
  const title = pageTitle(t, `participant.resume.title.${to}`, study, language);
  return json(
    // The code typed is never shown back: it is a key to someone's answers, on a phone others may use.
    { slug: study.slug, title: error ? `${t("participant.q.errorPrefix")} ${title}` : title, to, flash: { error, value: "" } },
    { headers: { ...noStore, ...flash.headers } },
  );
}

/**
 * Post/redirect/get (ADR 065): a refused code comes back to this page by redirect, its message once,
 * so Back or reload never sends the code again (a resent code that was erased meanwhile would count
 * as a wrong one).
 */
export async function action(args: ActionFunctionArgs) {
  const refused = await checkCode(args);
  const cookie = await putFlash(args.context.db, {
    path: flashPath(args.request),
    content: { notice: { error: refused.error } },
    secure: args.context.secureCookies,
  });
  throw redirect(samePage(args.request), { status: 303, headers: { ...noStore, "Set-Cookie": cookie } });
}

async function checkCode(args: ActionFunctionArgs) {
  const { study, t } = await participantRequest(args);
  const { db, clientKey, secrets, secureCookies } = args.context;
  const body = await readForm(args.request);
  const to = target(field(body, "_to"));
  const raw = field(body, "code").slice(0, 200);
  const checked = await checkParticipantCode(db, { studyId: study.id, code: raw, clientKey, codeHashKey: secrets.codeHashKey });
  if (!checked.ok) return { error: t(FAILURE_MESSAGES[checked.reason]), value: raw };
  const participant = checked.participant;
  const token = newSessionToken();
  await openParticipantSession(db, { token, participantId: participant.id, studyId: study.id, code: raw });
  throw redirect(`/s/${study.slug}/${TARGETS[to]}`, { headers: { ...noStore, "Set-Cookie": sessionCookie(token, secureCookies) } });
}

export default function Resume() {
  const data = useLoaderData<typeof loader>();
  const result = data.flash;
  const t = useT();
  const error = result.error;
  return (
    <ParticipantPage slug={data.slug}>
      <ErrorSummary errors={error ? [{ id: "code", message: error }] : []} />
      <h1>{t(`participant.resume.title.${data.to}`)}</h1>
      <form method="post" noValidate>
        <input type="hidden" name="_to" value={data.to} />
        <div className={`field${error ? " field-error" : ""}`}>
          <label htmlFor="code">{t("participant.resume.label")}</label>
          <p className="hint" id="code-hint">
            <CodeInText text={t("participant.resume.hint")} />
          </p>
          {error ? (
            <p className="error-message" id="code-error">
              {error}
            </p>
          ) : null}
          <input
            className="code-input"
            type="text"
            id="code"
            name="code"
            dir="ltr"
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            defaultValue={result?.value ?? ""}
            aria-describedby={error ? "code-hint code-error" : "code-hint"}
            aria-invalid={error ? true : undefined}
          />
        </div>
        <button className="button" type="submit">
          {t("common.continue")}
        </button>
      </form>
      <p>{t("participant.resume.lost")}</p>
    </ParticipantPage>
  );
}
