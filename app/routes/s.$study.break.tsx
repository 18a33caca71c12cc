import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { ParticipantPage, useParticipantPage } from "~/participants/components/ParticipantPage";
import { noStore, pageTitle, participantRequest } from "~/participants/page.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Tandem" }];
export const headers = () => noStore;

export async function loader(args: LoaderFunctionArgs) {
  const { study, language, t, session } = await participantRequest(args);
  const origin = new URL(args.request.url).origin;
  return {
    slug: study.slug,
    title: pageTitle(t, "participant.break.title", study, language),
    code: session?.code ?? null,
    started: session !== null,
    resumeUrl: `${origin}/s/${study.slug}/resume`,
  };
}

export default function TakeABreak() {
  const { data, t } = useParticipantPage<typeof loader>();
  return (
    <ParticipantPage slug={data.slug} title={t("participant.break.title")}>
      <p>{data.started ? t("participant.break.saved") : t("participant.break.notStarted")}</p>
      <h2>{t("participant.break.howTitle")}</h2>
      <ol>
        <li>
          {t("participant.break.howGo")}{" "}
          <a className="url" href={`/s/${data.slug}/resume`} dir="ltr">
            {data.resumeUrl}
          </a>
        </li>
        <li>{t("participant.break.howCode")}</li>
      </ol>
      {data.code ? (
        <>
          <p>{t("participant.break.yourCode")}</p>
          <p className="panel">
            <span className="code">{data.code}</span>
          </p>
        </>
      ) : null}
      <p>{t("participant.break.close")}</p>
      {data.started ? (
        <div className="actions">
          <a className="button button-secondary" href={`/s/${data.slug}/next`}>
            {t("participant.break.carryOn")}
          </a>
        </div>
      ) : null}
    </ParticipantPage>
  );
}
