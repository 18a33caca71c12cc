import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../../app/auth/sessions.server";
import { createSession } from "../../app/auth/sessions.server";
import { accountCommands } from "../../scripts/commands/accounts";
import type { CommandContext } from "../../scripts/commands/types";
import { CliError } from "../../scripts/commands/types";
import { createTestDatabase, type TestDatabase } from "../support/database";

let database: TestDatabase;
const out: string[] = [];
let ctx: CommandContext;

beforeAll(async () => {
  database = await createTestDatabase();
  ctx = {
    out: (line) => out.push(line),
    err: (line) => out.push(line),
    env: { PUBLIC_URL: "https://tandem.example.org" } as unknown as NodeJS.ProcessEnv,
    openDb: async () => database,
  };
});
afterAll(async () => database?.destroy());

const run = (name: string, args: string[]) => accountCommands.find((c) => c.name === name)!.run(args, ctx);

describe("account commands", () => {
  it("creates an organisation and its first admin, printing a one-time link on PUBLIC_URL", async () => {
    expect(await run("org create", ["--slug", "refugee-voices", "--name", "Refugee Voices"])).toBe(0);
    expect(await run("user create", ["--org", "refugee-voices", "--email", "First.Admin@Example.org", "--role", "admin"])).toBe(0);
    const link = out.join("\n").match(/https:\/\/tandem\.example\.org\/research\/invitation\/([A-Za-z0-9_-]{43})/);
    expect(link).not.toBeNull();
    const token = await database.db.selectFrom("user_token").select(["token_hash", "purpose"]).executeTakeFirstOrThrow();
    expect(token).toEqual({ token_hash: hashToken(link![1]!), purpose: "invitation" });
    const member = await database.db
      .selectFrom("membership")
      .innerJoin("app_user", "app_user.id", "membership.user_id")
      .select(["app_user.email", "membership.role"])
      .executeTakeFirstOrThrow();
    expect(member).toEqual({ email: "first.admin@example.org", role: "admin" });
  });

  it("refuses a bad role, an unknown organisation and a reserved slug with one clear line", async () => {
    await expect(run("user create", ["--org", "refugee-voices", "--email", "x@example.org", "--role", "owner"])).rejects.toThrow(CliError);
    await expect(run("user create", ["--org", "nope", "--email", "x@example.org", "--role", "admin"])).rejects.toThrow(/No organisation/);
    await expect(run("org create", ["--slug", "sign-in", "--name", "Clash"])).rejects.toThrow(CliError);
    await expect(run("org create", ["--slug", "refugee-voices", "--name", "Again"])).rejects.toThrow(/already taken/);
  });

  it("prints a reset link and disables an account, ending its sessions", async () => {
    const user = await database.db
      .selectFrom("app_user")
      .select("id")
      .where("email", "=", "first.admin@example.org")
      .executeTakeFirstOrThrow();
    await createSession(database.db, user.id, { pendingTotp: false });
    out.length = 0;
    expect(await run("user reset-password", ["--email", "first.admin@example.org"])).toBe(0);
    // No password yet, so the link is a fresh invitation; the earlier one stops working.
    expect(out.join("\n")).toMatch(/\/research\/invitation\//);
    expect(await database.db.selectFrom("user_token").select("token_hash").execute()).toHaveLength(1);
    expect(await run("user disable", ["--email", "first.admin@example.org"])).toBe(0);
    expect(await database.db.selectFrom("user_session").select("id_hash").execute()).toEqual([]);
    const disabled = await database.db.selectFrom("app_user").select("disabled_at").where("id", "=", user.id).executeTakeFirstOrThrow();
    expect(disabled.disabled_at).not.toBeNull();
    expect(await run("user enable", ["--email", "first.admin@example.org"])).toBe(0);
    const enabled = await database.db.selectFrom("app_user").select("disabled_at").where("id", "=", user.id).executeTakeFirstOrThrow();
    expect(enabled.disabled_at).toBeNull();
  });
});
