import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { codebookImportAction } from "~/coding/codebook-import-actions.server";
import type { ImportPlan } from "~/coding/codebook-exchange.server";
import { listThemes } from "~/coding/codebook.server";
import { useT } from "~/i18n/react";
import { readFormBody } from "~/security/form-body.server";
import { ErrorSummary } from "~/workspace/components/ErrorSummary";
import { requireStudyMember } from "~/workspace/request.server";

export const headers = workspaceHeaders;

// Importing changes the codebook: the permission that edits, accepts and merges themes (study:edit).
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, scope, base } = await requireStudyMember(request, context, params, "study:edit");
  return { base, hasThemes: (await listThemes(db, scope)).length > 0 };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const member = await requireStudyMember(request, context, params, "study:edit");
  const result = await codebookImportAction(member, await readFormBody(request));
  return json(result, { status: result.step === "error" ? 400 : 200 });
}

function Preview({ plan }: { plan: ImportPlan }) {
  const t = useT();
  return (
    <>
      <h2>{t("coding.codebookImport.previewTitle")}</h2>
      <h3>{t("coding.codebookImport.added", { count: plan.added.length })}</h3>
      {plan.added.length > 0 ? (
        <ul className="ws-list">
          {plan.added.map((a) => (
            <li key={a.name}>{a.parent ? t("coding.codebookImport.under", { name: a.name, parent: a.parent }) : a.name}</li>
          ))}
        </ul>
      ) : null}
      <h3>{t("coding.codebookImport.changed", { count: plan.changed.length })}</h3>
      {plan.changed.length > 0 ? (
        <ul className="ws-list">
          {plan.changed.map((c) => (
            <li key={c.name}>
              {t("coding.codebookImport.changedFields", {
                name: c.name,
                fields: c.fields.map((f) => t(`coding.codebookImport.field.${f}`)).join(", "),
              })}
            </li>
          ))}
        </ul>
      ) : null}
      <h3>{t("coding.codebookImport.unchanged", { count: plan.unchanged.length })}</h3>
      <h3>{t("coding.codebookImport.conflicts", { count: plan.conflicts.length })}</h3>
      {plan.conflicts.length > 0 ? (
        <ul className="ws-list">
          {plan.conflicts.map((c, i) => (
            <li key={`${c.name}:${i}`}>{t(`coding.codebookImport.conflict.${c.reason}`, { name: c.name })}</li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

export default function CodebookImport() {
  const t = useT();
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const nothingToDo = result?.step === "preview" && result.plan.added.length === 0 && result.plan.changed.length === 0;
  return (
    <main id="main" className="ws-main">
      <h1>{t("coding.codebookImport.title")}</h1>
      <p className="ws-noprint">
        <Link to={`${d.base}/themes`}>{t("coding.codebookImport.back")}</Link> ·{" "}
        <Link to={`${d.base}/exports`}>{t("coding.exports.title")}</Link>
      </p>
      {result?.step === "error" ? (
        <ErrorSummary
          errors={[
            {
              field: result.field === "mode" ? "mode-merge" : (result.field ?? undefined),
              message: t(result.error, { name: result.codeName ?? "" }),
            },
          ]}
        />
      ) : null}
      {result?.step === "done" ? (
        <div className="ws-panel" role="status">
          <p>{t("coding.codebookImport.done", { added: result.plan.added.length, changed: result.plan.changed.length })}</p>
          <p>
            <Link to={`${d.base}/themes`}>{t("coding.codebookImport.back")}</Link>
          </p>
        </div>
      ) : null}

      {result?.step === "preview" ? (
        <>
          {result.stale ? (
            <div className="ws-panel" role="status">
              <p>{t("coding.codebookImport.stale")}</p>
            </div>
          ) : null}
          <Preview plan={result.plan} />
          {nothingToDo ? (
            <p>{t("coding.codebookImport.nothing")}</p>
          ) : (
            <Form method="post" className="ws-form">
              <CsrfInput />
              <input type="hidden" name="intent" value="confirm" />
              <input type="hidden" name="mode" value={result.plan.mode} />
              <input type="hidden" name="digest" value={result.plan.digest} />
              <input type="hidden" name="fileText" value={result.fileText} />
              <p>{t("coding.codebookImport.audited")}</p>
              <button type="submit">{t("coding.codebookImport.confirm")}</button>
            </Form>
          )}
          <h2>{t("coding.codebookImport.another")}</h2>
        </>
      ) : (
        <div className="ws-panel">
          <p>{t("coding.codebookImport.intro")}</p>
        </div>
      )}

      <Form method="post" encType="multipart/form-data" className="ws-form">
        <CsrfInput />
        <input type="hidden" name="intent" value="preview" />
        <label htmlFor="file">{t("coding.codebookImport.file")}</label>
        <p className="ws-hint" id="file-hint">
          {t("coding.codebookImport.fileHint")}
        </p>
        <input id="file" name="file" type="file" accept=".qdc,application/xml,text/xml" aria-describedby="file-hint" required />
        <fieldset>
          <legend>{t("coding.codebookImport.mode")}</legend>
          <div className="ws-check">
            <input type="radio" id="mode-merge" name="mode" value="merge" defaultChecked={d.hasThemes} />
            <label htmlFor="mode-merge">{t("coding.codebookImport.modeMerge")}</label>
          </div>
          <div className="ws-check">
            <input type="radio" id="mode-new" name="mode" value="new" defaultChecked={!d.hasThemes} disabled={d.hasThemes} />
            <label htmlFor="mode-new">{t("coding.codebookImport.modeNew")}</label>
          </div>
        </fieldset>
        <button type="submit">{t("coding.codebookImport.preview")}</button>
      </Form>
    </main>
  );
}
