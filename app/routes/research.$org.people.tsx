import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { displayNameSchema } from "~/organisations/account.server";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { linkFor } from "~/auth/invitations.server";
import { useT } from "~/i18n/react";
import {
  addPerson,
  addPersonSchema,
  changeRole,
  disableMember,
  DomainError,
  enableMember,
  issuePasswordLink,
  listPeople,
  listPendingInvitations,
  ROLE_VALUES,
  setRequireTotp,
} from "~/organisations/people.server";
import { readFormBody } from "~/security/form-body.server";
import { requireOrganisationMember } from "~/workspace/request.server";
import { ErrorSummary } from "~/workspace/components/ErrorSummary";
import { DataTable } from "~/workspace/components/DataTable";

export const headers = workspaceHeaders;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member } = await requireOrganisationMember(request, context, params, "people:manage");
  const people = await listPeople(member.db, member.organisation.id);
  const pending = await listPendingInvitations(member.db, member.organisation.id);
  return {
    pending: pending.map((p) => ({ id: p.id, email: p.email, role: p.role })),
    requireTotp: member.organisation.requireTotp,
    me: member.session.userId,
    people: people.map((p) => ({
      id: p.id,
      email: p.email,
      role: p.role,
      disabled: p.disabled_at !== null,
      hasPassword: p.has_password,
      totp: p.totp_enabled,
    })),
  };
}

const intentSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("add"), email: z.string(), role: z.string(), displayName: z.string().default("") }),
  z.object({ intent: z.literal("role"), userId: z.string(), role: z.enum(ROLE_VALUES) }),
  z.object({ intent: z.literal("disable"), userId: z.string() }),
  z.object({ intent: z.literal("enable"), userId: z.string() }),
  z.object({ intent: z.literal("link"), userId: z.string() }),
  z.object({ intent: z.literal("require_totp"), required: z.enum(["on", "off"]) }),
]);

type ActionResult =
  | { ok: true; link?: { email: string; url: string; purpose: "invitation" | "password_reset" }; invited?: string }
  | { ok: false; error: string; field?: string };

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { member } = await requireOrganisationMember(request, context, params, "people:manage");
  const parsed = intentSchema.safeParse(Object.fromEntries(await readFormBody(request)));
  if (!parsed.success) return json<ActionResult>({ ok: false, error: "invalid" }, { status: 400 });
  const input = parsed.data;
  const { db } = member;
  const organisationId = member.organisation.id;
  const actorUserId = member.session.userId;
  const base = new URL(request.url).origin;
  try {
    switch (input.intent) {
      case "add": {
        // A colleague has a name from the start: it is shown beside their coding and in exports (issue 14 item 3).
        if (!displayNameSchema.safeParse(input.displayName).success)
          return json<ActionResult>({ ok: false, error: "name", field: "new-name" }, { status: 400 });
        const person = addPersonSchema.safeParse({ email: input.email, role: input.role, displayName: input.displayName });
        if (!person.success) return json<ActionResult>({ ok: false, error: "invalid_person", field: "new-email" }, { status: 400 });
        const added = await addPerson(db, { organisationId, actorUserId, ...person.data });
        return json<ActionResult>({
          ok: true,
          link: added.invitationToken
            ? { email: person.data.email, url: linkFor(base, "invitation", added.invitationToken), purpose: "invitation" }
            : undefined,
          invited: added.awaitingAcceptance ? person.data.email : undefined,
        });
      }
      case "role":
        await changeRole(db, { organisationId, actorUserId, userId: input.userId, role: input.role });
        return json<ActionResult>({ ok: true });
      case "disable":
        await disableMember(db, { organisationId, actorUserId, userId: input.userId });
        return json<ActionResult>({ ok: true });
      case "enable":
        await enableMember(db, { organisationId, actorUserId, userId: input.userId });
        return json<ActionResult>({ ok: true });
      case "link": {
        const issued = await issuePasswordLink(db, { organisationId, actorUserId, userId: input.userId });
        const email = (await db.selectFrom("app_user").select("email").where("id", "=", input.userId).executeTakeFirstOrThrow()).email;
        return json<ActionResult>({ ok: true, link: { email, url: linkFor(base, issued.purpose, issued.token), purpose: issued.purpose } });
      }
      case "require_totp":
        await setRequireTotp(db, { organisationId, actorUserId, required: input.required === "on" });
        return json<ActionResult>({ ok: true });
    }
  } catch (error) {
    if (error instanceof DomainError) {
      // Someone else's id answers exactly like an id that does not exist.
      if (error.code === "not_found") throw new Response("Not found", { status: 404 });
      const field = input.intent === "add" ? "new-email" : input.intent === "role" ? `role-${input.userId}` : undefined;
      return json<ActionResult>({ ok: false, error: error.code, field }, { status: 400 });
    }
    throw error;
  }
}

