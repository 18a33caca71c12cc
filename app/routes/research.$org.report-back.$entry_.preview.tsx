import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { workspaceHeaders } from "~/auth/headers";
import { requireMembership } from "~/auth/permissions.server";
import { getLanguage } from "~/i18n/languages";
import { makeTranslate } from "~/i18n/intl";
import { messagesFor } from "~/i18n/catalogues.server";
import type { LanguageCode } from "~/i18n/languages";
import { EntrySections } from "~/report-back/components/EntryView";
import { loadEntry } from "~/report-back/public.server";

export const headers = workspaceHeaders;

/**
 * What the public would see, for the reviewer: every language written so far (reviewed or not), with
 * quotes and counts through the gate exactly as the public page draws them.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const member = await requireMembership(request, context, params.org, "publication:draft");
  const entry = await loadEntry(member.db, member.organisation.id, params.entry ?? "", { preview: true });
  if (!entry) throw new Response("Not found", { status: 404 });
  return {
    org: member.organisation.slug,
    entry,
    languages: Object.keys(entry.texts).map((code) => ({ code, messages: messagesFor(code as LanguageCode, ["common", "reportback"]) })),
  };
}

export default function ReportBackPreview() {
  const { org, entry, languages } = useLoaderData<typeof loader>();
  return (
    <main id="main" className="ws-main">
      <p>
        <Link to={`/research/${org}/report-back/${entry.slug}`}>{makeTranslate("en", languages[0]?.messages ?? {})("reportback.editor.backToEditor")}</Link>
      </p>
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
