import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../db/tables/foundation";
import { roleHas, ROLES } from "../../app/auth/permissions.server";
import { createOrganisation } from "../../app/organisations/people.server";
import { createStudy } from "../../app/studies/studies.server";
import { createTheme } from "../../app/coding/codebook.server";
import { createCohort } from "../../app/wellbeing/cohorts.server";
import { startTestApp, type TestApp } from "../support/app";
import { makeMember, TEST_PASSWORD, WorkspaceClient } from "../support/workspace";
import { ROUTES, type Route } from "./authz-routes";

/**
 * The authorisation matrix, generated from one table: every workspace route and action × each role ×
 * own organisation / another organisation / another organisation's id in our own URL / signed out.
 * POSTs send a body that the action would reject (400) so the matrix changes nothing when allowed;
 * the status tells whether the request got past the gate.
 */
type Scope = "own" | "other_org" | "foreign_id";

let app: TestApp;
const clients = new Map<Role, WorkspaceClient>();
const tokens = new Map<Role, string>();
const ids: Record<string, string> = {};

beforeAll(async () => {
  app = await startTestApp();
  const demo = await app.db.selectFrom("organisation").select("id").where("slug", "=", "demo").executeTakeFirstOrThrow();
  const other = await createOrganisation(app.db, { slug: "other", name: "Another organisation" });
  ids.otherAdmin = await makeMember(app.db, { organisationId: other.id, email: "admin@other.test", role: "admin" });
  ids.ownMember = await makeMember(app.db, { organisationId: demo.id, email: "member@demo.tandem.test", role: "researcher" });
  const created = await createStudy(app.db, {
    organisationId: other.id,
    actorUserId: ids.otherAdmin,
    study: { slug: "other-study", languages: ["en"], titles: { en: "SECRET other title" }, withdrawalModes: ["erase"] },
  });
  expect(created.ok).toBe(true);
  for (const role of ROLES) {
    await makeMember(app.db, { organisationId: demo.id, email: `${role}@matrix.test`, role });
    const client = new WorkspaceClient(app.url);
    expect((await client.signIn(`${role}@matrix.test`, TEST_PASSWORD)).status).toBe(302);
    clients.set(role, client);
    tokens.set(role, await client.csrf());
  }
});
afterAll(async () => app?.close());

function pathFor(route: Route, scope: Scope): string | null {
  const needsId = route.path.includes("{study}") || JSON.stringify(route.body ?? {}).includes("{user}");
  if (scope === "foreign_id" && !needsId) return null;
  return route.path.replace("{org}", scope === "other_org" ? "other" : "demo").replace("{study}", scope === "own" ? "demo" : "other-study");
}

function bodyFor(route: Route, scope: Scope) {
  return Object.fromEntries(
    Object.entries(route.body ?? {}).map(([k, v]) => [k, v === "{user}" ? (scope === "own" ? ids.ownMember! : ids.otherAdmin!) : v]),
  );
}

function expected(route: Route, role: Role, scope: Scope): number {
  const can = route.permission === "signed_in" || roleHas(role, route.permission);
  if (scope === "other_org") return route.permission === "signed_in" ? route.allowed : 404;
  // A page under a study renders inside the study's layout, whose loader (organisation:read, every
  // role) looks the study up first: another organisation's study is 404 for everyone. An action runs
  // alone, so its own permission answers first.
  if (scope === "foreign_id") return can || (route.method === "GET" && route.path.includes("{study}")) ? 404 : 403;
  return can ? route.allowed : 403;
}

async function send(client: WorkspaceClient, route: Route, path: string, body: Record<string, string>, csrf: string | null) {
  return route.method === "GET" ? client.get(path) : client.post(path, body, { csrf });
}

