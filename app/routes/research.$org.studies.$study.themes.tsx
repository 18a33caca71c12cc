import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { listThemes, themeHistory } from "~/coding/codebook.server";
import { listMemos } from "~/coding/codings.server";
import { themeAction } from "~/coding/theme-actions.server";
import codingStyles from "~/coding/components/coding.css";
import { requireStudyMember } from "~/workspace/request.server";
import { useT } from "~/i18n/react";
import { readFormBody } from "~/security/form-body.server";
import { ErrorSummary } from "~/workspace/components/ErrorSummary";
import { StudyMemos } from "~/coding/components/StudyMemos";
import { ThemeFields } from "~/coding/components/ThemeFields";

export const headers = workspaceHeaders;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: codingStyles }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member, db, scope, base, userId } = await requireStudyMember(request, context, params, "data:read");
  const themes = await listThemes(db, scope);
  const studyMemos = (await listMemos(db, scope, { on: "study" })).map((m) => ({
    id: m.id,
    text: m.text,
    author: m.author ?? "",
    mine: m.author_id === userId,
    at: m.created_at.toISOString().slice(0, 10),
  }));
  const selected = new URL(request.url).searchParams.get("theme");
  const detail =
    selected && themes.some((t) => t.id === selected)
      ? {
          history: (await themeHistory(db, scope, selected)).map((h) => ({
            change: h.change,
            detail: h.detail as Record<string, unknown>,
            at: h.changed_at.toISOString().slice(0, 10),
          })),
          memos: (await listMemos(db, scope, { on: "theme", themeId: selected })).map((m) => ({
            id: m.id,
            text: m.text,
            author: m.author ?? "",
            at: m.created_at.toISOString().slice(0, 10),
          })),
        }
      : null;
  return {
    base,
    themes,
    selected,
    detail,
    studyMemos,
    canManage: member.can("study:edit"),
    canPropose: member.can("coding:write"),
  };
}

