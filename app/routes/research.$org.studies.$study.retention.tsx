import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { useT } from "~/i18n/react";
import { namesOf } from "~/organisations/names.server";
import { readFormBody } from "~/security/form-body.server";
import { recordRetentionHold, retentionStatus } from "~/studies/retention.server";
import { ErrorSummary } from "~/workspace/components/ErrorSummary";
import { TextAreaField, TextField } from "~/workspace/components/fields";
import { requireStudyMember } from "~/workspace/request.server";

export const headers = workspaceHeaders;

/** When a study's participant data are erased, and an admin's record of keeping them longer (issue 17 part 4). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member, study, base } = await requireStudyMember(request, context, params, "study:status");
  const status = (await retentionStatus(member.db, study.id))!;
  const names = await namesOf(
    member.db,
    status.holds.map((h) => h.recordedBy).filter((id): id is string => id !== null),
  );
  return {
    base,
    mayHold: member.can("retention:hold"),
    status: {
      ...status,
      holds: status.holds.map((h) => ({
        ...h,
        recordedAt: h.recordedAt.toISOString().slice(0, 10),
        by: h.recordedBy ? (names.get(h.recordedBy) ?? "") : "",
      })),
      erased: status.erased ? { ...status.erased, erasedAt: status.erased.erasedAt.toISOString().slice(0, 10) } : null,
    },
  };
}

const holdSchema = z.object({ keep_until: z.string().trim().max(20), reason: z.string().max(4000) });

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { member, study } = await requireStudyMember(request, context, params, "retention:hold");
  const parsed = holdSchema.safeParse(Object.fromEntries(await readFormBody(request)));
  const input = parsed.success ? parsed.data : { keep_until: "", reason: "" };
  const result = await recordRetentionHold(member.db, {
    organisationId: member.organisation.id,
    studyId: study.id,
    keepUntil: input.keep_until,
    reason: input.reason,
    actorUserId: member.session.userId,
  });
  if (!result.ok) return json({ ok: false as const, error: result.error, values: input }, { status: 400 });
  return json({ ok: true as const });
}

const FIELD_OF = { reason_missing: "reason", reason_too_long: "reason", date: "keep_until", not_later: "keep_until" } as const;

export default function Retention() {
  const t = useT();
  const { base, mayHold, status } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const error = result && !result.ok ? result.error : null;
  const field = error && error in FIELD_OF ? FIELD_OF[error as keyof typeof FIELD_OF] : undefined;
  const message = error ? t(`workspace.retention.errors.${error}`) : null;
  return (
    <main id="main" className="ws-main">
      <h1>{t("workspace.retention.title")}</h1>
      {message ? <ErrorSummary errors={[{ field, message }]} /> : null}
      {result?.ok ? (
        <p className="ws-panel" role="status">
          {t("workspace.retention.held")}
        </p>
      ) : null}
      <p>{t("workspace.retention.intro")}</p>
      {status.erased ? (
        <p className="ws-panel">
          {t("workspace.retention.erased", {
            date: status.erased.erasedAt,
            participants: status.erased.participants,
            responses: status.erased.responses,
            answers: status.erased.answers,
            segments: status.erased.segments,
          })}
        </p>
      ) : status.erasesOn === null ? (
        <p>
          {t("workspace.retention.noSchedule")} <Link to={`${base}/edit#retentionUntil`}>{t("workspace.retention.setSchedule")}</Link>
        </p>
      ) : (
        <p className={status.warning ? "ws-panel ws-warning" : undefined}>
          {t(status.daysLeft! <= 0 ? "workspace.retention.due" : "workspace.retention.erasesOn", {
            date: status.erasesOn,
            days: status.daysLeft ?? 0,
          })}
        </p>
      )}
      {status.scheduledUntil ? <p>{t("workspace.retention.scheduled", { date: status.scheduledUntil })}</p> : null}
      {status.holds.length > 0 ? (
        <>
          <h2>{t("workspace.retention.holdsTitle")}</h2>
          <ul>
            {status.holds.map((h) => (
              <li key={`${h.recordedAt}-${h.keepUntil}`}>
                {t("workspace.retention.holdLine", { date: h.keepUntil, by: h.by || "—", on: h.recordedAt })} <q>{h.reason}</q>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {mayHold && !status.erased && status.scheduledUntil ? (
        <Form method="post" className="ws-form">
          <h2>{t("workspace.retention.holdTitle")}</h2>
          <p>{t("workspace.retention.holdIntro")}</p>
          <CsrfInput />
          <TextField
            id="keep_until"
            type="date"
            required
            label={t("workspace.retention.keepUntil")}
            error={field === "keep_until" ? message : null}
            defaultValue={result && !result.ok ? result.values.keep_until : ""}
          />
          <TextAreaField
            id="reason"
            rows={4}
            required
            label={t("workspace.retention.reason")}
            hint={t("workspace.retention.reasonHint")}
            error={field === "reason" ? message : null}
            defaultValue={result && !result.ok ? result.values.reason : ""}
          />
          <button type="submit">{t("workspace.retention.hold")}</button>
        </Form>
      ) : null}
    </main>
  );
}
