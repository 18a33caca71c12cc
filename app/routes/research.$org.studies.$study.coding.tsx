import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { codingPage } from "~/coding/coding-page.server";
import { codingAction } from "~/coding/coding-actions.server";
import { CodingTranscript } from "~/coding/components/CodingTranscript";
import codingStyles from "~/coding/components/coding.css";
import { requireStudyMember } from "~/workspace/request.server";
import { useT } from "~/i18n/react";
import { clientMessagesForPage } from "~/i18n/client-messages.server";
import { readFormBody } from "~/security/form-body.server";
import { ErrorSummary } from "~/workspace/components/ErrorSummary";

export const headers = workspaceHeaders;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: codingStyles }];
// This page sends JavaScript: selection, keys and the quick bar. Without it the page still works
// (each turn's own form). docs/decisions/035-coding-screen.md, 075-coding-page.md
export const handle = { hydrate: true };

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const page = await codingPage(await requireStudyMember(request, context, params, "data:read"), new URL(request.url));
  return { ...page, clientMessages: clientMessagesForPage(request, ["coding"]) };
}

/** Each form posts an `intent`: its action in app/coding/coding-actions.server.ts. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const member = await requireStudyMember(request, context, params, "coding:write");
  return codingAction(member, await readFormBody(request));
}

/** The unit a refusal is about, as the id of its section (`u<index>`): the summary links there. */
function unitField(units: readonly { key: string }[], unit: string | undefined) {
  const index = unit ? units.findIndex((u) => u.key === unit) : -1;
  return index >= 0 ? `u${index}` : undefined;
}

export default function CodingPage() {
  const t = useT();
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const query = (page: number) => `?${d.sessionId ? `session=${d.sessionId}` : "source=answers"}&page=${page}`;
  return (
    <main id="main" className="ws-main">
      <h1>{t("coding.code.title")}</h1>
      {result && "error" in result ? (
        <ErrorSummary errors={[{ field: unitField(d.units, result.unit), message: t(result.error!) }]} />
      ) : null}
      {result && !("error" in result) ? (
        <div className="ws-panel" role="status">
          <p>{t(result.ok!)}</p>
        </div>
      ) : null}
      <Form method="get" className="ws-filter">
        <label htmlFor="session">{t("coding.code.source")}</label>
        <select id="session" name="session" defaultValue={d.sessionId ?? ""}>
          {d.sessions.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label}
            </option>
          ))}
        </select>
        <button type="submit" className="ws-small">
          {t("coding.code.show")}
        </button>
        <Link to="?source=answers">{t("coding.code.answers")}</Link>
      </Form>
      {d.blind ? <p className="ws-panel">{t(d.finished ? "coding.code.blindFinished" : "coding.code.blind")}</p> : null}
      {d.canCode ? (
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value={d.finished ? "reopen" : "finish"} />
          <button type="submit" className="ws-small">
            {t(d.finished ? "coding.code.reopen" : "coding.code.finish")}
          </button>
        </Form>
      ) : null}
      {d.units.length === 0 ? (
        <div className="ws-panel" data-testid="empty-state">
          <p>{t("coding.code.noneNext")}</p>
          {d.addSession ? (
            <p>
              <Link to={d.addSession}>{t("coding.code.noneLink")}</Link>
            </p>
          ) : null}
        </div>
      ) : (
        <CodingTranscript
          d={d}
          openHref={(i) => `${query(d.page)}&open=${i}#u${i}`}
          closeHref={`${query(d.page)}${d.open === null ? "" : `#u${d.open}`}`}
        />
      )}
      <nav className="coding-pager" aria-label={t("coding.code.pages")}>
        {d.page > 1 ? <Link to={query(d.page - 1)}>{t("coding.code.previous")}</Link> : null}
        <span>{t("coding.code.page", { n: d.page })}</span>
        {d.hasNext ? <Link to={query(d.page + 1)}>{t("coding.code.next")}</Link> : null}
      </nav>
    </main>
  );
}
