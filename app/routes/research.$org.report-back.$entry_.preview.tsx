import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { workspaceHeaders } from "~/auth/headers";
import { getLanguage } from "~/i18n/languages";
import { useI18n } from "~/i18n/react";
import { makeTranslate } from "~/i18n/intl";
import { messagesFor } from "~/i18n/catalogues.server";
import type { LanguageCode } from "~/i18n/languages";
import { EntrySections } from "~/report-back/components/EntryView";
import { loadEntry } from "~/report-back/public.server";
import { postersThatDoNotFit } from "~/report-back/poster.server";
import reportBackStyles from "~/report-back/report-back.css";
import { requireOrganisationMember } from "~/workspace/request.server";

export const headers = workspaceHeaders;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: reportBackStyles }];

/**
 * What the public would see, for the reviewer: every language written so far (reviewed or not), with
 * quotes and counts through the gate exactly as the public page draws them.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member } = await requireOrganisationMember(request, context, params, "publication:draft");
  const entry = await loadEntry(member.db, member.organisation.id, params.entry ?? "", { preview: true });
  if (!entry) throw new Response("Not found", { status: 404 });
  return {
    org: member.organisation.slug,
    entry,
    // the posters (one per language, beside the next) that would print on more than one sheet
    postersTooLong: postersThatDoNotFit(entry).map((codes) => codes.map((code) => getLanguage(code).endonym)),
    languages: Object.keys(entry.texts).map((code) => ({ code, messages: messagesFor(code as LanguageCode, ["common", "reportback"]) })),
  };
}

export default function ReportBackPreview() {
  const { org, entry, languages, postersTooLong } = useLoaderData<typeof loader>();
  const { t, language } = useI18n();
  return (
    <main id="main" className="ws-main">
      <p>
        <Link to={`/research/${org}/report-back/${entry.slug}`}>{t("reportback.editor.backToEditor")}</Link>
      </p>
      {postersTooLong.length ? (
        <div className="rb-warning" role="status">
          <h2>{t("reportback.editor.posterTooLong.title")}</h2>
          <p>
            {t("reportback.editor.posterTooLong.body", {
              languages: postersTooLong.map((names) => new Intl.ListFormat(language, { type: "conjunction" }).format(names)).join("; "),
            })}
          </p>
        </div>
      ) : null}
      {languages.map(({ code, messages }) => {
        const t = makeTranslate(code as LanguageCode, messages);
        return (
          <article key={code} lang={code} dir={getLanguage(code).dir} className="ws-panel">
            <h1>{entry.texts[code]?.title}</h1>
            <EntrySections entry={entry} language={code} t={t} />
          </article>
        );
      })}
    </main>
  );
}
