import { sql } from "kysely";
import { z } from "zod";
import type { DB } from "../../db/index";
import { AUDIT_ACTIONS } from "../audit/log.server";

export { AUDIT_ACTIONS };

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const auditFilterSchema = z.object({
  action: z.enum(AUDIT_ACTIONS).optional().catch(undefined),
  actor: z.string().trim().toLowerCase().max(320).optional().catch(undefined),
  from: isoDate.optional().catch(undefined),
  to: isoDate.optional().catch(undefined),
  /** "cli": only what the command line did (it has no user: actor_user_id is null, detail.via "cli"). */
  by: z.enum(["cli"]).optional().catch(undefined),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

/** The command line acts as no user; its events say so in their detail (issue 5: "as the CLI's own actor"). */
export function byCommandLine(event: { actor_user_id: string | null; detail: unknown }): boolean {
  return (
    event.actor_user_id === null &&
    typeof event.detail === "object" &&
    event.detail !== null &&
    (event.detail as { via?: unknown }).via === "cli"
  );
}

export const AUDIT_PAGE_SIZE = 200;

/**
 * An organisation's audit log, newest first. Sign-in events belong to a person rather than an
 * organisation (organisation_id is null); an admin sees those of people who are members of theirs.
 */
export async function listAuditEvents(db: DB, organisationId: string, filter: AuditFilter) {
  let query = db
    .selectFrom("audit_event")
    .leftJoin("app_user as actor", "actor.id", "audit_event.actor_user_id")
    // Account events name the account by id; show its e-mail to the admin reading the log.
    .leftJoin("app_user as subject_user", (join) => join.on(sql`subject_user.id::text`, "=", sql.ref("audit_event.subject")))
    .select([
      "audit_event.id",
      "audit_event.occurred_at",
      "audit_event.action",
      "audit_event.subject",
      "audit_event.detail",
      "audit_event.actor_user_id",
      "actor.email as actor_email",
      "subject_user.email as subject_email",
    ])
    .where((eb) =>
      eb.or([
        eb("audit_event.organisation_id", "=", organisationId),
        eb.and([
          eb("audit_event.organisation_id", "is", null),
          eb(
            "audit_event.actor_user_id",
            "in",
            eb.selectFrom("membership").select("membership.user_id").where("membership.organisation_id", "=", organisationId),
          ),
        ]),
      ]),
    );
  if (filter.action) query = query.where("audit_event.action", "=", filter.action);
  if (filter.actor) query = query.where("actor.email", "like", `%${filter.actor.replace(/[%_\\]/g, (c) => `\\${c}`)}%`);
  if (filter.by === "cli")
    query = query.where("audit_event.actor_user_id", "is", null).where(sql<string>`audit_event.detail->>'via'`, "=", "cli");
  if (filter.from) query = query.where("audit_event.occurred_at", ">=", sql<Date>`${filter.from}::date`);
  if (filter.to) query = query.where("audit_event.occurred_at", "<", sql<Date>`${filter.to}::date + 1`);
  return query.orderBy("audit_event.id", "desc").limit(AUDIT_PAGE_SIZE).execute();
}
