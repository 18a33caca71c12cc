import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { ParticipantPage, useParticipantPage } from "~/participants/components/ParticipantPage";
import { noStore, pageTitle, participantRequest } from "~/participants/page.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Tandem" }];
export const headers = () => noStore;

export async function loader(args: LoaderFunctionArgs) {
  const { study, language, t, session } = await participantRequest(args);
  if (!session) throw redirect(`/s/${study.slug}/resume`, { headers: noStore });
  return { slug: study.slug, title: pageTitle(t, "participant.code.title", study, language), code: session.code };
}

export default function Code() {
  const { data, t } = useParticipantPage<typeof loader>();
  return (
    <ParticipantPage slug={data.slug} title={t("participant.code.title")}>
      <p>{t("participant.code.intro")}</p>
      {data.code ? (
        <p className="panel code-panel">
          <span className="code">{data.code}</span>
        </p>
      ) : (
        <p>{t("participant.code.notShown")}</p>
      )}
      <h2>{t("participant.code.usesTitle")}</h2>
      <ul>
        <li>{t("participant.code.useReturn")}</li>
        <li>{t("participant.code.useAfter")}</li>
        <li>{t("participant.code.useWithdraw")}</li>
        <li>{t("participant.code.useQuotes")}</li>
      </ul>
      <p>{t("participant.code.keep")}</p>
      <p className="hint no-print">{t("participant.code.print")}</p>
      <div className="actions no-print">
        <a className="button" href={`/s/${data.slug}/next`}>
          {t("participant.code.continue")}
        </a>
      </div>
      <p className="no-print">
        <a href={`/s/${data.slug}/my-consent`}>{t("participant.choices.copyLink")}</a>
      </p>
    </ParticipantPage>
  );
}
