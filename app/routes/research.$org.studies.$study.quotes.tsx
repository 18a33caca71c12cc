import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { listThemes } from "~/coding/codebook.server";
import codingStyles from "~/coding/components/coding.css";
import { runQuotesPageForm } from "~/coding/quote-form.server";
import { checkSummary } from "~/quote-checks/summary.server";
import { CheckSummaryPanel } from "~/quote-checks/components/CheckSummaryPanel";
import { requireStudyMember } from "~/workspace/request.server";
import { gatedParticipantCounts } from "~/consent/gate.server";
import { collectionProgress } from "~/consent/progress.server";
import { studyPageLink } from "~/workspace/navigation";
import { useT } from "~/i18n/react";

export const headers = workspaceHeaders;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: codingStyles }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member, db, scope, base, study } = await requireStudyMember(request, context, params, "export:raw");
  const themes = await listThemes(db, scope);
  return {
    base,
    languages: study.languages,
    themes: themes.filter((t) => t.status === "accepted").map((t) => ({ id: t.id, name: t.name, depth: t.depth })),
    counts: await gatedParticipantCounts(db, scope),
    coded: (await collectionProgress(db, scope)).codings > 0,
    codingPage: studyPageLink(base, "/coding", member.can),
    checks: await checkSummary(db, scope),
  };
}

// The print-ready page (the same audited export, shown as a page to print or save as PDF), or asking
// the people quoted to check the quotes of the chosen themes.
export async function action({ request, context, params }: ActionFunctionArgs) {
  return runQuotesPageForm(request, context, params);
}

export default function Quotes() {
  const t = useT();
  const d = useLoaderData<typeof loader>();
  const posted = useActionData<typeof action>();
  const result = posted && "quotes" in posted ? posted : null;
  const asked = posted && "asked" in posted ? posted.asked : null;
  if (result) {
    return (
      <main id="main" className="ws-main">
        <p className="ws-noprint">
          <Link to=".">{t("coding.quotes.back")}</Link>
        </p>
        <h1>{t("coding.quotes.printTitle")}</h1>
        <p>{t("coding.quotes.count", { n: result.quotes.length })}</p>
        {result.quotes.map((q, i) => (
          <figure key={i} className="coding-quote">
            <blockquote lang={q.language} dir="auto">
              {q.text}
            </blockquote>
            {q.interpretation ? (
              <blockquote lang={q.interpretationLanguage.split("; ")[0]} dir="auto">
                {t("coding.quotes.interpretation")} {q.interpretation}
              </blockquote>
            ) : null}
            {q.original ? (
              <blockquote lang={q.originalLanguage} dir="auto">
                {t("coding.quotes.original")} {q.original}
              </blockquote>
            ) : null}
            {q.translation ? (
              <blockquote lang={q.translationLanguage} dir="auto">
                <em>{q.translation}</em>
              </blockquote>
            ) : null}
            <footer>
              {q.speaker} · {t(`coding.source.${q.source}`)} · {q.month} · {q.themes.join("; ")}
            </footer>
          </figure>
        ))}
      </main>
    );
  }
  const themeBoxes = (
    <fieldset>
      <legend>{t("coding.quotes.themes")}</legend>
      {d.themes.map((th) => (
        <div key={th.id} className="ws-check" style={{ marginInlineStart: `${th.depth * 1.5}rem` }}>
          <input type="checkbox" id={`th-${th.id}`} name="theme" value={th.id} />
          <label htmlFor={`th-${th.id}`}>{th.name}</label>
        </div>
      ))}
    </fieldset>
  );
  return (
    <main id="main" className="ws-main">
      <h1>{t("coding.quotes.title")}</h1>
      <p className="ws-noprint">
        <Link to={`${d.base}/themes`}>{t("coding.nav.themes")}</Link> · <Link to={`${d.base}/coding`}>{t("coding.nav.coding")}</Link>
      </p>
      {d.coded ? null : (
        <div className="ws-panel" data-testid="empty-state">
          <p>{t("coding.quotes.noneNext")}</p>
          {d.codingPage ? (
            <p>
              <Link to={d.codingPage}>{t("coding.quotes.noneLink")}</Link>
            </p>
          ) : null}
        </div>
      )}
      <div className="ws-panel">
        <p>{t("coding.quotes.gate", { quote: d.counts.quote, analysis: d.counts.analysis })}</p>
        <p>{t("coding.quotes.redacted")}</p>
      </div>
      {asked ? (
        <p className="ws-panel" role="status" data-testid="quote-check-asked">
          {t(asked.enabled ? "workspace.quoteChecks.asked" : "workspace.quoteChecks.notChecking", { n: asked.asked })}
        </p>
      ) : null}
      <CheckSummaryPanel summary={d.checks} />
      <Form method="post" className="ws-form" reloadDocument>
        <CsrfInput />
        {themeBoxes}
        <label htmlFor="translation">{t("coding.quotes.translation")}</label>
        <select id="translation" name="translation" defaultValue="en">
          {d.languages.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
        <div className="coding-apply">
          <button type="submit" formAction={`${d.base}/quotes/download?format=csv`}>
            {t("coding.quotes.export_csv")}
          </button>
          <button type="submit" formAction={`${d.base}/quotes/download?format=md`}>
            {t("coding.quotes.export_md")}
          </button>
          <button type="submit">{t("coding.quotes.export_print")}</button>
          {d.checks.enabled ? (
            <button type="submit" name="intent" value="ask">
              {t("workspace.quoteChecks.ask")}
            </button>
          ) : null}
        </div>
      </Form>
      <Form method="post" action={`${d.base}/quotes/qdpx`} reloadDocument className="ws-form">
        <CsrfInput />
        <button type="submit">{t("coding.quotes.qdpx")}</button>
      </Form>
    </main>
  );
}
