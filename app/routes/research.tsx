import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { CsrfInput, type WorkspaceLayoutData } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { readSession, workspaceContext } from "~/auth/sessions.server";
import { ErrorPage } from "~/errors/ErrorPage";
import { useT } from "~/i18n/react";
import workspaceStyles from "~/styles/workspace.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: workspaceStyles }];
export const meta: MetaFunction = () => [
  { title: "Tandem workspace" },
  { name: "robots", content: "noindex, nofollow" },
  // After the root's no-referrer: still nothing to other sites, but a same-origin form POST then
  // carries its real Origin (no-referrer makes it "null"), which the server's cross-site check reads
  // (docs/decisions/021-csrf-tokens.md).
  { name: "referrer", content: "same-origin" },
];
export const headers = workspaceHeaders;

// Workspace pages are plain forms and links: they work without JavaScript, and none is sent
// (docs/decisions/021-csrf-tokens.md), so the only script a page could run is none.
export const handle = { hydrate: false };

export async function loader({ request, context }: LoaderFunctionArgs): Promise<WorkspaceLayoutData> {
  const { db, secureCookies } = workspaceContext(context);
  const session = await readSession(db, request, secureCookies);
  return {
    user: session && !session.pendingTotp ? { email: session.email, displayName: session.displayName } : null,
    csrf: session?.csrfToken ?? null,
  };
}

export default function WorkspaceLayout() {
  const t = useT();
  const { user } = useLoaderData<typeof loader>();
  return (
    <div className="workspace">
      <a className="skip-link" href="#main">
        {t("common.skipToContent")}
      </a>
      <header className="ws-header">
        <Link to="/research" className="ws-brand">
          {t("workspace.brand")}
        </Link>
        {user ? (
          <nav aria-label={t("workspace.nav.account")} className="ws-account">
            <Link to="/research/account">{user.displayName.trim() || user.email}</Link>
            <Link to="/research/totp">{t("workspace.nav.twoFactor")}</Link>
            <Form method="post" action="/research/sign-out">
              <CsrfInput />
              <button type="submit" className="link-button">
                {t("workspace.nav.signOut")}
              </button>
            </Form>
          </nav>
        ) : null}
      </header>
      <Outlet />
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />;
}
