import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { ParticipantPage, useParticipantPage } from "~/participants/components/ParticipantPage";
import { noStore, pageTitle, participantRequest } from "~/participants/page.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Tandem" }];
export const headers = () => noStore;

export async function loader(args: LoaderFunctionArgs) {
  const { study, language, t, session } = await participantRequest(args);
  return { slug: study.slug, title: pageTitle(t, "participant.done.title", study, language), code: session?.code ?? null };
}

export default function Done() {
  const { data, t } = useParticipantPage<typeof loader>();
  return (
    <ParticipantPage slug={data.slug}>
      <div className="panel panel-success">
        <h1>{t("participant.done.title")}</h1>
      </div>
      <p>{t("participant.done.body")}</p>
      <p>{t("participant.done.later")}</p>
      {data.code ? (
        <p className="panel">
          <span className="code">{data.code}</span>
        </p>
      ) : null}
      <p>
        <a href={`/s/${data.slug}/my-consent`}>{t("participant.choices.copyLink")}</a>
      </p>
      {/* On a shared phone the next person must not find this session: finishing on this device is
          the page's first and main action (the code above is the way back). ADR 064. */}
      <form method="post" action={`/s/${data.slug}/stop`}>
        <button className="button" type="submit">
          {t("participant.stop.finish")}
        </button>
      </form>
    </ParticipantPage>
  );
}
