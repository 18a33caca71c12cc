import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { useT } from "~/i18n/react";
import { CohortProblem, createCohort, joinCohort, listCohorts, organisationStaff } from "~/wellbeing/cohorts.server";
import { CohortFields } from "~/wellbeing/components/CohortFields";
import { readFormBody } from "~/security/form-body.server";
import { userText } from "~/security/user-text";
import { requireStudyMember } from "~/workspace/request.server";
import { ErrorSummary } from "~/workspace/components/ErrorSummary";
import { DataTable } from "~/workspace/components/DataTable";

export const headers = workspaceHeaders;

/** Peer-support groups of a study: add one (study editors), put someone in one by their code (fieldwork). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member, study, scope } = await requireStudyMember(request, context, params, "fieldwork:record");
  return {
    base: `/research/${member.organisation.slug}/studies/${study.slug}/wellbeing`,
    // Where participants join a group themselves, to read out or write on the board.
    selfJoinAddress: `${new URL(request.url).origin}/s/${study.slug}/group`,
    cohorts: await listCohorts(member.db, scope),
    staff: member.can("study:edit") ? await organisationStaff(member.db, member.organisation.id) : [],
    canCreate: member.can("study:edit"),
  };
}

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .or(z.literal(""))
  .optional();
const intentSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("create"),
    name: userText().trim().min(1).max(100),
    startsOn: date,
    endsOn: date,
    facilitators: z.array(z.string().uuid()).default([]),
  }),
  z.object({ intent: z.literal("join"), cohort: z.string().uuid(), code: z.string().min(1).max(100) }),
]);

type ActionResult = { ok: true; message: string } | { ok: false; error: string; field: string };

export async function action({ request, context, params }: ActionFunctionArgs) {
  // Read from a copy: requireStudyMember (through requireMembership) reads the body itself to check the CSRF token.
  const form = await readFormBody(request.clone());
  const intent = form.get("intent");
  const { member, scope } = await requireStudyMember(request, context, params, intent === "create" ? "study:edit" : "fieldwork:record");
  const parsed = intentSchema.safeParse({ ...Object.fromEntries(form), facilitators: form.getAll("facilitators") });
  if (!parsed.success)
    return json<ActionResult>({ ok: false, error: "invalid", field: intent === "create" ? "name" : "code" }, { status: 400 });
  const input = parsed.data;
  if (input.intent === "create") {
    try {
      await createCohort(member.db, scope, {
        name: input.name,
        startsOn: input.startsOn || null,
        endsOn: input.endsOn || null,
        facilitatorIds: input.facilitators,
      });
    } catch (error) {
      if (error instanceof CohortProblem)
        return json<ActionResult>({ ok: false, error: error.problem.kind, field: "name" }, { status: 400 });
      throw error;
    }
    return json<ActionResult>({ ok: true, message: "created" });
  }
  const result = await joinCohort(
    member.db,
    scope,
    { cohortId: input.cohort, code: input.code, joinedOn: new Date().toISOString().slice(0, 10), recordedBy: member.session.userId },
    member.context.secrets.codeHashKey,
  ).catch((error: unknown) => {
    // A group of another study or organisation is, from here, a group that does not exist.
    if (error instanceof CohortProblem && error.problem.kind === "cohort_not_found") throw new Response("Not found", { status: 404 });
    throw error;
  });
  if (!result.ok) return json<ActionResult>({ ok: false, error: result.reason, field: "code" }, { status: 400 });
  return json<ActionResult>({ ok: true, message: result.moved ? "moved" : "joined" });
}

export default function Cohorts() {
  const t = useT();
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <main id="main" className="ws-main">
      <p>
        <Link to={d.base}>{t("wellbeing.manage.back")}</Link>
      </p>
      <h1>{t("wellbeing.manage.title")}</h1>
      {result && !result.ok ? <ErrorSummary errors={[{ field: result.field, message: t(`wellbeing.error.${result.error}`) }]} /> : null}
      {result?.ok ? (
        <p role="status" className="ws-notice">
          {t(`wellbeing.result.${result.message}`)}
        </p>
      ) : null}

      {d.cohorts.length === 0 ? (
        <p>{t("wellbeing.cohorts.none")}</p>
      ) : (
        <DataTable
          columns={[
            "wellbeing.cohorts.name",
            "wellbeing.cohorts.dates",
            "wellbeing.cohorts.facilitators",
            "wellbeing.cohorts.members",
            "wellbeing.cohorts.sessions",
          ]}
        >
          {d.cohorts.map((c) => (
            <tr key={c.id}>
              <th scope="row">
                <Link to={`${d.base}/cohorts/${c.id}`}>{c.name}</Link>
              </th>
              <td>{c.startsOn || c.endsOn ? `${c.startsOn ?? ""} – ${c.endsOn ?? ""}` : "—"}</td>
              <td>{c.facilitators.map((f) => f.displayName).join(", ") || "—"}</td>
              <td>{c.members}</td>
              <td>{c.sessions}</td>
            </tr>
          ))}
        </DataTable>
      )}

      {d.cohorts.length > 0 ? (
        <section aria-labelledby="join-title">
          <h2 id="join-title">{t("wellbeing.manage.join")}</h2>
          <Form method="post">
            <CsrfInput />
            <input type="hidden" name="intent" value="join" />
            <p>
              <label htmlFor="join-cohort">{t("wellbeing.cohorts.name")}</label>
              <br />
              <select id="join-cohort" name="cohort">
                {d.cohorts.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
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
            <button type="submit">{t("wellbeing.manage.joinButton")}</button>
          </Form>
          <p>{t("wellbeing.manage.selfJoin", { address: d.selfJoinAddress })}</p>
        </section>
      ) : null}

      {d.canCreate ? (
        <section aria-labelledby="create-title">
          <h2 id="create-title">{t("wellbeing.manage.create")}</h2>
          <Form method="post">
            <CsrfInput />
            <input type="hidden" name="intent" value="create" />
            <CohortFields staff={d.staff} />
            <button type="submit">{t("wellbeing.manage.createButton")}</button>
          </Form>
        </section>
      ) : null}
    </main>
  );
}
