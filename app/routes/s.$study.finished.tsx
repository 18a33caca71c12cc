import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useT } from "~/i18n/react";
import { ParticipantPage } from "~/participants/components/ParticipantPage";
import { noStore, pageTitle, participantRequest } from "~/participants/page.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Tandem" }];
export const headers = () => noStore;

export async function loader(args: LoaderFunctionArgs) {
  const { study, language, t } = await participantRequest(args);
  return { slug: study.slug, title: pageTitle(t, "participant.finished.title", study, language) };
}

export default function Finished() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <ParticipantPage slug={data.slug}>
      <h1>{t("participant.finished.title")}</h1>
      <p>{t("participant.finished.body")}</p>
      <p>
        <a href={`/s/${data.slug}/resume`}>{t("participant.info.haveCode")}</a>
      </p>
    </ParticipantPage>
  );
}
