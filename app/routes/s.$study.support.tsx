import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { ContactText } from "~/participants/components/ContactText";
import { ParticipantPage, SupportList, useParticipantPage } from "~/participants/components/ParticipantPage";
import { PrivacyTips } from "~/participants/components/PrivacyTips";
import { contactIn, noStore, pageTitle, participantRequest, supportIn } from "~/participants/page.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Tandem" }];
export const headers = () => noStore;

export async function loader(args: LoaderFunctionArgs) {
  const { study, language, t, session } = await participantRequest(args);
  return {
    slug: study.slug,
    title: pageTitle(t, "participant.support.title", study, language),
    support: supportIn(study, language),
    contact: contactIn(study, language),
    back: session ? `/s/${study.slug}/next` : `/s/${study.slug}/information`,
  };
}

export default function Support() {
  const { data, t } = useParticipantPage<typeof loader>();
  return (
    <ParticipantPage slug={data.slug} title={t("participant.support.title")}>
      <p>{t("participant.support.intro")}</p>
      <SupportList support={data.support} heading="h2" />
      <h2>{t("participant.support.contactTitle")}</h2>
      <p {...(data.contact.lang ? { lang: data.contact.lang } : {})}>
        <ContactText text={data.contact.text} />
      </p>
      <PrivacyTips />
      <p>
        <a href={data.back}>{t("participant.backToQuestions")}</a>
      </p>
    </ParticipantPage>
  );
}
