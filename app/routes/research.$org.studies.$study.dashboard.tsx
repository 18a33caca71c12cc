import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { workspaceHeaders } from "~/auth/headers";
import { getLanguage } from "~/i18n/languages";
import { useT } from "~/i18n/react";
import { studyDashboard } from "~/studies/dashboard.server";
import { requireStudyMember } from "~/workspace/request.server";
import { studyPageLink } from "~/workspace/navigation";
import { shareableCount, shareablePercent, type ShareableCount } from "~/disclosure/small-counts";
import { DataTable } from "~/workspace/components/DataTable";
import { RetentionWarning } from "~/studies/components/RetentionWarning";
import { retentionStatus } from "~/studies/retention.server";

export const headers = workspaceHeaders;

/**
 * Counts for one study. The default view is exact and stays in the workspace; `?view=share` is the
 * version meant to be printed or copied into a report, where every count under 5 reads
 * "fewer than 5" (and the exact numbers are never sent to the page at all).
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member, study, base: studyBase } = await requireStudyMember(request, context, params, "dashboard:read");
  const share = new URL(request.url).searchParams.get("view") === "share";
  const d = await studyDashboard(member.db, study.id);
  const retention = (await retentionStatus(member.db, study.id))!;
  const count = (n: number): ShareableCount => (share ? shareableCount(n) : { exact: n });
  const percent = (part: number, whole: number) =>
    share ? shareablePercent(part, whole) : whole > 0 ? Math.round((part / whole) * 100) : null;
  return {
    share,
    base: `/research/${member.organisation.slug}/studies/${study.slug}/dashboard`,
    issueCodes: studyPageLink(studyBase, "/codes", member.can),
    retention: {
      warning: retention.warning,
      erasesOn: retention.erasesOn,
      daysLeft: retention.daysLeft,
      link: studyPageLink(studyBase, "/retention", member.can),
    },
    participants: count(d.participants),
    consents: count(d.consents),
    consentsByMethod: (["online", "paper", "assisted"] as const).map((method) => ({ method, n: count(d.consentsByMethod[method] ?? 0) })),
    withdrawals: { total: count(d.withdrawals.total), erase: count(d.withdrawals.erase), keep: count(d.withdrawals.keep) },
    responses: d.responses.map((r) => ({
      instrument: r.instrument,
      timepoint: r.timepoint,
      language: r.language,
      started: count(r.started),
      completed: count(r.completed),
      completion: percent(r.completed, r.started),
    })),
  };
}

function Count({ value }: { value: ShareableCount }) {
  const t = useT();
  return <>{"exact" in value ? value.exact : t("common.fewerThanFive")}</>;
}

export default function Dashboard() {
  const t = useT();
  const d = useLoaderData<typeof loader>();
  return (
    <main id="main" className="ws-main">
      <h1>{t(d.share ? "workspace.dashboard.shareTitle" : "workspace.dashboard.title")}</h1>
      <p className="ws-muted">{t(d.share ? "workspace.dashboard.shareIntro" : "workspace.dashboard.intro")}</p>
      {d.share ? null : <RetentionWarning {...d.retention} />}
      <p className="ws-noprint">
        <Link to={d.share ? d.base : `${d.base}?view=share`}>
          {t(d.share ? "workspace.dashboard.exactView" : "workspace.dashboard.shareView")}
        </Link>
      </p>
      <dl className="ws-facts ws-counts">
        <dt>{t("workspace.dashboard.participants")}</dt>
        <dd data-testid="count-participants">
          <Count value={d.participants} />
        </dd>
        <dt>{t("workspace.dashboard.consents")}</dt>
        <dd data-testid="count-consents">
          <Count value={d.consents} />
        </dd>
        {d.consentsByMethod.map((m) => (
          <div key={m.method} className="ws-sub">
            <dt>{t(`workspace.dashboard.method_${m.method}`)}</dt>
            <dd>
              <Count value={m.n} />
            </dd>
          </div>
        ))}
        <dt>{t("workspace.dashboard.withdrawals")}</dt>
        <dd data-testid="count-withdrawals">
          <Count value={d.withdrawals.total} />
        </dd>
        <div className="ws-sub">
          <dt>{t("workspace.dashboard.withdrawErase")}</dt>
          <dd>
            <Count value={d.withdrawals.erase} />
          </dd>
        </div>
        <div className="ws-sub">
          <dt>{t("workspace.dashboard.withdrawKeep")}</dt>
          <dd>
            <Count value={d.withdrawals.keep} />
          </dd>
        </div>
      </dl>
      <h2>{t("workspace.dashboard.answers")}</h2>
      {d.responses.length === 0 ? (
        <div className="ws-panel" data-testid="empty-state">
          <p>{t("workspace.dashboard.noAnswersNext")}</p>
          {d.issueCodes ? (
            <p>
              <Link to={d.issueCodes}>{t("workspace.dashboard.noAnswersLink")}</Link>
            </p>
          ) : null}
        </div>
      ) : (
        <DataTable
          columns={[
            "workspace.dashboard.instrument",
            "workspace.dashboard.timepoint",
            "workspace.dashboard.language",
            "workspace.dashboard.started",
            "workspace.dashboard.completed",
            "workspace.dashboard.completion",
          ]}
        >
          {d.responses.map((r) => (
            <tr key={`${r.instrument}-${r.timepoint}-${r.language}`}>
              <td>{r.instrument}</td>
              <td>{r.timepoint}</td>
              <td>{getLanguage(r.language).englishName}</td>
              <td>
                <Count value={r.started} />
              </td>
              <td>
                <Count value={r.completed} />
              </td>
              <td>{r.completion === null ? "—" : `${r.completion}%`}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </main>
  );
}
