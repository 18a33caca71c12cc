import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { flashPath, takeFlash } from "~/participants/flash.server";
import { ParticipantPage, SupportList, useParticipantPage } from "~/participants/components/ParticipantPage";
import { noStore, pageTitle, participantRequest, supportIn } from "~/participants/page.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Tandem" }];
export const headers = () => noStore;

/**
 * What happened after a withdrawal, as the server recorded it and shown once (the withdrawal's flash,
 * ADR 065): counts only, never a code (the session is already gone). The address says nothing: a
 * link with ?mode=erase&answers=N tells nobody that anything was deleted. A person still signed in
 * (sent here from a question page) sees the mode recorded for them, without counts.
 */
export async function loader(args: LoaderFunctionArgs) {
  const { study, language, t, session } = await participantRequest(args);
  const flash = await takeFlash(args.context.db, args.request, { path: flashPath(args.request), secure: args.context.secureCookies });
  const notice = flash.content?.notice;
  const fromFlash =
    notice && (notice.mode === "erase" || notice.mode === "keep") ? { mode: notice.mode, answers: Number(notice.answers) || 0 } : null;
  return json(
    {
      slug: study.slug,
      title: pageTitle(t, "participant.withdrawn.title", study, language),
      mode: fromFlash?.mode ?? session?.participant.withdrawal_mode ?? null,
      answers: fromFlash?.mode === "erase" ? fromFlash.answers : null,
      support: supportIn(study, language),
    },
    { headers: { ...noStore, ...flash.headers } },
  );
}

export default function Withdrawn() {
  const { data, t } = useParticipantPage<typeof loader>();
  return (
    <ParticipantPage slug={data.slug} withdrawLinks={false}>
      <div className="panel panel-success">
        <h1>{t("participant.withdrawn.title")}</h1>
      </div>
      {data.mode === "erase" && data.answers !== null ? (
        <>
          <p>{t("participant.withdrawn.erased", { count: data.answers })}</p>
          <p>{t("participant.withdrawn.erasedCode")}</p>
        </>
      ) : data.mode === "keep" ? (
        <p>{t("participant.withdrawn.kept")}</p>
      ) : (
        <p>{t("participant.withdrawn.generic")}</p>
      )}
      <p>{t("participant.withdrawn.thanks")}</p>
      <h2>{t("participant.support.title")}</h2>
      <SupportList support={data.support} />
    </ParticipantPage>
  );
}
