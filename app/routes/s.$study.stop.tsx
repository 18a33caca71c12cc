import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { ParticipantPage, useParticipantPage } from "~/participants/components/ParticipantPage";
import { noStore, pageTitle, participantRequest } from "~/participants/page.server";
import { clearSessionCookie, endParticipantSession } from "~/participants/session.server";
import { withdrawalModesOffered } from "~/participants/withdrawal.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Tandem" }];
export const headers = () => noStore;

export async function loader(args: LoaderFunctionArgs) {
  const { study, language, t, session } = await participantRequest(args);
  return {
    slug: study.slug,
    title: pageTitle(t, "participant.stop.title", study, language),
    started: session !== null,
    modes: withdrawalModesOffered(study),
  };
}

/** "Finish on this device": forgets the session here; the answers stay, the code still works. */
export async function action(args: ActionFunctionArgs) {
  const { study, session } = await participantRequest(args);
  if (session) await endParticipantSession(args.context.db, session.token);
  throw redirect(`/s/${study.slug}/finished`, { headers: { ...noStore, "Set-Cookie": clearSessionCookie(args.context.secureCookies) } });
}

export default function Stop() {
  const { data, t } = useParticipantPage<typeof loader>();
  return (
    <ParticipantPage slug={data.slug} title={t("participant.stop.title")}>
      <p>{t("participant.stop.intro")}</p>
      <h2>{t("participant.stop.pauseTitle")}</h2>
      <p>{t("participant.stop.pauseBody")}</p>
      <p>
        <a href={`/s/${data.slug}/break`}>{t("participant.stop.pauseLink")}</a>
      </p>
      {data.started ? (
        <form method="post">
          <button className="button button-secondary" type="submit">
            {t("participant.stop.finish")}
          </button>
        </form>
      ) : null}
      {data.modes.includes("keep") ? (
        <>
          <h2>{t("participant.stop.keepTitle")}</h2>
          <p>{t("participant.stop.keepBody")}</p>
        </>
      ) : null}
      {data.modes.includes("erase") ? (
        <>
          <h2>{t("participant.stop.eraseTitle")}</h2>
          <p>{t("participant.stop.eraseBody")}</p>
        </>
      ) : null}
      {data.modes.length > 0 ? (
        <p>
          <a href={`/s/${data.slug}/withdraw`}>{t("participant.stop.withdrawLink")}</a>
        </p>
      ) : null}
    </ParticipantPage>
  );
}
