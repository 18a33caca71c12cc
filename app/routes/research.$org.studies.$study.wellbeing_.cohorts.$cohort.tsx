import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { useT } from "~/i18n/react";
import { addGroupSession, listGroupSessions, markAttendance } from "~/wellbeing/attendance.server";
import { CohortProblem, facilitates, organisationStaff, requireCohort, updateCohort } from "~/wellbeing/cohorts.server";
import { CohortFields } from "~/wellbeing/components/CohortFields";
import { readFormBody } from "~/security/form-body.server";
import { userText } from "~/security/user-text";
import { requireStudyMember } from "~/workspace/request.server";
import { ErrorSummary } from "~/workspace/components/ErrorSummary";

export const headers = workspaceHeaders;

async function load(request: Request, context: LoaderFunctionArgs["context"], params: LoaderFunctionArgs["params"]) {
  const { member, study, scope } = await requireStudyMember(request, context, params, "fieldwork:record");
  const cohortId = z.string().uuid().safeParse(params.cohort);
  if (!cohortId.success) throw new Response("Not found", { status: 404 });
  try {
    const cohort = await requireCohort(member.db, scope, cohortId.data);
    // A facilitator keeps the register of their own groups only; researchers and admins, of any.
    if (member.role === "facilitator" && !(await facilitates(member.db, cohort.id, member.session.userId))) {
      throw new Response("Forbidden", { status: 403 });
    }
    return { member, study, scope, cohort };
  } catch (error) {
    if (error instanceof CohortProblem) throw new Response("Not found", { status: 404 });
    throw error;
  }
}

