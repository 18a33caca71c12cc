import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useT } from "~/i18n/react";
import { ParticipantPage } from "~/participants/components/ParticipantPage";
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
  const data = useLoaderData<typeof loader>();
  const t = useT();
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
    </ParticipantPage>
  );
}