/** Each form posts an `intent`: its action in app/coding/theme-actions.server.ts. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const member = await requireStudyMember(request, context, params, "coding:write");
  return themeAction(member, await readFormBody(request));
}

export default function Themes() {
  const t = useT();
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const selected = d.themes.find((th) => th.id === d.selected);
  return (
    <main id="main" className="ws-main">
      <h1>{t("coding.themes.title")}</h1>
      {d.canManage ? (
        <p className="ws-noprint">
          <Link to={`${d.base}/themes/import`}>{t("coding.codebookImport.title")}</Link>
        </p>
      ) : null}
      {result && "error" in result ? <ErrorSummary errors={[{ field: result.field ?? undefined, message: t(result.error) }]} /> : null}
      {result && !("error" in result) ? (
        <div className="ws-panel" role="status">
          <p>{t(result.ok!)}</p>
        </div>
      ) : null}
      {d.themes.length === 0 ? (
        <div className="ws-panel" data-testid="empty-state">
          {d.canManage ? (
            <p>
              <Link to="#new-theme">{t("coding.themes.noneNext")}</Link> ·{" "}
              <Link to={`${d.base}/themes/import`}>{t("coding.themes.noneImport")}</Link>
            </p>
          ) : d.canPropose ? (
            <p>
              <Link to="#new-theme">{t("coding.themes.noneWait")}</Link>
            </p>
          ) : null}
        </div>
      ) : null}
      {d.themes.length === 0 && d.canManage ? (
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value="seed" />
          <p>{t("coding.themes.seedHint")}</p>
          <button type="submit">{t("coding.themes.seed")}</button>
        </Form>
      ) : null}
      <ul className="coding-tree">
        {d.themes.map((th) => (
          <li key={th.id} style={{ marginInlineStart: `${th.depth * 1.5}rem` }}>
            <span className="coding-swatch" style={{ background: th.colour }} aria-hidden="true" />{" "}
            <Link to={`?theme=${th.id}`}>{th.name}</Link>
            {th.status === "proposed" ? <> ({t("coding.themes.proposed")})</> : null}
            {th.definition ? <span className="ws-muted"> — {th.definition}</span> : null}
            {th.status === "proposed" && d.canManage ? (
              <Form method="post" className="ws-row-form">
                <CsrfInput />
                <input type="hidden" name="intent" value="accept" />
                <input type="hidden" name="theme" value={th.id} />
                <button type="submit" className="ws-small">
                  {t("coding.themes.accept")}
                </button>
              </Form>
            ) : null}
          </li>
        ))}
      </ul>

      {selected && d.detail ? (
        <section aria-labelledby="theme-detail">
          <h2 id="theme-detail">{selected.name}</h2>
          <dl className="ws-facts">
            <dt>{t("coding.themes.definition")}</dt>
            <dd>{selected.definition || "—"}</dd>
            <dt>{t("coding.themes.useWhen")}</dt>
            <dd>{selected.useWhen || "—"}</dd>
            <dt>{t("coding.themes.notUseWhen")}</dt>
            <dd>{selected.notUseWhen || "—"}</dd>
          </dl>
          {d.canManage ? (
            <>
              <Form method="post" className="ws-form ws-narrow">
                <CsrfInput />
                <h3>{t("coding.themes.edit")}</h3>
                <input type="hidden" name="intent" value="rename" />
                <input type="hidden" name="theme" value={selected.id} />
                <ThemeFields t={t} themes={d.themes.filter((th) => th.id !== selected.id)} values={selected} />
                <button type="submit">{t("coding.themes.save")}</button>
              </Form>
              <Form method="post" className="ws-form ws-inline-form">
                <CsrfInput />
                <input type="hidden" name="intent" value="merge" />
                <input type="hidden" name="theme" value={selected.id} />
                <label htmlFor="into">{t("coding.themes.mergeInto")}</label>
                <select id="into" name="into" required defaultValue="">
                  <option value="" disabled>
                    {t("coding.code.chooseTheme")}
                  </option>
                  {d.themes
                    .filter((th) => th.id !== selected.id)
                    .map((th) => (
                      <option key={th.id} value={th.id}>
                        {th.name}
                      </option>
                    ))}
                </select>
                <button type="submit">{t("coding.themes.merge")}</button>
              </Form>
            </>
          ) : null}
          <h3>{t("coding.themes.history")}</h3>
          <ul>
            {d.detail.history.map((h, i) => (
              <li key={i}>
                {h.at}: {t(`coding.themes.change_${h.change}`)}
                {typeof h.detail.from === "string" && typeof h.detail.to === "string" ? ` (${h.detail.from} → ${h.detail.to})` : ""}
                {typeof h.detail.fromName === "string" ? ` (${h.detail.fromName})` : ""}
                {typeof h.detail.intoName === "string" ? ` (${h.detail.intoName})` : ""}
              </li>
            ))}
          </ul>
          <h3>{t("coding.themes.memos")}</h3>
          <ul>
            {d.detail.memos.map((m) => (
              <li key={m.id}>
                <span dir="auto">{m.text}</span>{" "}
                <span className="ws-muted">
                  — {m.author}, {m.at}
                </span>
              </li>
            ))}
          </ul>
          {d.canPropose ? (
            <Form method="post" className="ws-form ws-narrow">
              <CsrfInput />
              <input type="hidden" name="intent" value="memo" />
              <input type="hidden" name="theme" value={selected.id} />
              <label htmlFor="memo">{t("coding.themes.addMemo")}</label>
              <textarea id="memo" name="text" rows={3} required maxLength={4000} style={{ width: "100%" }} />
              <button type="submit">{t("coding.themes.saveMemo")}</button>
            </Form>
          ) : null}
        </section>
      ) : null}

      <StudyMemos memos={d.studyMemos} canWrite={d.canPropose} />

      {d.canPropose ? (
        <Form method="post" className="ws-form ws-narrow">
          <CsrfInput />
          <h2 id="new-theme">{t(d.canManage ? "coding.themes.new" : "coding.themes.propose")}</h2>
          <input type="hidden" name="intent" value="create" />
          <ThemeFields t={t} themes={d.themes} />
          <button type="submit">{t(d.canManage ? "coding.themes.add" : "coding.themes.sendProposal")}</button>
        </Form>
      ) : null}
    </main>
  );
}
