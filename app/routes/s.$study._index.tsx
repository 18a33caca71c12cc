import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { getLanguage } from "~/i18n/languages";
import { useT } from "~/i18n/react";
import { languageCookie } from "~/i18n/request.server";
import { ParticipantPage } from "~/participants/components/ParticipantPage";
import { noStore, participantRequest, safeNext, studyTitle } from "~/participants/page.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Tandem" }];
export const headers = () => noStore;

/** The study's entry: the language first, offered by its own name, only those the study offers. */
export async function loader(args: LoaderFunctionArgs) {
  const { study, t, language } = await participantRequest(args, { chooseLanguageFirst: false });
  const url = new URL(args.request.url);
  const chosen = url.searchParams.get("lang");
  // Where the person was going before being asked for their language (validated: this study only).
  const next = safeNext(study.slug, url.searchParams.get("next"));
  if (chosen && study.languages.includes(chosen)) {
    throw redirect(next ?? `/s/${study.slug}/information`, { headers: { ...noStore, "Set-Cookie": languageCookie(chosen as never) } });
  }
  return {
    slug: study.slug,
    next: next ?? null,
    title: `${t("participant.language.title")} – ${studyTitle(study, language)}`,
    studyTitle: studyTitle(study, language),
    languages: study.languages.map((code) => {
      const l = getLanguage(code);
      return { code, endonym: l.endonym, dir: l.dir, title: studyTitle(study, code) };
    }),
  };
}

export default function ChooseLanguage() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <ParticipantPage slug={data.slug} withdrawLinks={false}>
      <p className="meta">{data.studyTitle}</p>
      <h1>{t("participant.language.title")}</h1>
      <ul className="language-list">
        {data.languages.map((l) => (
          <li key={l.code} lang={l.code} dir={l.dir}>
            <a className="button button-secondary" href={`/s/${data.slug}?lang=${l.code}${data.next ? `&next=${encodeURIComponent(data.next)}` : ""}`} hrefLang={l.code}>
              {l.endonym}
            </a>
          </li>
        ))}
      </ul>
      <p>
        <a href={`/s/${data.slug}/resume`}>{t("participant.info.haveCode")}</a>
      </p>
    </ParticipantPage>
  );
}
