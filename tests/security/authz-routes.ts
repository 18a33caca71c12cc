/**
 * Every workspace route and action with the permission it needs: the table behind the authorisation
 * matrix (authz-matrix.test.ts) and the navigation walk (tests/workspace/navigation.browser.test.ts).
 */
import type { Permission } from "../../app/auth/permissions.server";

export interface Route {
  method: "GET" | "POST";
  /** {org}, {study} and {user} are filled in per scope. */
  path: string;
  permission: Permission | "signed_in";
  body?: Record<string, string>;
  /** Status when allowed: 200 for pages, 400 for an action given a body it refuses. */
  allowed: number;
  /** A page that only answers a form posted elsewhere (reached by GET it links back): not in any menu. */
  formAnswer?: true;
}

export const ROUTES: Route[] = [
  { method: "GET", path: "/research", permission: "signed_in", allowed: 200 },
  { method: "GET", path: "/research/totp", permission: "signed_in", allowed: 200 },
  { method: "GET", path: "/research/account", permission: "signed_in", allowed: 200 },
  { method: "GET", path: "/research/{org}", permission: "organisation:read", allowed: 200 },
  { method: "GET", path: "/research/{org}/people", permission: "people:manage", allowed: 200 },
  { method: "POST", path: "/research/{org}/people", permission: "people:manage", body: { intent: "nonsense" }, allowed: 400 },
  {
    method: "POST",
    path: "/research/{org}/people",
    permission: "people:manage",
    body: { intent: "role", userId: "{user}", role: "researcher" },
    allowed: 200,
  },
  { method: "GET", path: "/research/{org}/audit", permission: "audit:read", allowed: 200 },
  { method: "GET", path: "/research/{org}/studies/new", permission: "study:create", allowed: 200 },
  { method: "POST", path: "/research/{org}/studies/new", permission: "study:create", body: { slug: "Not A Slug" }, allowed: 400 },
  { method: "GET", path: "/research/{org}/studies/{study}", permission: "organisation:read", allowed: 200 },
  { method: "POST", path: "/research/{org}/studies/{study}/status", permission: "study:status", body: { status: "draft" }, allowed: 400 },
  { method: "GET", path: "/research/{org}/studies/{study}/status", permission: "study:status", allowed: 200, formAnswer: true },
  { method: "GET", path: "/research/{org}/studies/{study}/retention", permission: "study:status", allowed: 200 },
  {
    method: "POST",
    path: "/research/{org}/studies/{study}/retention",
    permission: "retention:hold",
    body: { keep_until: "not a date", reason: "" },
    allowed: 400,
  },
  { method: "GET", path: "/research/{org}/studies/{study}/edit", permission: "study:edit", allowed: 200 },
  { method: "POST", path: "/research/{org}/studies/{study}/edit", permission: "study:edit", body: { slug: "Not A Slug" }, allowed: 400 },
  { method: "GET", path: "/research/{org}/studies/{study}/dashboard", permission: "dashboard:read", allowed: 200 },
  { method: "GET", path: "/research/{org}/studies/{study}/dashboard?view=share", permission: "dashboard:read", allowed: 200 },
  { method: "GET", path: "/research/{org}/studies/{study}/codes", permission: "fieldwork:record", allowed: 200 },
  { method: "POST", path: "/research/{org}/studies/{study}/codes", permission: "fieldwork:record", body: { count: "0" }, allowed: 400 },
  { method: "GET", path: "/research/{org}/studies/{study}/paper-consent", permission: "fieldwork:record", allowed: 200 },
  {
    method: "POST",
    path: "/research/{org}/studies/{study}/paper-consent",
    permission: "fieldwork:record",
    body: { code: "not-a-code" },
    allowed: 400,
  },
  { method: "GET", path: "/research/{org}/studies/{study}/assisted", permission: "fieldwork:record", allowed: 200 },
  {
    method: "GET",
    path: "/research/{org}/studies/{study}/assisted?use=peer-support-wellbeing:pre&language=cy",
    permission: "fieldwork:record",
    allowed: 200,
  },
  { method: "POST", path: "/research/{org}/studies/{study}/assisted", permission: "fieldwork:record", body: { _code: "" }, allowed: 400 },
  { method: "GET", path: "/research/{org}/studies/{study}/withdrawal", permission: "fieldwork:record", allowed: 200 },
  {
    method: "POST",
    path: "/research/{org}/studies/{study}/withdrawal",
    permission: "fieldwork:record",
    body: { code: "", mode: "erase" },
    allowed: 400,
  },
  { method: "GET", path: "/research/{org}/studies/{study}/consent-choices", permission: "fieldwork:record", allowed: 200 },
  {
    method: "POST",
    path: "/research/{org}/studies/{study}/consent-choices",
    permission: "fieldwork:record",
    body: { code: "", quotes: "no" },
    allowed: 400,
  },
  { method: "GET", path: "/research/{org}/studies/{study}/exports", permission: "export:raw", allowed: 200 },
  { method: "GET", path: "/research/{org}/studies/{study}/coding", permission: "data:read", allowed: 200 },
  { method: "GET", path: "/research/{org}/studies/{study}/coding/agreement", permission: "data:read", allowed: 200 },
  { method: "GET", path: "/research/{org}/studies/{study}/coding/redactions", permission: "data:read", allowed: 200 },
  { method: "GET", path: "/research/{org}/studies/{study}/themes", permission: "data:read", allowed: 200 },
  { method: "GET", path: "/research/{org}/studies/{study}/themes/views", permission: "data:read", allowed: 200 },
  { method: "GET", path: "/research/{org}/studies/{study}/themes/import", permission: "study:edit", allowed: 200 },
  {
    method: "POST",
    path: "/research/{org}/studies/{study}/themes/import",
    permission: "study:edit",
    body: { intent: "preview", mode: "nonsense" },
    allowed: 400,
  },
  { method: "GET", path: "/research/{org}/studies/{study}/quotes", permission: "export:raw", allowed: 200 },
  { method: "GET", path: "/research/{org}/studies/{study}/wellbeing", permission: "dashboard:read", allowed: 200 },
  { method: "GET", path: "/research/{org}/studies/{study}/wellbeing/cohorts", permission: "fieldwork:record", allowed: 200 },
  { method: "GET", path: "/research/{org}/report-back", permission: "publication:draft", allowed: 200 },
  { method: "POST", path: "/research/{org}/report-back", permission: "publication:draft", body: { slug: "Not A Slug" }, allowed: 400 },
];
