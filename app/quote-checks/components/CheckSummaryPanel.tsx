import type { SerializeFrom } from "@remix-run/node";
import { useT } from "~/i18n/react";
import type { CheckSummary } from "../summary.server";

/**
 * Where the study's quote checks stand (counts only) and what that means for exports and entries:
 * shown on the quotes page and the quote checks page.
 */
export function CheckSummaryPanel({ summary }: { summary: SerializeFrom<CheckSummary> }) {
  const t = useT();
  if (!summary.enabled && Object.values(summary.counts).every((n) => n === 0)) return null;
  const { counts } = summary;
  return (
    <div className="ws-panel" data-testid="quote-check-summary">
      <p>{t(summary.enabled ? "workspace.quoteChecks.on" : "workspace.quoteChecks.off", { days: summary.waitDays })}</p>
      <ul>
        <li>{t("workspace.quoteChecks.count.awaiting", { n: counts.awaiting })}</li>
        <li>{t("workspace.quoteChecks.count.approved", { n: counts.approved })}</li>
        <li>{t("workspace.quoteChecks.count.changed", { n: counts.changed })}</li>
        <li>{t("workspace.quoteChecks.count.refused", { n: counts.refused })}</li>
        <li>{t("workspace.quoteChecks.count.lapsed", { n: counts.lapsed, published: summary.lapsedPublished })}</li>
      </ul>
    </div>
  );
}
