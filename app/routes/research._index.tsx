import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { requireUser, roleHas } from "~/auth/permissions.server";
import { organisationLanding } from "~/workspace/navigation";
import { workspaceContext } from "~/auth/sessions.server";
import { useT } from "~/i18n/react";
import { readFormBody } from "~/security/form-body.server";
import { answerInvitation, DomainError, invitationsFor, membershipsOf } from "~/organisations/people.server";
import { ErrorSummary } from "~/workspace/components/ErrorSummary";

export const headers = workspaceHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const session = await requireUser(request, context);
  const { db } = workspaceContext(context);
  const organisations = (await membershipsOf(db, session.userId)).map((o) => ({
    ...o,
    href: organisationLanding(`/research/${o.slug}`, (permission) => roleHas(o.role, permission)),
  }));
  return { organisations, invitations: await invitationsFor(db, session.userId) };
}

const answerSchema = z.object({ invitation: z.string(), answer: z.enum(["accept", "decline"]) });

type AnswerResult = { ok: true; answer: "accept" | "decline"; organisation: string } | { ok: false };

/** The signed-in owner of an account answers an invitation to another organisation (ADR 055). */
export async function action({ request, context }: ActionFunctionArgs) {
  const session = await requireUser(request, context);
  const { db } = workspaceContext(context);
  const parsed = answerSchema.safeParse(Object.fromEntries(await readFormBody(request)));
  if (!parsed.success) return json<AnswerResult>({ ok: false }, { status: 400 });
  const invitations = await invitationsFor(db, session.userId);
  const organisation = invitations.find((i) => i.id === parsed.data.invitation)?.organisationName ?? "";
  try {
    await answerInvitation(db, { invitationId: parsed.data.invitation, userId: session.userId, accept: parsed.data.answer === "accept" });
  } catch (error) {
    // Someone else's invitation answers exactly like one that does not exist.
    if (error instanceof DomainError) return json<AnswerResult>({ ok: false }, { status: 404 });
    throw error;
  }
  return json<AnswerResult>({ ok: true, answer: parsed.data.answer, organisation });
}

export default function OrganisationPicker() {
  const t = useT();
  const { organisations, invitations } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <main id="main" className="ws-main">
      <h1>{t("workspace.picker.title")}</h1>
      {result ? (
        result.ok ? (
          <div className="ws-panel" role="status">
            <p>
              {t(result.answer === "accept" ? "workspace.picker.accepted" : "workspace.picker.declined", {
                organisation: result.organisation,
              })}
            </p>
          </div>
        ) : (
          <ErrorSummary errors={[{ message: t("workspace.picker.gone") }]} />
        )
      ) : null}
      {invitations.length > 0 ? (
        <section aria-labelledby="invitations">
          <h2 id="invitations">{t("workspace.picker.invitations")}</h2>
          <ul className="ws-list">
            {invitations.map((i) => (
              <li key={i.id}>
                <p>
                  {t("workspace.picker.invitation", { organisation: i.organisationName, role: t(`workspace.roles.${i.role}`) })}{" "}
                  {i.invitedBy ? t("workspace.picker.invitedBy", { email: i.invitedBy }) : null}
                </p>
                <Form method="post" className="ws-row-form">
                  <CsrfInput />
                  <input type="hidden" name="invitation" value={i.id} />
                  <button type="submit" name="answer" value="accept">
                    {t("workspace.picker.accept", { organisation: i.organisationName })}
                  </button>{" "}
                  <button type="submit" name="answer" value="decline" className="ws-small">
                    {t("workspace.picker.decline")}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {organisations.length === 0 ? (
        <p>{t("workspace.picker.none")}</p>
      ) : (
        <ul className="ws-list">
          {organisations.map((o) => (
            <li key={o.slug}>
              <Link to={o.href}>{o.name}</Link> <span className="ws-muted">{t(`workspace.roles.${o.role}`)}</span>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