describe("authorisation matrix", () => {
  for (const route of ROUTES) {
    const label = `${route.method} ${route.path}${route.body ? ` ${JSON.stringify(route.body)}` : ""}`;

    it(`${label} · signed out → sign-in`, async () => {
      const response = await send(new WorkspaceClient(app.url), route, pathFor(route, "own")!, bodyFor(route, "own"), null);
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toMatch(/^\/research\/sign-in/);
    });

    for (const role of ROLES) {
      for (const scope of ["own", "other_org", "foreign_id"] as const) {
        const path = pathFor(route, scope);
        if (!path) continue;
        const status = expected(route, role, scope);
        it(`${label} · ${role} · ${scope} → ${status}`, async () => {
          const response = await send(clients.get(role)!, route, path, bodyFor(route, scope), tokens.get(role)!);
          expect(response.status).toBe(status);
          const text = await response.text();
          if (scope !== "own") {
            expect(text).not.toContain("SECRET other title");
            expect(text).not.toContain("admin@other.test");
          }
          if (status === 200) expect(response.headers.get("cache-control")).toBe("no-store");
        });
      }
      if (route.method === "POST") {
        it(`${label} · ${role} · own, without the CSRF token → 403`, async () => {
          const response = await send(clients.get(role)!, route, pathFor(route, "own")!, bodyFor(route, "own"), null);
          expect(response.status).toBe(403);
        });
        it(`${label} · ${role} · own, with another session's CSRF token → 403`, async () => {
          const someoneElse = ROLES.find((r) => r !== role)!;
          const response = await send(clients.get(role)!, route, pathFor(route, "own")!, bodyFor(route, "own"), tokens.get(someoneElse)!);
          expect(response.status).toBe(403);
        });
      }
    }
  }

  // Walks every page: a minute on an idle two-core machine, more when other test files run beside it.
  it("no GET changes anything: every page, read by every role, leaves the data as it was", async () => {
    const snapshot = async () => {
      const tables = [
        "organisation",
        "app_user",
        "membership",
        "user_token",
        "audit_event",
        "study",
        "study_instrument",
        "cohort",
        "participant",
        "consent_record",
        "response",
      ] as const;
      const counts: Record<string, unknown> = {};
      for (const table of tables)
        counts[table] = (await app.db.selectFrom(table).selectAll().execute()).map((row) => JSON.stringify(row)).sort();
      return counts;
    };
    const before = await snapshot();
    for (const route of ROUTES.filter((r) => r.method === "GET")) {
      for (const role of ROLES) {
        for (const scope of ["own", "other_org", "foreign_id"] as const) {
          const path = pathFor(route, scope);
          if (path) await clients.get(role)!.get(path);
        }
      }
    }
    expect(await snapshot()).toEqual(before);
  }, 300_000);

  it("every workspace route in the build, whoever wrote it, is closed to the signed-out and to other organisations", async () => {
    // Generated from the built route manifest, so a route added without the gate fails here even if
    // nobody added it to ROUTES above.
    const build = (await import(pathToFileURL(path.resolve("build/index.js")).href)) as {
      routes: Record<string, { path?: string; parentId?: string; module: { loader?: unknown; action?: unknown } }>;
    };
    const fullPath = (id: string): string => {
      const route = build.routes[id]!;
      const parent = route.parentId ? fullPath(route.parentId) : "";
      return route.path ? `${parent}/${route.path}`.replace(/\/+/g, "/") : parent;
    };
    const anonymous = new Set([
      "/research",
      "/research/sign-in",
      "/research/sign-out",
      "/research/totp",
      // One's own account (the name colleagues see): signed in, in no organisation.
      "/research/account",
      "/research/invitation/:token",
      "/research/reset/:token",
    ]);
    const routes = Object.keys(build.routes)
      .filter((id) => id.startsWith("routes/research"))
      .map((id) => ({ id, template: fullPath(id), module: build.routes[id]!.module }))
      .filter((r) => !anonymous.has(r.template) && !r.id.endsWith("._index"));
    expect(routes.length).toBeGreaterThan(10);
    const outsider = clients.get("admin")!;
    const fill = (template: string, org: string, study: string) =>
      template
        .replace(":org", org)
        .replace(":study", study)
        .replace(/:[a-z]+/g, "00000000-0000-4000-8000-000000000000");
    for (const route of routes) {
      const own = fill(route.template, "demo", "demo");
      const other = fill(route.template, "other", "other-study");
      for (const method of ["GET", "POST"] as const) {
        const handled = method === "GET" ? !!route.module.loader : !!route.module.action;
        const signedOut = method === "GET" ? await new WorkspaceClient(app.url).get(own) : await new WorkspaceClient(app.url).post(own, {});
        const foreign = method === "GET" ? await outsider.get(other) : await outsider.post(other, {}, { csrf: tokens.get("admin")! });
        if (!handled) {
          // Remix answers a method the module does not handle itself (400/405), before any code of ours.
          expect([400, 405], `${method} ${own} (no handler)`).toContain(signedOut.status);
          expect([400, 405], `${method} ${other} (no handler)`).toContain(foreign.status);
          continue;
        }
        // Sent to sign in, or (a handler that serves nothing to anyone, like a download's GET) 404.
        expect([302, 404], `${method} ${own} signed out`).toContain(signedOut.status);
        if (signedOut.status === 302) expect(signedOut.headers.get("location"), `${method} ${own}`).toMatch(/^\/research\/sign-in/);
        expect(foreign.status, `${method} ${other} from another organisation`).toBe(404);
        expect(await foreign.text()).not.toContain("SECRET other title");
      }
    }
  });

  it("another organisation's theme, cohort or session id, sent in our own study's forms and addresses, is a 4xx and changes nothing", async () => {
    const other = await app.db
      .selectFrom("study")
      .innerJoin("organisation", "organisation.id", "study.organisation_id")
      .select(["study.id as studyId", "organisation.id as organisationId"])
      .where("study.slug", "=", "other-study")
      .executeTakeFirstOrThrow();
    const scope = { organisationId: other.organisationId, studyId: other.studyId };
    const theme = await createTheme(app.db, scope, ids.otherAdmin!, {
      name: "SECRET other theme",
      definition: "",
      useWhen: "",
      notUseWhen: "",
      parentId: null,
    });
    const cohort = await createCohort(app.db, scope, { name: "SECRET other group", startsOn: null, endsOn: null, facilitatorIds: [] });
    const base = "/research/demo/studies/demo";
    const client = clients.get("admin")!;
    const csrf = tokens.get("admin")!;
    const posts: [string, Record<string, string>][] = [
      [`${base}/themes`, { intent: "accept", theme: theme.id }],
      [`${base}/themes`, { intent: "rename", theme: theme.id, name: "taken over" }],
      [`${base}/themes`, { intent: "merge", theme: theme.id, into: theme.id }],
      [`${base}/themes`, { intent: "memo", theme: theme.id, text: "a memo" }],
      [`${base}/themes`, { intent: "create", name: "under another's theme", parent: theme.id }],
      [`${base}/coding`, { intent: "apply", unit: `s:${cohort.id}`, theme: theme.id, start: "0", end: "1" }],
      [`${base}/coding/agreement`, { intent: "resolve", unit: `s:${cohort.id}`, theme: theme.id, decision: "applied" }],
      [`${base}/wellbeing/cohorts`, { intent: "join", cohort: cohort.id, code: "ABCD-EFGH-JKMN-PQRS" }],
      [`${base}/wellbeing/cohorts/${cohort.id}`, { intent: "session", heldOn: "2025-01-01" }],
    ];
    for (const [to, body] of posts) {
      const response = await client.post(to, body, { csrf });
      expect(response.status, `POST ${to} ${JSON.stringify(body)}`).toBeLessThan(500);
      expect(await response.text()).not.toContain("SECRET other");
    }
    for (const page of [
      `${base}/wellbeing/cohorts/${cohort.id}`,
      `${base}/fieldwork/${cohort.id}`,
      `${base}/coding?session=${cohort.id}`,
      `${base}/themes?theme=${theme.id}`,
    ]) {
      const response = await client.get(page);
      expect([200, 404], `GET ${page}`).toContain(response.status);
      expect(await response.text()).not.toContain("SECRET other");
    }
    const after = await app.db.selectFrom("theme").select(["name", "status"]).where("id", "=", theme.id).executeTakeFirstOrThrow();
    expect(after).toEqual({ name: "SECRET other theme", status: "accepted" });
    expect(await app.db.selectFrom("theme").select("id").where("parent_id", "=", theme.id).execute()).toEqual([]);
    expect(await app.db.selectFrom("memo").select("id").where("theme_id", "=", theme.id).execute()).toEqual([]);
    expect(await app.db.selectFrom("group_session").select("id").where("cohort_id", "=", cohort.id).execute()).toEqual([]);
  });

  it("no role has a permission the table does not grant (nothing fails open)", () => {
    expect(roleHas("facilitator" as Role, "export:raw")).toBe(false);
    expect(roleHas("nonexistent" as Role, "organisation:read")).toBe(false);
  });
});
