import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { getLanguage } from "~/i18n/languages";
import { useI18n } from "~/i18n/react";
import { studyLink } from "~/fieldwork/paper-and-assisted.server";
import { studyNextSteps } from "~/studies/next-steps.server";
import { studyTitle } from "~/studies/titles";
import { requireStudyMember } from "~/workspace/request.server";
import { ErrorSummary } from "~/workspace/components/ErrorSummary";

export const headers = workspaceHeaders;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member, study, scope, base } = await requireStudyMember(request, context, params, "organisation:read");
  return {
    study: {
      slug: study.slug,
      titles: study.titles,
      status: study.status,
      languages: study.languages,
      instruments: study.instruments,
      cohorts: study.cohorts.map((c) => c.name),
      retentionUntil: study.settings.retention_until,
      withdrawal: study.settings.withdrawal,
      datePrecision: study.settings.date_precision,
    },
    base,
    steps: await studyNextSteps(member.db, scope, {
      studyBase: base,
      organisationBase: `/research/${member.organisation.slug}`,
      can: member.can,
    }),
    link: await studyLink(new URL(request.url).origin, study.slug),
    canChangeStatus: member.can("study:status"),
  };
}

export default function StudyOverview() {
  const { t, language } = useI18n();
  const { study, base, link, canChangeStatus, steps } = useLoaderData<typeof loader>();
  const result = useActionData<{ error?: string }>();
  return (
    <main id="main" className="ws-main">
      <h1>{studyTitle(study.titles, language)}</h1>
      {result?.error ? <ErrorSummary errors={[{ message: t(`workspace.study.errors.${result.error}`) }]} /> : null}
      <dl className="ws-facts">
        <dt>{t("workspace.study.statusColumn")}</dt>
        <dd data-testid="study-status">{t(`workspace.status.${study.status}`)}</dd>
        <dt>{t("workspace.study.participantLink")}</dt>
        <dd>
          <code data-testid="study-link">{link.url}</code>
          <img src={link.qr} alt={t("workspace.study.qrAlt")} width={128} height={128} className="ws-qr" />
        </dd>
        <dt>{t("workspace.studyForm.languages")}</dt>
        <dd>{study.languages.map((code) => getLanguage(code).englishName).join(", ")}</dd>
        <dt>{t("workspace.studyForm.instruments")}</dt>
        <dd>
          <ul>
            {study.instruments.map((i) => (
              <li key={`${i.instrument_version_id}-${i.timepoint}`}>
                {i.instrument_id} v{i.version} · {i.timepoint}
              </li>
            ))}
          </ul>
        </dd>
        <dt>{t("workspace.studyForm.cohorts")}</dt>
        <dd>{study.cohorts.length > 0 ? study.cohorts.join(", ") : "—"}</dd>
        <dt>{t("workspace.studyForm.withdrawalDeadline")}</dt>
        <dd>{study.withdrawal.deadline ?? "—"}</dd>
        <dt>{t("workspace.studyForm.retention")}</dt>
        <dd>{study.retentionUntil ?? "—"}</dd>
        <dt>{t("workspace.studyForm.datePrecision")}</dt>
        <dd>{t(`workspace.studyForm.precision_${study.datePrecision}`)}</dd>
      </dl>
      <section aria-labelledby="next-steps">
        <h2 id="next-steps">{t("workspace.steps.title")}</h2>
        <p>{t("workspace.steps.intro")}</p>
        <ol className="ws-steps" data-testid="next-steps">
          {steps.map((step) => (
            <li key={step.id} data-step={step.id} data-state={step.state} aria-current={step.next ? "step" : undefined}>
              {step.href ? <Link to={step.href}>{t(`workspace.steps.${step.id}`)}</Link> : <span>{t(`workspace.steps.${step.id}`)}</span>}
              {" — "}
              <strong>{t(`workspace.steps.state_${step.state}`)}</strong>
              {step.next ? <> · {t("workspace.steps.next")}</> : null}
              {!step.href && step.state !== "done" ? <> · {t("workspace.steps.notYours")}</> : null}
            </li>
          ))}
        </ol>
      </section>
      {canChangeStatus ? (
        <Form method="post" action={`${base}/status`} id="study-status-form">
          <CsrfInput />
          {study.status === "open" ? (
            <button type="submit" name="status" value="closed">
              {t("workspace.study.close")}
            </button>
          ) : (
            <button type="submit" name="status" value="open">
              {t("workspace.study.open")}
            </button>
          )}
        </Form>
      ) : null}
    </main>
  );
}