export default function People() {
  const t = useT();
  const { people, pending, requireTotp, me } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <main id="main" className="ws-main">
      <h1>{t("workspace.people.title")}</h1>
      {result && !result.ok ? (
        <ErrorSummary errors={[{ field: result.field, message: t(`workspace.people.errors.${result.error}`) }]} />
      ) : null}
      {result && result.ok && result.link ? (
        <div className="ws-panel ws-link-panel" role="status">
          <h2>{t(result.link.purpose === "invitation" ? "workspace.people.invitationReady" : "workspace.people.resetReady")}</h2>
          <p>{t("workspace.people.linkHandOver", { email: result.link.email })}</p>
          <p>
            <code className="ws-secret" data-testid="one-time-link">
              {result.link.url}
            </code>
          </p>
          <p className="ws-muted">{t("workspace.people.linkOnce")}</p>
        </div>
      ) : null}
      {result && result.ok && result.invited ? (
        <div className="ws-panel" role="status">
          <p>{t("workspace.people.invitedExisting", { email: result.invited })}</p>
        </div>
      ) : null}

      <section aria-labelledby="add-person">
        <h2 id="add-person">{t("workspace.people.add")}</h2>
        <Form method="post" className="ws-form ws-inline-form">
          <CsrfInput />
          <input type="hidden" name="intent" value="add" />
          <label htmlFor="new-name">{t("workspace.people.name")}</label>
          <input id="new-name" name="displayName" required maxLength={80} autoComplete="off" dir="auto" />
          <label htmlFor="new-email">{t("workspace.field.email")}</label>
          <input id="new-email" name="email" type="email" required spellCheck={false} autoComplete="off" />
          <label htmlFor="new-role">{t("workspace.field.role")}</label>
          <select id="new-role" name="role" defaultValue="researcher">
            {ROLE_VALUES.map((role) => (
              <option key={role} value={role}>
                {t(`workspace.roles.${role}`)}
              </option>
            ))}
          </select>
          <button type="submit">{t("workspace.people.addSubmit")}</button>
        </Form>
      </section>

      <section aria-labelledby="members">
        <h2 id="members">{t("workspace.people.members")}</h2>
        <DataTable columns={["workspace.field.email", "workspace.field.role", "workspace.people.state", "workspace.people.actions"]}>
          {people.map((p) => (
            <tr key={p.id}>
              <td>{p.email}</td>
              <td>
                <Form method="post" className="ws-row-form">
                  <CsrfInput />
                  <input type="hidden" name="intent" value="role" />
                  <input type="hidden" name="userId" value={p.id} />
                  <label className="visually-hidden" htmlFor={`role-${p.id}`}>
                    {t("workspace.people.roleFor", { email: p.email })}
                  </label>
                  <select id={`role-${p.id}`} name="role" defaultValue={p.role}>
                    {ROLE_VALUES.map((role) => (
                      <option key={role} value={role}>
                        {t(`workspace.roles.${role}`)}
                      </option>
                    ))}
                  </select>
                  <button type="submit" className="ws-small">
                    {t("workspace.people.changeRole")}
                  </button>
                </Form>
              </td>
              <td>
                {p.disabled ? t("workspace.people.disabled") : p.hasPassword ? t("workspace.people.active") : t("workspace.people.invited")}
                {p.totp ? ` · ${t("workspace.people.twoFactorOn")}` : ""}
              </td>
              <td className="ws-actions">
                <Form method="post" className="ws-row-form">
                  <CsrfInput />
                  <input type="hidden" name="intent" value="link" />
                  <input type="hidden" name="userId" value={p.id} />
                  <button type="submit" className="ws-small">
                    {t(p.hasPassword ? "workspace.people.resetLink" : "workspace.people.newInvitation")}
                  </button>
                </Form>
                {p.id !== me ? (
                  <Form method="post" className="ws-row-form">
                    <CsrfInput />
                    <input type="hidden" name="intent" value={p.disabled ? "enable" : "disable"} />
                    <input type="hidden" name="userId" value={p.id} />
                    <button type="submit" className="ws-small">
                      {t(p.disabled ? "workspace.people.enable" : "workspace.people.disable")}
                    </button>
                  </Form>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      </section>

      {pending.length > 0 ? (
        <section aria-labelledby="pending">
          <h2 id="pending">{t("workspace.people.pending")}</h2>
          <p className="ws-muted">{t("workspace.people.pendingHint")}</p>
          <ul className="ws-list">
            {pending.map((p) => (
              <li key={p.id}>
                <bdi>{p.email}</bdi> <span className="ws-muted">{t(`workspace.roles.${p.role}`)}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="security">
        <h2 id="security">{t("workspace.people.security")}</h2>
        <Form method="post" className="ws-form">
          <CsrfInput />
          <input type="hidden" name="intent" value="require_totp" />
          <input type="hidden" name="required" value={requireTotp ? "off" : "on"} />
          <p>{t(requireTotp ? "workspace.people.totpRequired" : "workspace.people.totpOptional")}</p>
          <button type="submit">{t(requireTotp ? "workspace.people.totpMakeOptional" : "workspace.people.totpRequire")}</button>
        </Form>
      </section>
    </main>
  );
}
