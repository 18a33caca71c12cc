import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { workspaceHeaders } from "~/auth/headers";
import codingStyles from "~/coding/components/coding.css";
import { ThemeChart } from "~/coding/components/ThemeChart";
import { coOccurrence, themeCounts, themeExtracts } from "~/coding/theme-views.server";
import { requireStudyMember } from "~/workspace/request.server";
import { useT } from "~/i18n/react";
import { DataTable } from "~/workspace/components/DataTable";
import { clientMessages } from "~/i18n/catalogues.server";

export const headers = workspaceHeaders;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: codingStyles }];
export const handle = { hydrate: true };

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, scope, base } = await requireStudyMember(request, context, params, "data:read");
  const theme = new URL(request.url).searchParams.get("theme");
  const counts = await themeCounts(db, scope);
  const co = await coOccurrence(db, scope);
  const extracts = theme && counts.some((c) => c.themeId === theme) ? await themeExtracts(db, scope, theme, { limit: 200 }) : null;
  return { base, counts, co, theme, extracts, clientMessages: clientMessages(request, ["coding"]) };
}

function breakdown(values: Record<string, number>, empty: string) {
  return Object.entries(values)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k || empty}: ${n}`)
    .join(", ");
}

export default function ThemeViews() {
  const t = useT();
  const d = useLoaderData<typeof loader>();
  const used = d.counts.filter((c) => c.people > 0);
  return (
    <main id="main" className="ws-main">
      <h1>{t("coding.views.title")}</h1>
      <p className="ws-noprint">
        <Link to={`${d.base}/themes`}>{t("coding.nav.themes")}</Link> · <Link to={`${d.base}/coding`}>{t("coding.nav.coding")}</Link>
      </p>
      <p className="ws-muted">{t("coding.views.intro")}</p>
      <figure aria-labelledby="people-chart">
        <h2 id="people-chart">{t("coding.views.peopleChart")}</h2>
        <ThemeChart bars={used.map((c) => ({ name: c.name, people: c.people, colour: c.colour }))} label={t("coding.views.people")} />
      </figure>
      <DataTable
        columns={[
          "coding.views.theme",
          "coding.views.people",
          "coding.views.mentions",
          "coding.views.byLanguage",
          "coding.views.bySource",
          "coding.views.byCohort",
        ]}
        caption={<caption className="ws-muted">{t("coding.views.tableCaption")}</caption>}
      >
        {d.counts.map((c) => (
          <tr key={c.themeId}>
            <th scope="row" style={{ paddingInlineStart: `${0.6 + c.depth}rem` }}>
              <Link to={`?theme=${c.themeId}#extracts`}>{c.name}</Link>
            </th>
            <td>{c.people}</td>
            <td>{c.mentions}</td>
            <td>{breakdown(c.byLanguage, "—")}</td>
            <td>{breakdown(Object.fromEntries(Object.entries(c.bySource).map(([k, n]) => [t(`coding.source.${k}`), n])), "—")}</td>
            <td>{breakdown(c.byCohort, t("coding.views.noCohort"))}</td>
          </tr>
        ))}
      </DataTable>

      <h2>{t("coding.views.coOccurrence")}</h2>
      <p className="ws-muted">{t("coding.views.coOccurrenceHint")}</p>
      <div style={{ overflowX: "auto" }}>
        <table className="ws-table coding-matrix">
          <thead>
            <tr>
              <td />
              {d.co.themes.map((th) => (
                <th key={th.id} scope="col">
                  {th.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {d.co.themes.map((row, i) => (
              <tr key={row.id}>
                <th scope="row">{row.name}</th>
                {d.co.matrix[i]!.map((n, j) => (
                  <td key={j}>{n || ""}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {d.extracts ? (
        <section id="extracts" aria-labelledby="extracts-h">
          <h2 id="extracts-h">{t("coding.views.extracts", { theme: d.counts.find((c) => c.themeId === d.theme)?.name ?? "" })}</h2>
          {d.extracts.length === 0 ? <p>{t("coding.views.noExtracts")}</p> : null}
          {d.extracts.map((e, i) => (
            <figure key={i} className="coding-quote">
              <blockquote lang={e.language} dir="auto">
                <span className="ws-muted">{e.before}</span>
                <mark className="coding-mark">{e.extract}</mark>
                <span className="ws-muted">{e.after}</span>
              </blockquote>
              <footer>
                {t(`coding.source.${e.source}`)}
                {e.sessionLabel ? ` · ${e.sessionLabel}` : ""} · {e.language}
              </footer>
            </figure>
          ))}
        </section>
      ) : null}
    </main>
  );
}
