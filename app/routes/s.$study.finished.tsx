import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { ParticipantPage, useParticipantPage } from "~/participants/components/ParticipantPage";
import { noStore, pageTitle, participantRequest } from "~/participants/page.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Tandem" }];
export const headers = () => noStore;

export async function loader(args: LoaderFunctionArgs) {
  const { study, language, t } = await participantRequest(args);
  return { slug: study.slug, title: pageTitle(t, "participant.finished.title", study, language) };
}

export default function Finished() {
  const { data, t } = useParticipantPage<typeof loader>();
  return (
    <ParticipantPage slug={data.slug} title={t("participant.finished.title")}>
      <p>{t("participant.finished.body")}</p>
      <p>
        <a href={`/s/${data.slug}/resume`}>{t("participant.info.haveCode")}</a>
      </p>
    </ParticipantPage>
  );
}
