import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { messagesFor } from "~/i18n/catalogues.server";
import { makeTranslate } from "~/i18n/intl";
import { getLanguage, isLanguageCode } from "~/i18n/languages";
import { languageCookie, requestLanguage } from "~/i18n/request.server";
import { ParticipantPage, useParticipantPage } from "~/participants/components/ParticipantPage";
import { PrivacyTips } from "~/participants/components/PrivacyTips";
import { noStore, participantRequest, safeNext } from "~/participants/page.server";

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
  // The page is in the language the root chose for <html lang> (?lang=, the cookie, else English),
  // even one this study does not offer: a Pashto speaker sent here with ?lang=ps reads, in Pashto,
  // that the study is not in Pashto and chooses among the offered languages. Its title agrees.
  const pageLanguage = requestLanguage(args.request);
  const pageT = pageLanguage === language ? t : makeTranslate(pageLanguage, messagesFor(pageLanguage));
  const catalogues = study.languages
    .filter(isLanguageCode)
    .map((code) => ({ code, dir: getLanguage(code).dir, messages: messagesFor(code) }));
  const inEach = (key: string) => catalogues.map(({ code, dir, messages }) => ({ code, dir, text: messages[key] ?? "" }));
  // Current language first: the heading, the exit and "I already have a code" are in every offered language.
  const ordered = <T extends { code: string }>(list: T[]) => [
    ...list.filter((l) => l.code === pageLanguage),
    ...list.filter((l) => l.code !== pageLanguage),
  ];
  return {
    slug: study.slug,
    next: next ?? null,
    // Titles stay in the browser's history: no study title (it names who the study is for). ADR 064.
    title: `${pageT("participant.language.title")} – Tandem`,
    notOffered: chosen && isLanguageCode(chosen) && !study.languages.includes(chosen) ? getLanguage(chosen).endonym : null,
    headings: ordered(inEach("participant.language.title")),
    exitLabels: ordered(inEach("participant.bar.leave")),
    haveCode: ordered(inEach("participant.info.haveCode")),
    languages: study.languages.map((code) => {
      const l = getLanguage(code);
      return { code, endonym: l.endonym, dir: l.dir };
    }),
  };
}

export default function ChooseLanguage() {
  const { data, t } = useParticipantPage<typeof loader>();
  return (
    <ParticipantPage slug={data.slug} withdrawLinks={false} exitLabels={data.exitLabels}>
      <h1 className="multilingual">
        {data.headings.map((h) => (
          <span key={h.code} lang={h.code} dir={h.dir}>
            {h.text}
          </span>
        ))}
      </h1>
      {data.notOffered ? <p>{t("participant.language.notOffered", { language: data.notOffered })}</p> : null}
      <ul className="language-list">
        {data.languages.map((l) => (
          <li key={l.code} lang={l.code} dir={l.dir}>
            <a
              className="button button-secondary"
              href={`/s/${data.slug}?lang=${l.code}${data.next ? `&next=${encodeURIComponent(data.next)}` : ""}`}
              hrefLang={l.code}
            >
              {l.endonym}
            </a>
          </li>
        ))}
      </ul>
      <ul className="multilingual-links">
        {data.haveCode.map((h) => (
          <li key={h.code} lang={h.code} dir={h.dir}>
            <a href={`/s/${data.slug}?lang=${h.code}&next=${encodeURIComponent(`/s/${data.slug}/resume`)}`} hrefLang={h.code}>
              {h.text}
            </a>
          </li>
        ))}
      </ul>
      <PrivacyTips />
    </ParticipantPage>
  );
}
