/**
 * Where each role's work is, in one table (issue 14 item 1). The study menu shows every study page a
 * member may open and none they may not; each rule here is the same check the page's loader makes
 * (tests/workspace/navigation.test.ts walks the links for every role and compares them with the
 * authorisation matrix). A new study page is added here, or nobody can click their way to it.
 */
import type { Permission } from "../auth/permissions.server";

export type Can = (permission: Permission) => boolean;

interface StudyPage {
  /** After /research/<org>/studies/<study>. */
  path: string;
  label: string;
  may: (can: Can) => boolean;
}

interface MenuGroup {
  label: string;
  pages: StudyPage[];
}

const STUDY_MENU: MenuGroup[] = [
  {
    label: "workspace.nav.groupStudy",
    pages: [
      { path: "", label: "workspace.nav.overview", may: () => true },
      { path: "/edit", label: "workspace.nav.edit", may: (can) => can("study:edit") },
      { path: "/dashboard", label: "workspace.nav.dashboard", may: (can) => can("dashboard:read") },
      { path: "/retention", label: "workspace.retention.title", may: (can) => can("study:status") },
    ],
  },
  {
    label: "workspace.nav.groupFieldwork",
    pages: [
      { path: "/fieldwork", label: "coding.nav.sessions", may: (can) => can("data:read") || can("fieldwork:record") },
      { path: "/wellbeing/cohorts", label: "wellbeing.manage.title", may: (can) => can("fieldwork:record") },
      { path: "/codes", label: "workspace.nav.codes", may: (can) => can("fieldwork:record") },
      { path: "/paper-consent", label: "workspace.nav.paperConsent", may: (can) => can("fieldwork:record") },
      { path: "/assisted", label: "workspace.nav.assisted", may: (can) => can("fieldwork:record") },
      { path: "/consent-choices", label: "workspace.consentChoices.title", may: (can) => can("fieldwork:record") },
      { path: "/withdrawal", label: "workspace.nav.withdrawal", may: (can) => can("fieldwork:record") },
    ],
  },
  {
    label: "workspace.nav.groupAnalysis",
    pages: [
      { path: "/coding", label: "coding.nav.coding", may: (can) => can("data:read") },
      { path: "/themes", label: "coding.nav.themes", may: (can) => can("data:read") },
      { path: "/themes/views", label: "coding.nav.views", may: (can) => can("data:read") },
      { path: "/coding/agreement", label: "coding.nav.agreement", may: (can) => can("data:read") },
      { path: "/coding/redactions", label: "coding.nav.redactions", may: (can) => can("data:read") },
      { path: "/wellbeing", label: "wellbeing.nav", may: (can) => can("dashboard:read") },
    ],
  },
  {
    label: "workspace.nav.groupSharing",
    pages: [
      { path: "/quotes", label: "coding.nav.quotes", may: (can) => can("export:raw") },
      { path: "/exports", label: "coding.nav.exports", may: (can) => can("export:raw") },
    ],
  },
];

export interface MenuLink {
  href: string;
  label: string;
}

/** The study menu for this member: groups with at least one page they may open. */
export function studyMenu(base: string, can: Can): { label: string; links: MenuLink[] }[] {
  return STUDY_MENU.map((group) => ({
    label: group.label,
    links: group.pages.filter((page) => page.may(can)).map((page) => ({ href: `${base}${page.path}`, label: page.label })),
  })).filter((group) => group.links.length > 0);
}

/**
 * Whether this member may open a study page (a path from the table above, e.g. "/codes"). A link
 * elsewhere on a page — a next step, an empty state's "start here" — asks this, so it never offers a
 * page the member would be refused; a path not in the table is refused, so a new page is added there.
 */
export function mayOpenStudyPage(path: string, can: Can): boolean {
  const page = STUDY_MENU.flatMap((group) => group.pages).find((p) => p.path === path);
  return page ? page.may(can) : false;
}

/** The study page at `path` for this member, or null when they may not open it. */
export function studyPageLink(base: string, path: string, can: Can): string | null {
  return mayOpenStudyPage(path, can) ? `${base}${path}` : null;
}

/** "You said, we did" is the organisation's: drafting it is the same check as its list page's loader. */
export function reportBackLink(organisationBase: string, can: Can): string | null {
  return can("publication:draft") ? `${organisationBase}/report-back` : null;
}

/**
 * Where a study link takes this member: the page of their work. A peer researcher codes, a
 * facilitator records fieldwork; those who run the study start at its overview and next steps.
 */
export function studyLanding(base: string, can: Can): string {
  if (can("study:edit")) return base;
  if (can("coding:write")) return `${base}/coding`;
  if (can("fieldwork:record")) return `${base}/fieldwork`;
  if (can("dashboard:read")) return `${base}/dashboard`;
  return base;
}

/** Where an organisation link takes this member: a publisher's work is "you said, we did". */
export function organisationLanding(base: string, can: Can): string {
  if (can("publication:draft") && !can("dashboard:read") && !can("fieldwork:record")) return `${base}/report-back`;
  return base;
}
