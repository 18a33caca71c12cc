import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { listThemes } from "~/coding/codebook.server";
import type { ExportFile } from "~/coding/export-downloads.server";
import { requireStudyMember } from "~/workspace/request.server";
import { useT } from "~/i18n/react";

export const headers = workspaceHeaders;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member, db, scope, base, study } = await requireStudyMember(request, context, params, "export:raw");
  const themes = await listThemes(db, scope);
  return {
    base,
    languages: study.languages,
    themes: themes.filter((t) => t.status === "accepted").map((t) => ({ id: t.id, name: t.name, depth: t.depth })),
    canImportCodebook: member.can("study:edit"),
  };
}

// Every download is a POST carrying the session's CSRF token (a GET must change nothing, and each
// export writes to the audit log); reloadDocument lets the browser save the answer as a file.
function Download({ base, file, label }: { base: string; file: ExportFile; label: string }) {
  return (
    <Form method="post" action={`${base}/exports/${file}`} reloadDocument className="ws-row-form">
      <CsrfInput />
      <button type="submit">{label}</button>
    </Form>
  );
}

export default function Exports() {
  const t = useT();
  const d = useLoaderData<typeof loader>();
  return (
    <main id="main" className="ws-main">
      <h1>{t("coding.exports.title")}</h1>
      <div className="ws-panel">
        <p>{t("coding.exports.intro")}</p>
        <p>{t("coding.exports.audited")}</p>
      </div>

      <h2>{t("coding.exports.answers")}</h2>
      <ul className="ws-list">
        <li>
          <Download base={d.base} file="answers-long.csv" label={t("coding.exports.answersLong")} />
        </li>
        <li>
          <Download base={d.base} file="answers-wide.csv" label={t("coding.exports.answersWide")} />
        </li>
        <li>
          <Download base={d.base} file="data-dictionary.csv" label={t("coding.exports.dictionary")} />
        </li>
      </ul>

      <h2>{t("coding.exports.statistics")}</h2>
      <p>{t("coding.exports.statisticsHint")}</p>
      <Form method="post" action={`${d.base}/exports/answers.sav`} reloadDocument className="ws-form">
        <CsrfInput />
        <label htmlFor="label-language">{t("coding.exports.labelLanguage")}</label>
        <select id="label-language" name="language" defaultValue="en">
          {["en", ...d.languages.filter((l) => l !== "en")].map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
        <div className="coding-apply">
          <button type="submit">{t("coding.exports.sav")}</button>
          <button type="submit" formAction={`${d.base}/exports/answers.dta`}>
            {t("coding.exports.dta")}
          </button>
          <button type="submit" formAction={`${d.base}/exports/answers.R`}>
            {t("coding.exports.rScript")}
          </button>
          <button type="submit" formAction={`${d.base}/exports/data-dictionary.xml`}>
            {t("coding.exports.ddi")}
          </button>
        </div>
      </Form>

      <h2>{t("coding.exports.coding")}</h2>
      <ul className="ws-list">
        <li>
          <Download base={d.base} file="coded-spans.csv" label={t("coding.exports.codedSpans")} />
        </li>
        <li>
          <Download base={d.base} file="codebook.csv" label={t("coding.exports.codebook")} />
        </li>
        {d.themes.length > 0 ? (
          <li>
            <Download base={d.base} file="codebook.qdc" label={t("coding.exports.codebookQdc")} />
          </li>
        ) : null}
        <li>
          <Form method="post" action={`${d.base}/quotes/qdpx`} reloadDocument className="ws-row-form">
            <CsrfInput />
            <button type="submit">{t("coding.quotes.qdpx")}</button>
          </Form>
        </li>
      </ul>

      {d.canImportCodebook ? (
        <p>
          <Link to={`${d.base}/themes/import`}>{t("coding.exports.codebookImport")}</Link>
        </p>
      ) : null}

      <h2>{t("coding.exports.quotes")}</h2>
      <p>{t("coding.exports.quotesHint")}</p>
      {d.themes.length === 0 ? (
        <p>{t("coding.exports.noThemes")}</p>
      ) : (
        <Form method="post" action={`${d.base}/quotes/download?format=csv`} reloadDocument className="ws-form">
          <CsrfInput />
          <fieldset>
            <legend>{t("coding.quotes.themes")}</legend>
            {d.themes.map((th) => (
              <div key={th.id} className="ws-check" style={{ marginInlineStart: `${th.depth * 1.5}rem` }}>
                <input type="checkbox" id={`ex-${th.id}`} name="theme" value={th.id} defaultChecked />
                <label htmlFor={`ex-${th.id}`}>{th.name}</label>
              </div>
            ))}
          </fieldset>
          <label htmlFor="translation">{t("coding.quotes.translation")}</label>
          <select id="translation" name="translation" defaultValue="en">
            {d.languages.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
          <div className="coding-apply">
            <button type="submit">{t("coding.quotes.export_csv")}</button>
            <button type="submit" formAction={`${d.base}/quotes/download?format=md`}>
              {t("coding.quotes.export_md")}
            </button>
          </div>
        </Form>
      )}
      <p>
        <Link to={`${d.base}/quotes`}>{t("coding.exports.printQuotes")}</Link>
      </p>
    </main>
  );
}
