/**
 * People have names (issue 14 item 3): an invitation asks for one, accepting can change it, the CLI
 * takes --name, an account without one is asked for it at its next sign-in, and every export that
 * names a coder says who they are (their name, or their e-mail until they choose one; never blank,
 * never "Coder").
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyTheme } from "../../app/coding/codings.server";
import { createTheme } from "../../app/coding/codebook.server";
import { exportCodedSpans } from "../../app/coding/exports.server";
import { exportQdpx } from "../../app/coding/qdpx.server";
import { accountCommands } from "../../scripts/commands/accounts";
import { CliError, type CommandContext } from "../../scripts/commands/types";
import { startTestApp, type TestApp } from "../support/app";
import { makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { addAnswer, addParticipant, createCodingFixture, type CodingFixture } from "../coding/fixtures";

let app: TestApp;
let fx: CodingFixture;
let admin: WorkspaceClient;

beforeAll(async () => {
  app = await startTestApp({ demo: false });
  fx = await createCodingFixture(app.db);
  await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "admin@names.test", role: "admin" });
  await app.db.updateTable("app_user").set({ display_name: "Nadia Admin" }).where("email", "=", "admin@names.test").execute();
  admin = new WorkspaceClient(app.url);
  expect((await admin.signIn("admin@names.test", TEST_PASSWORD)).status).toBe(302);
}, 180_000);
afterAll(() => app?.close());

const nameOf = async (email: string) =>
  (await app.db.selectFrom("app_user").select("display_name").where("email", "=", email).executeTakeFirst())?.display_name;

describe("asking for a name", () => {
  it("the People page's invitation asks for a name, and refuses one without it, creating nothing", async () => {
    const people = `/research/${fx.orgSlug}/people`;
    const refused = await admin.submit(people, { intent: "add", displayName: " ", email: "nameless@names.test", role: "peer_researcher" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('href="#new-name"');
    expect(await nameOf("nameless@names.test")).toBeUndefined();
    const added = await admin.submit(people, {
      intent: "add",
      displayName: "Samira Haddad",
      email: "samira@names.test",
      role: "peer_researcher",
    });
    expect(added.status).toBe(200);
    expect(await nameOf("samira@names.test")).toBe("Samira Haddad");
  });

  it("cli user create takes --name, and refuses an empty one", async () => {
    const ctx: CommandContext = {
      out: () => {},
      err: () => {},
      env: { PUBLIC_URL: "https://tandem.example.org" } as unknown as NodeJS.ProcessEnv,
      openDb: async () => ({ db: app.db }) as never,
    };
    const create = accountCommands.find((c) => c.name === "user create")!;
    await expect(create.run(["--org", fx.orgSlug, "--email", "x@names.test", "--role", "researcher", "--name", ""], ctx)).rejects.toThrow(
      CliError,
    );
    expect(
      await create.run(["--org", fx.orgSlug, "--email", "dafydd@names.test", "--role", "researcher", "--name", "Dafydd ap Gwyn"], ctx),
    ).toBe(0);
    expect(await nameOf("dafydd@names.test")).toBe("Dafydd ap Gwyn");
  });

  it("an account without a name is asked for one when it signs in, then goes where it was going; a named one goes straight there", async () => {
    await makeMember(app.db, { organisationId: fx.scope.organisationId, email: "old@names.test", role: "researcher" });
    const old = new WorkspaceClient(app.url);
    const page = await old.get("/research/sign-in");
    const signedIn = await old.post(
      "/research/sign-in",
      { email: "old@names.test", password: TEST_PASSWORD, next: `/research/${fx.orgSlug}` },
      { csrf: (/name="csrf" value="([^"]*)"/.exec(await page.text()) ?? [])[1] ?? "" },
    );
    expect(signedIn.headers.get("location")).toBe(`/research/account?next=${encodeURIComponent(`/research/${fx.orgSlug}`)}`);
    const account = await old.get(signedIn.headers.get("location")!);
    expect(await account.text()).toContain("Tell your colleagues who you are");
    const empty = await old.submit(signedIn.headers.get("location")!, { displayName: "", next: `/research/${fx.orgSlug}` });
    expect(empty.status).toBe(400);
    expect(await nameOf("old@names.test")).toBe("");
    const saved = await old.submit(signedIn.headers.get("location")!, { displayName: "Owain Hughes", next: `/research/${fx.orgSlug}` });
    expect(saved.headers.get("location")).toBe(`/research/${fx.orgSlug}`);
    expect(await nameOf("old@names.test")).toBe("Owain Hughes");
    // The header names them, linking to where they can change it.
    expect(await (await old.get(`/research/${fx.orgSlug}`)).text()).toMatch(/<a[^>]*href="\/research\/account"[^>]*>Owain Hughes<\/a>/);
    // Signed out, the account page sends you to sign in.
    const signedOut = await new WorkspaceClient(app.url).get("/research/account");
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.get("location")).toMatch(/^\/research\/sign-in/);
    const again = new WorkspaceClient(app.url);
    expect((await again.signIn("old@names.test", TEST_PASSWORD)).headers.get("location")).toBe("/research");
  });
});

describe("coders are named in what leaves Tandem", () => {
  it("the coded-spans CSV and the REFI-QDA project name each coder, with the e-mail for one who has not chosen a name", async () => {
    const theme = await createTheme(app.db, fx.scope, fx.users.researcher, { name: "Health" });
    const unit = await addAnswer(app.db, fx, await addParticipant(app.db, fx), "The GP listened to me at last.");
    await applyTheme(app.db, fx.scope, fx.users.peer, { unit, themeId: theme.id, start: 4, end: 6 });
    await app.db.updateTable("app_user").set({ display_name: "" }).where("id", "=", fx.users.second).execute();
    await applyTheme(app.db, fx.scope, fx.users.second, { unit, themeId: theme.id, start: 0, end: 6 });
    const email = (await app.db.selectFrom("app_user").select("email").where("id", "=", fx.users.second).executeTakeFirstOrThrow()).email;

    const { csv } = await exportCodedSpans(app.db, fx.scope, { userId: fx.users.researcher, via: "workspace" });
    expect(csv).toContain("Samir");
    expect(csv).toContain(email);

    const qdpx = await exportQdpx(app.db, fx.scope, { userId: fx.users.researcher, via: "workspace" });
    expect(qdpx.xml).toContain(`<User guid="${fx.users.peer}" name="Samir"/>`);
    expect(qdpx.xml).toContain(`<User guid="${fx.users.second}" name="${email}"/>`);
    expect(qdpx.xml).not.toContain('name="Coder"');
  });
});
