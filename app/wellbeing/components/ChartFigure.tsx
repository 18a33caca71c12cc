import type { ReactNode } from "react";
import { useT } from "~/i18n/react";

/**
 * One chart with everything that stands in for it: a heading, a sentence saying what it shows, the
 * chart, the same numbers as a table (in a <details>, which opens without JavaScript) and a CSV.
 */
export function ChartFigure(props: {
  id: string;
  title: string;
  description: string;
  summary: string;
  chart: ReactNode;
  table: ReactNode;
  downloadHref: string;
}) {
  const t = useT();
  return (
    <figure className="wb-chart" aria-labelledby={`${props.id}-title`}>
      <h3 id={`${props.id}-title`}>{props.title}</h3>
      <p className="ws-muted">{props.description}</p>
      <p id={`${props.id}-summary`} data-testid={`${props.id}-summary`}>
        {props.summary}
      </p>
      <div className="wb-chart-canvas" aria-describedby={`${props.id}-summary`}>
        {props.chart}
      </div>
      <details className="wb-chart-table">
        <summary>{t("wellbeing.chart.showTable")}</summary>
        {props.table}
      </details>
      <p>
        <a href={props.downloadHref} download>
          {t("wellbeing.chart.download")}
        </a>
      </p>
    </figure>
  );
}
