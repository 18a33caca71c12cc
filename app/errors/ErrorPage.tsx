import { isRouteErrorResponse, useLocation } from "@remix-run/react";
import { ParticipantPage } from "../participants/components/ParticipantPage";
import { useT } from "../i18n/react";
import { useDocumentFacts } from "./document-context";

/** The message of each refusal, in the common catalogue area every language ships. */
const MESSAGES: Record<number, string> = {
  400: "common.errors.badRequest",
  403: "common.errors.forbidden",
  404: "common.notFound",
  405: "common.errors.methodNotAllowed",
  413: "common.errors.tooLarge",
  503: "common.errors.unavailable",
};
/** In the workspace, where "you cannot" is about a role and "not found" may be about access. */
const WORKSPACE_MESSAGES: Record<number, string> = {
  403: "workspace.errors.forbidden",
  404: "workspace.errors.notFound",
  500: "workspace.errors.error",
};

/** The status an error page stands for: a thrown Response's own, else what the document is sent with. */
export function errorStatus(error: unknown, documentStatus: number): number {
  if (isRouteErrorResponse(error)) return error.status;
  return documentStatus >= 400 ? documentStatus : 500;
}

/**
 * Every error page, in the person's language (docs/decisions/062-user-text-isolation-and-error-pages.md):
 * a kind sentence that says whether anything changed and what to do next, never a status code or a
 * stack trace. Under a study's address it keeps the participant frame — Leave this site quickly,
 * Take a break, Stop, Support — so nobody is left on a page without the way out they rely on.
 */
export function ErrorPage(props: { error: unknown }) {
  const { status } = useDocumentFacts();
  return <ErrorPageContent status={errorStatus(props.error, status)} pathname={useLocation().pathname} />;
}

/** The page itself, given its status and address: also rendered outside Remix (errorDocument). */
export function ErrorPageContent({ status, pathname }: { status: number; pathname: string }) {
  const t = useT();
  const workspace = pathname === "/research" || pathname.startsWith("/research/");
  const key = (workspace ? WORKSPACE_MESSAGES[status] : undefined) ?? MESSAGES[status] ?? "common.error";
  const text = (
    <>
      <h1>{t(`${key}.title`)}</h1>
      <p>{t(`${key}.body`)}</p>
    </>
  );
  const slug = /^\/s\/([a-z0-9-]{1,80})(?:\/|$)/.exec(pathname)?.[1];
  if (slug) {
    return (
      <ParticipantPage slug={slug} withdrawLinks={false}>
        {text}
        <p>
          <a href={`/s/${slug}`}>{t("common.errors.toStart")}</a>
        </p>
      </ParticipantPage>
    );
  }
  if (workspace) {
    return (
      <main id="main" className="ws-main">
        {text}
        <p>
          <a href="/research">{t("workspace.errors.toWorkspace")}</a>
        </p>
      </main>
    );
  }
  return (
    <main id="main" className="page">
      {text}
      <p>
        <a href="/">{t("common.errors.toStart")}</a>
      </p>
    </main>
  );
}
