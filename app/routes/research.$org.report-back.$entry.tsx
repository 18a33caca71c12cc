import { json, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { workspaceHeaders } from "~/auth/headers";
import { useT } from "~/i18n/react";
import editorStyles from "~/report-back/components/editor/editor.css";
import { EntryForm, refusalMessage } from "~/report-back/components/editor/EntryForm";
import { UsedQuotes } from "~/report-back/components/editor/QuotesSection";
import { WorkflowPanel } from "~/report-back/components/editor/WorkflowPanel";
import type { EditorRefusal } from "~/report-back/components/editor/types";
import { EDITABLE_STATES } from "~/report-back/constants";
import { landingOf, PUBLISHING_INTENTS, runEditorCommand } from "~/report-back/editor-actions.server";
import { editorEntry, entryIdOf } from "~/report-back/editor.server";
import { parseCommand } from "~/report-back/entry-form";
import { readFormBody } from "~/security/form-body.server";
import { studyTitle } from "~/studies/titles";
import { ErrorSummary } from "~/workspace/components/ErrorSummary";
import { requireOrganisationMember } from "~/workspace/request.server";

export const headers = workspaceHeaders;
// JavaScript only warns before typed text is left unsaved (docs/decisions/076-one-form-per-entry.md);
// every button works without it, and saves what was typed.
export const handle = { hydrate: true };
export const links: LinksFunction = () => [{ rel: "stylesheet", href: editorStyles }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member } = await requireOrganisationMember(request, context, params, "publication:draft");
  const view = await editorEntry(member.db, member.organisation.id, params.entry ?? "");
  if (!view) throw new Response("Not found", { status: 404 });
  return { ...view, org: member.organisation.slug, me: member.session.userId, canPublish: member.can("publication:publish") };
}

/**
 * Every button posts an `intent` (`name` or `name:argument`, app/report-back/entry-form.ts); before
 * publication they all post the one entry form too, which is saved before the button's action runs.
 */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const { member } = await requireOrganisationMember(request, context, params, "publication:draft");
  const entryId = await entryIdOf(member.db, member.organisation.id, params.entry ?? "");
  if (!entryId) throw new Response("Not found", { status: 404 });
  const form = await readFormBody(request);
  const command = parseCommand(form.get("intent"));
  if (!command) return json<EditorRefusal>({ errors: [{ field: null, key: "invalid" }], values: null }, { status: 400 });
  // Only admin publishes: `publication:publish` in the one permission table. Checked before anything is saved.
  if (PUBLISHING_INTENTS.has(command.intent) && !member.can("publication:publish")) throw new Response("Forbidden", { status: 403 });
  const outcome = await runEditorCommand(
    { db: member.db, organisationId: member.organisation.id, actor: { userId: member.session.userId }, entryId, form },
    command,
  );
  if (!outcome.ok) return json<EditorRefusal>({ errors: outcome.errors, values: outcome.values }, { status: 400 });
  return redirect(`/research/${member.organisation.slug}/report-back/${params.entry}?saved=1${landingOf(command)}`);
}

export default function ReportBackEditor() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  const refusal = useActionData<typeof action>();
  const { entry } = data;
  const editable = (EDITABLE_STATES as readonly string[]).includes(entry.state);
  const publicUrl = `/o/${data.org}/you-said-we-did/${entry.slug}`;
  return (
    <main id="main" className="ws-main rb-editor-page">
      <p>
        <Link to={`/research/${data.org}/report-back`}>{t("reportback.allReports")}</Link>
        {" · "}
        <span className="ws-muted">{t("reportback.study", { title: studyTitle(entry.studyTitles, "en") })}</span>
      </p>
      <h1>{data.texts.en?.title || entry.slug}</h1>
      <p>
        {t("reportback.editor.state")}: <strong className="ws-status">{t(`reportback.editor.states.${entry.state}`)}</strong> ·{" "}
        <Link to="preview">{t("reportback.editor.preview")}</Link>
        {entry.state === "published" ? (
          <>
            {" "}
            · <a href={publicUrl}>{t("reportback.editor.publicPage")}</a>
          </>
        ) : null}
      </p>
      {refusal ? (
        <ErrorSummary errors={refusal.errors.map((e) => ({ field: e.field ?? undefined, message: refusalMessage(t, e) }))} />
      ) : null}

      {editable ? (
        <EntryForm data={data} refusal={refusal} />
      ) : (
        <>
          <WorkflowPanel data={data} />
          <p>{t("reportback.editor.publishedNotEditable")}</p>
          <UsedQuotes data={data} />
        </>
      )}
    </main>
  );
}
