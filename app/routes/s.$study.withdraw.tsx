import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useT } from "~/i18n/react";
import { ErrorSummary, ParticipantPage } from "~/participants/components/ParticipantPage";
import { ParticipantError } from "~/participants/errors";
import { field, noStore, pageTitle, participantRequest, readForm } from "~/participants/page.server";
import { clearSessionCookie, endParticipantSession } from "~/participants/session.server";
import { withdrawalModesOffered, withdrawParticipant, type WithdrawalMode } from "~/participants/withdrawal.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Tandem" }];
export const headers = () => noStore;

export async function loader(args: LoaderFunctionArgs) {
  const { study, language, t, session } = await participantRequest(args);
  if (!session) throw redirect(`/s/${study.slug}/resume?to=withdraw`, { headers: noStore });
  const modes = withdrawalModesOffered(study);
  // Someone who already stopped and kept their answers can still ask for them to be removed.
  const offered = session.participant.withdrawal_mode === "keep" ? modes.filter((m) => m === "erase") : modes;
  return { slug: study.slug, title: pageTitle(t, "participant.withdraw.title", study, language), modes: offered };
}

export async function action(args: ActionFunctionArgs) {
  const { study, t, session } = await participantRequest(args);
  if (!session) throw redirect(`/s/${study.slug}/resume?to=withdraw`, { headers: noStore });
  const body = await readForm(args.request);
  const mode = field(body, "mode");
  if (!withdrawalModesOffered(study).includes(mode as WithdrawalMode)) {
    return { step: "choose" as const, error: t("participant.withdraw.choose") };
  }
  if (field(body, "_intent") !== "confirm") return { step: "confirm" as const, mode: mode as WithdrawalMode };
  try {
    const result = await withdrawParticipant(args.context.db, { studyId: study.id, participantId: session.participant.id, mode: mode as WithdrawalMode });
    await endParticipantSession(args.context.db, session.token);
    const query = mode === "erase" ? `mode=erase&answers=${result.answers}` : "mode=keep";
    throw redirect(`/s/${study.slug}/withdrawn?${query}`, { headers: { ...noStore, "Set-Cookie": clearSessionCookie(args.context.secureCookies) } });
  } catch (error) {
    if (error instanceof ParticipantError) return { step: "choose" as const, error: t("participant.withdraw.notOffered") };
    throw error;
  }
}

export default function Withdraw() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  if (result?.step === "confirm") {
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
  const error = result?.step === "choose" ? result.error : undefined;
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
