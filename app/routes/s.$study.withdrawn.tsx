import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useT } from "~/i18n/react";
import { ParticipantPage, SupportList } from "~/participants/components/ParticipantPage";
import { noStore, pageTitle, participantRequest, supportIn } from "~/participants/page.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Tandem" }];
export const headers = () => noStore;

/** What happened after a withdrawal: counts only, never a code (the session is already gone). */
export async function loader(args: LoaderFunctionArgs) {
  const { study, language, t, session } = await participantRequest(args);
  const url = new URL(args.request.url);
  const mode = url.searchParams.get("mode") === "erase" ? "erase" : "keep";
  const answers = Math.max(0, Math.min(100000, Number.parseInt(url.searchParams.get("answers") ?? "0", 10) || 0));
  return {
    slug: study.slug,
    title: pageTitle(t, "participant.withdrawn.title", study, language),
    mode: session?.participant.withdrawal_mode ?? mode,
    answers,
    support: supportIn(study, language),
  };
}

export default function Withdrawn() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <ParticipantPage slug={data.slug} withdrawLinks={false}>
      <div className="panel panel-success">
        <h1>{t("participant.withdrawn.title")}</h1>
      </div>
      {data.mode === "erase" ? (
        <>
          <p>{t("participant.withdrawn.erased", { count: data.answers })}</p>
          <p>{t("participant.withdrawn.erasedCode")}</p>
        </>
      ) : (
        <p>{t("participant.withdrawn.kept")}</p>
      )}
      <p>{t("participant.withdrawn.thanks")}</p>
      <h2>{t("participant.support.title")}</h2>
      <SupportList support={data.support} />
    </ParticipantPage>
  );
}