/**
 * One group's sessions; a facilitator adds a session and marks who came by their code. Someone who
 * may edit the study (study:edit) also changes the group's name, dates and facilitators here.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member, study, scope, cohort } = await load(request, context, params);
  const canEdit = member.can("study:edit");
  const facilitatorIds = canEdit
    ? (await member.db.selectFrom("cohort_facilitator").select("user_id").where("cohort_id", "=", cohort.id).execute()).map(
        (f) => f.user_id,
      )
    : [];
  return {
    base: `/research/${member.organisation.slug}/studies/${study.slug}/wellbeing`,
    cohort: { id: cohort.id, name: cohort.name, startsOn: cohort.starts_on, endsOn: cohort.ends_on, facilitatorIds },
    canEdit,
    staff: canEdit ? await organisationStaff(member.db, member.organisation.id) : [],
    sessions: await listGroupSessions(member.db, scope, cohort.id),
    today: new Date().toISOString().slice(0, 10),
  };
}

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .or(z.literal(""))
  .optional();
const intentSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("edit"),
    name: userText().trim().min(1).max(100),
    startsOn: date,
    endsOn: date,
    facilitators: z.array(z.string().uuid()).default([]),
  }),
  z.object({ intent: z.literal("session"), heldOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
  z.object({ intent: z.literal("mark"), session: z.string().uuid(), code: z.string().min(1).max(100) }),
]);

type ActionResult = { ok: true; message: string } | { ok: false; error: string; field: string };

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { member, scope, cohort } = await load(request, context, params);
  const form = await readFormBody(request);
  const parsed = intentSchema.safeParse({ ...Object.fromEntries(form), facilitators: form.getAll("facilitators") });
  if (!parsed.success)
    return json<ActionResult>({ ok: false, error: "invalid", field: form.get("intent") === "edit" ? "name" : "code" }, { status: 400 });
  const input = parsed.data;
  if (input.intent === "edit") {
    if (!member.can("study:edit")) throw new Response("Forbidden", { status: 403 });
    try {
      const { changed } = await updateCohort(
        member.db,
        scope,
        cohort.id,
        { name: input.name, startsOn: input.startsOn || null, endsOn: input.endsOn || null, facilitatorIds: input.facilitators },
        { userId: member.session.userId },
      );
      return json<ActionResult>({ ok: true, message: changed.length ? "edited" : "unchanged" });
    } catch (error) {
      if (error instanceof CohortProblem)
        return json<ActionResult>({ ok: false, error: error.problem.kind, field: "name" }, { status: 400 });
      throw error;
    }
  }
  if (input.intent === "session") {
    await addGroupSession(member.db, scope, { cohortId: cohort.id, heldOn: input.heldOn, createdBy: member.session.userId });
    return json<ActionResult>({ ok: true, message: "sessionAdded" });
  }
  const result = await markAttendance(
    member.db,
    scope,
    { groupSessionId: input.session, code: input.code, markedBy: member.session.userId },
    member.context.secrets.codeHashKey,
  );
  if (!result.ok) return json<ActionResult>({ ok: false, error: result.reason, field: "code" }, { status: 400 });
  return json<ActionResult>({ ok: true, message: result.alreadyMarked ? "alreadyMarked" : "marked" });
}

export default function CohortSessions() {
  const t = useT();
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <main id="main" className="ws-main">
      <p>
        <Link to={`${d.base}/cohorts`}>{t("wellbeing.manage.title")}</Link>
      </p>
      <h1>{t("wellbeing.manage.sessionsTitle", { cohort: d.cohort.name })}</h1>
      {result && !result.ok ? <ErrorSummary errors={[{ field: result.field, message: t(`wellbeing.error.${result.error}`) }]} /> : null}
      {result?.ok ? (
        <p role="status" className="ws-notice">
          {t(`wellbeing.result.${result.message}`)}
        </p>
      ) : null}

      {d.sessions.length === 0 ? (
        <p>{t("wellbeing.manage.noSessions")}</p>
      ) : (
        <>
          <ul>
            {d.sessions.map((s) => (
              <li key={s.id}>
                {t("wellbeing.manage.session", { number: s.number })} ({s.heldOn}): {t("wellbeing.manage.present", { count: s.present })}
              </li>
            ))}
          </ul>
          <section aria-labelledby="mark-title">
            <h2 id="mark-title">{t("wellbeing.manage.mark")}</h2>
            <Form method="post">
              <CsrfInput />
              <input type="hidden" name="intent" value="mark" />
              <p>
                <label htmlFor="session">{t("wellbeing.manage.whichSession")}</label>
                <br />
                <select id="session" name="session" defaultValue={d.sessions.at(-1)?.id}>
                  {d.sessions.map((s) => (
                    <option key={s.id} value={s.id}>
                      {t("wellbeing.manage.session", { number: s.number })} ({s.heldOn})
                    </option>
                  ))}
                </select>
              </p>
              <p>
                <label htmlFor="code">{t("wellbeing.manage.code")}</label>
                <br />
                <span className="ws-hint" id="code-hint">
                  {t("wellbeing.manage.joinHint")}
                </span>
                <br />
                <input
                  id="code"
                  name="code"
                  autoComplete="off"
                  spellCheck={false}
                  autoCapitalize="characters"
                  aria-describedby="code-hint"
                  dir="ltr"
                  required
                />
              </p>
              <button type="submit">{t("wellbeing.manage.markButton")}</button>
            </Form>
          </section>
        </>
      )}

      {d.canEdit ? (
        <section aria-labelledby="edit-title">
          <h2 id="edit-title">{t("wellbeing.manage.edit")}</h2>
          <Form method="post">
            <CsrfInput />
            <input type="hidden" name="intent" value="edit" />
            <CohortFields staff={d.staff} cohort={d.cohort} />
            <button type="submit">{t("wellbeing.manage.editButton")}</button>
          </Form>
        </section>
      ) : null}

      <section aria-labelledby="session-title">
        <h2 id="session-title">{t("wellbeing.manage.addSession")}</h2>
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value="session" />
          <p>
            <label htmlFor="heldOn">{t("wellbeing.manage.heldOn")}</label>
            <br />
            <input id="heldOn" name="heldOn" type="date" defaultValue={d.today} required />
          </p>
          <button type="submit">{t("wellbeing.manage.addSessionButton")}</button>
        </Form>
      </section>
    </main>
  );
}
