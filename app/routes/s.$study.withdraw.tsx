import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { flashPath, putFlash, takeFlash } from "~/participants/flash.server";
import { ErrorSummary, ParticipantPage, useParticipantPage } from "~/participants/components/ParticipantPage";
import { ParticipantError } from "~/participants/errors";
import { noStore, pageTitle, participantRequest, readForm } from "~/participants/page.server";
import { field } from "~/security/form-body.server";
import { clearSessionCookie, endParticipantSession } from "~/participants/session.server";
import { withdrawalModesOffered, withdrawParticipant } from "~/participants/withdrawal.server";
import type { WithdrawalMode } from "~/participants/withdrawal-modes";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Tandem" }];
export const headers = () => noStore;

export async function loader(args: LoaderFunctionArgs) {
  const { study, language, t, session } = await participantRequest(args);
  if (!session) throw redirect(`/s/${study.slug}/resume?to=withdraw`, { headers: noStore });
  const modes = withdrawalModesOffered(study);
  // Someone who already stopped and kept their answers can still ask for them to be removed.
  const offered = session.participant.withdrawal_mode === "keep" ? modes.filter((m) => m === "erase") : modes;
  // Post/redirect/get (ADR 065): "are you sure?" is this page with ?mode=, an error comes once by flash.
  const flash = await takeFlash(args.context.db, args.request, { path: flashPath(args.request), secure: args.context.secureCookies });
  const error = flash.content?.errors?.[0] ? t(flash.content.errors[0].key) : undefined;
  const asked = new URL(args.request.url).searchParams.get("mode");
  const confirm = !error && offered.includes(asked as WithdrawalMode) ? (asked as WithdrawalMode) : null;
  const title = pageTitle(t, confirm ? "participant.withdraw.confirmTitle" : "participant.withdraw.title", study, language);
  return json(
    { slug: study.slug, title: error ? `${t("participant.q.errorPrefix")} ${title}` : title, modes: offered, confirm, error },
    { headers: { ...noStore, ...flash.headers } },
  );
}

export async function action(args: ActionFunctionArgs) {
  const { study, session } = await participantRequest(args);
  if (!session) throw redirect(`/s/${study.slug}/resume?to=withdraw`, { headers: noStore });
  const body = await readForm(args.request);
  const mode = field(body, "mode");
  const secure = args.context.secureCookies;
  const back = async (key: string) => {
    const cookie = await putFlash(args.context.db, {
      path: flashPath(args.request),
      content: { errors: [{ field: "f-mode", key }] },
      secure,
    });
    return redirect(`/s/${study.slug}/withdraw`, { status: 303, headers: { ...noStore, "Set-Cookie": cookie } });
  };
  if (!withdrawalModesOffered(study).includes(mode as WithdrawalMode)) throw await back("participant.withdraw.choose");
  if (field(body, "_intent") !== "confirm") throw redirect(`/s/${study.slug}/withdraw?mode=${mode}`, { status: 303, headers: noStore });
  try {
    const result = await withdrawParticipant(args.context.db, {
      studyId: study.id,
      participantId: session.participant.id,
      mode: mode as WithdrawalMode,
    });
    await endParticipantSession(args.context.db, session.token);
    // What happened goes to the next page once, from the server; the address carries nothing.
    const withdrawn = `/s/${study.slug}/withdrawn`;
    const notice: Record<string, string | number> = mode === "erase" ? { mode, answers: result.answers } : { mode };
    const headers = new Headers(noStore);
    headers.append("Set-Cookie", clearSessionCookie(secure));
    headers.append("Set-Cookie", await putFlash(args.context.db, { path: withdrawn, content: { notice }, secure }));
    throw redirect(withdrawn, { status: 303, headers });
  } catch (error) {
    if (error instanceof ParticipantError) throw await back("participant.withdraw.notOffered");
    throw error;
  }
}

export default function Withdraw() {
  const { data, t } = useParticipantPage<typeof loader>();
  const result = data.confirm ? { mode: data.confirm } : null;
  if (result) {
    return (
      <ParticipantPage slug={data.slug} withdrawLinks={false}>
        <h1>{t("participant.withdraw.confirmTitle")}</h1>
        <p className="panel">{t(result.mode === "erase" ? "participant.withdraw.confirmErase" : "participant.withdraw.confirmKeep")}</p>
        <form method="post">
          <input type="hidden" name="mode" value={result.mode} />
          <input type="hidden" name="_intent" value="confirm" />
          <div className="actions">
            <button className="button button-warning" type="submit">
              {t("participant.withdraw.confirm")}
            </button>
            <a href={`/s/${data.slug}/next`}>{t("participant.withdraw.cancel")}</a>
          </div>
        </form>
      </ParticipantPage>
    );
  }
  const error = data.error;
  return (
    <ParticipantPage slug={data.slug} withdrawLinks={false}>
      <ErrorSummary errors={error ? [{ id: `f-${data.modes[0] ?? "erase"}`, message: error }] : []} />
      <h1>{t("participant.withdraw.title")}</h1>
      <p>{t("participant.withdraw.intro")}</p>
      {data.modes.length === 0 ? (
        <p>{t("participant.withdraw.notOffered")}</p>
      ) : (
        <form method="post" noValidate>
          <div className={`field${error ? " field-error" : ""}`}>
            <fieldset aria-describedby={error ? "mode-error" : undefined}>
              <legend>{t("participant.withdraw.question")}</legend>
              {error ? (
                <p className="error-message" id="mode-error">
                  {error}
                </p>
              ) : null}
              {data.modes.map((mode) => (
                <div className="choice" key={mode}>
                  <input type="radio" id={`f-${mode}`} name="mode" value={mode} aria-describedby={`h-${mode}`} />
                  <div>
                    <label htmlFor={`f-${mode}`}>{t(`participant.withdraw.${mode}`)}</label>
                    <p className="hint" id={`h-${mode}`}>
                      {t(`participant.withdraw.${mode}Hint`)}
                    </p>
                  </div>
                </div>
              ))}
            </fieldset>
          </div>
          <button className="button" type="submit">
            {t("common.continue")}
          </button>
        </form>
      )}
    </ParticipantPage>
  );
}
