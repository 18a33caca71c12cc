import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { ContactText } from "~/participants/components/ContactText";
import { ParticipantPage, SupportList, useParticipantPage } from "~/participants/components/ParticipantPage";
import { contactIn, noStore, pageTitle, participantRequest, supportIn } from "~/participants/page.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Tandem" }];
export const headers = () => noStore;

/** Where declining a required statement ends: kindly, with who to ask and where to find support. */
export async function loader(args: LoaderFunctionArgs) {
  const { study, language, t } = await participantRequest(args);
  return {
    slug: study.slug,
    title: pageTitle(t, "participant.declined.title", study, language),
    contact: contactIn(study, language),
    support: supportIn(study, language),
  };
}

export default function Declined() {
  const { data, t } = useParticipantPage<typeof loader>();
  return (
    <ParticipantPage slug={data.slug} withdrawLinks={false}>
      <h1>{t("participant.declined.title")}</h1>
      <p>{t("participant.declined.body")}</p>
      <p>{t("participant.declined.nothingKept")}</p>
      <h2>{t("participant.support.contactTitle")}</h2>
      <p className="panel" {...(data.contact.lang ? { lang: data.contact.lang } : {})}>
        <ContactText text={data.contact.text} />
      </p>
      <h2>{t("participant.support.title")}</h2>
      <p>{t("participant.support.intro")}</p>
      <SupportList support={data.support} />
      <p>
        <a href={`/s/${data.slug}/information`}>{t("participant.declined.changeMind")}</a>
      </p>
    </ParticipantPage>
  );
}
