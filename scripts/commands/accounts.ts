import { z } from "zod";
import { displayNameSchema } from "../../app/organisations/account.server";
import { linkFor } from "../../app/auth/invitations.server";
import { endUserSessions } from "../../app/auth/sessions.server";
import { recordAudit } from "../../app/audit/log.server";
import {
  addPerson,
  createOrganisation,
  DomainError,
  issuePasswordLinkByOperator,
  ROLE_VALUES,
} from "../../app/organisations/people.server";
import { CliError, parseOptions, requireOption, type Command, type CommandContext } from "./types";

/** Links printed by the CLI point at PUBLIC_URL, the address people reach the app on. */
function baseUrl(ctx: CommandContext) {
  return ctx.env.PUBLIC_URL ?? "http://localhost:3000";
}

async function userByEmail(ctx: CommandContext, email: string) {
  const { db } = await ctx.openDb();
  const user = await db
    .selectFrom("app_user")
    .select(["id", "password_hash", "disabled_at"])
    .where("email", "=", email.trim().toLowerCase())
    .executeTakeFirst();
  if (!user) throw new CliError(`No account has the e-mail address ${email}.`);
  return { db, user };
}

function domainMessage(error: unknown): never {
  if (error instanceof DomainError) {
    const messages: Record<string, string> = {
      slug_taken: "That slug is already taken.",
      already_member: "That person is already a member of the organisation.",
    };
    throw new CliError(messages[error.code] ?? error.code);
  }
  if (error instanceof z.ZodError)
    throw new CliError(`Invalid value: ${error.issues.map((i) => i.path.join(".") || i.message).join(", ")}.`);
  throw error;
}

export const accountCommands: Command[] = [
  {
    name: "org create",
    summary: "Create an organisation (a tenant)",
    usage:
      "npm run cli -- org create --slug <slug> --name <name>\n\n  --slug  lower-case letters, digits and hyphens; part of workspace addresses\n  --name  the organisation's name",
    async run(args, ctx) {
      const { values } = parseOptions(args, { values: ["slug", "name"] });
      const { db } = await ctx.openDb();
      try {
        const organisation = await createOrganisation(db, { slug: requireOption(values, "slug"), name: requireOption(values, "name") });
        ctx.out(
          `Created organisation "${organisation.slug}". Add its first admin with: npm run cli -- user create --org ${organisation.slug} --email <e-mail> --role admin`,
        );
        return 0;
      } catch (error) {
        domainMessage(error);
      }
    },
  },
  {
    name: "user create",
    summary: "Add a person to an organisation and print their one-time invitation link",
    usage: `npm run cli -- user create --org <slug> --email <e-mail> --role <role> [--name <name>]\n\n  --role  one of ${ROLE_VALUES.join(", ")}\n  --name  the name colleagues see beside their work (they can change it; asked when they accept if absent)\n\nNobody is e-mailed: hand the printed link to the person yourself. It works once and expires in 7 days.\nLinks use PUBLIC_URL (default http://localhost:3000).`,
    async run(args, ctx) {
      const { values } = parseOptions(args, { values: ["org", "email", "role", "name"] });
      const { db } = await ctx.openDb();
      const slug = requireOption(values, "org");
      const role = z.enum(ROLE_VALUES).safeParse(requireOption(values, "role"));
      if (!role.success) throw new CliError(`--role must be one of ${ROLE_VALUES.join(", ")}.`);
      if (values.name !== undefined && !displayNameSchema.safeParse(values.name).success)
        throw new CliError("--name must be a name of 1 to 80 characters.");
      const organisation = await db.selectFrom("organisation").select("id").where("slug", "=", slug).executeTakeFirst();
      if (!organisation) throw new CliError(`No organisation has the slug "${slug}".`);
      try {
        const added = await addPerson(db, {
          organisationId: organisation.id,
          email: requireOption(values, "email"),
          role: role.data,
          displayName: values.name ?? "",
          actorUserId: null,
        });
        if (added.invitationToken) {
          ctx.out(`Invitation link (works once, expires in 7 days):\n${linkFor(baseUrl(ctx), "invitation", added.invitationToken)}`);
        } else {
          ctx.out("This person already has an account: they are invited, and join when they sign in and accept (within 14 days).");
        }
        return 0;
      } catch (error) {
        domainMessage(error);
      }
    },
  },
  {
    name: "user reset-password",
    summary: "Print a one-time password reset link for an account",
    usage:
      "npm run cli -- user reset-password --email <e-mail>\n\nThe link works once and expires in 24 hours; using it ends the account's sessions.",
    async run(args, ctx) {
      const { values } = parseOptions(args, { values: ["email"] });
      const { db, user } = await userByEmail(ctx, requireOption(values, "email"));
      const { purpose, token } = await issuePasswordLinkByOperator(db, user.id);
      ctx.out(`${purpose === "invitation" ? "Invitation" : "Reset"} link (works once):\n${linkFor(baseUrl(ctx), purpose, token)}`);
      return 0;
    },
  },
  {
    name: "user disable",
    summary: "Disable an account everywhere and end its sessions at once",
    usage: "npm run cli -- user disable --email <e-mail>",
    async run(args, ctx) {
      const { values } = parseOptions(args, { values: ["email"] });
      const { db, user } = await userByEmail(ctx, requireOption(values, "email"));
      await db.transaction().execute(async (trx) => {
        await trx.updateTable("app_user").set({ disabled_at: new Date() }).where("id", "=", user.id).execute();
        await endUserSessions(trx, user.id);
        await recordAudit(trx, { actorUserId: null, action: "user_disabled", subject: user.id, detail: { via: "cli" } });
      });
      ctx.out("Disabled. Any sessions the account had have ended.");
      return 0;
    },
  },
  {
    name: "user enable",
    summary: "Enable a disabled account again",
    usage: "npm run cli -- user enable --email <e-mail>",
    async run(args, ctx) {
      const { values } = parseOptions(args, { values: ["email"] });
      const { db, user } = await userByEmail(ctx, requireOption(values, "email"));
      await db.transaction().execute(async (trx) => {
        await trx.updateTable("app_user").set({ disabled_at: null }).where("id", "=", user.id).execute();
        await recordAudit(trx, { actorUserId: null, action: "user_enabled", subject: user.id, detail: { via: "cli" } });
      });
      ctx.out("Enabled. The person signs in with their existing password (or ask for a reset link).");
      return 0;
    },
  },
];
