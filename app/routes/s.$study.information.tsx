import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { ParticipantPage, useParticipantPage } from "~/participants/components/ParticipantPage";
import { Blocks } from "~/participants/components/Blocks";
import { renderInstrumentText } from "~/participants/render.server";
import { contactIn, noStore, notFound, pageTitle, participantRequest } from "~/participants/page.server";
import { informationSheet } from "~/participants/study.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Tandem" }];
export const headers = () => noStore;

export async function loader(args: LoaderFunctionArgs) {
  const { study, language, t } = await participantRequest(args);
  const sheet = informationSheet(study);
  if (!sheet) notFound();
  const blocks = renderInstrumentText(sheet.version, language, contactIn(study, language));
  return { slug: study.slug, title: pageTitle(t, "participant.info.pageTitle", study, language), blocks };
}

export default function Information() {
  const { data, t } = useParticipantPage<typeof loader>();
  return (
    <ParticipantPage slug={data.slug}>
      <Blocks blocks={data.blocks} />
      <div className="actions">
        <a className="button" href={`/s/${data.slug}/consent`}>
          {t("participant.info.continue")}
        </a>
      </div>
      <p>
        <a href={`/s/${data.slug}/resume`}>{t("participant.info.haveCode")}</a>
      </p>
      <p>
        <a href={`/s/${data.slug}/what-happened`}>{t("participant.heard.link")}</a>
      </p>
    </ParticipantPage>
  );
}
