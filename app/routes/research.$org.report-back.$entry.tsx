import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { workspaceHeaders } from "~/auth/headers";
import { useT } from "~/i18n/react";
import { FactsForm } from "~/report-back/components/editor/FactsForm";
import { MilestonesSection } from "~/report-back/components/editor/MilestonesSection";
import { TextForms } from "~/report-back/components/editor/TextForms";
import { ThemesSection, UsedQuotes } from "~/report-back/components/editor/ThemesSection";
import { WorkflowPanel } from "~/report-back/components/editor/WorkflowPanel";
import { EDITABLE_STATES } from "~/report-back/constants";
import { EDITOR_ACTIONS, errorField, isEditorIntent, PUBLISHING_INTENTS } from "~/report-back/editor-actions.server";
import { editorEntry } from "~/report-back/editor.server";
import { ReportBackError } from "~/report-back/entries.server";
import { readFormBody } from "~/security/form-body.server";
import { studyTitle } from "~/studies/titles";
import { ErrorSummary } from "~/workspace/components/ErrorSummary";
import { requireOrganisationMember } from "~/workspace/request.server";

export const headers = workspaceHeaders;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member } = await requireOrganisationMember(request, context, params, "publication:draft");
  const view = await editorEntry(member.db, member.organisation.id, params.entry ?? "");
  if (!view) throw new Response("Not found", { status: 404 });
  return { ...view, org: member.organisation.slug, me: member.session.userId, canPublish: member.can("publication:publish") };
}

/** Each form posts an `intent`: the name of its action in app/report-back/editor-actions.server.ts. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const { member } = await requireOrganisationMember(request, context, params, "publication:draft");
  const view = await editorEntry(member.db, member.organisation.id, params.entry ?? "");
  if (!view) throw new Response("Not found", { status: 404 });
  const form = await readFormBody(request);
  const intent = form.get("intent");
  if (!isEditorIntent(intent)) return json({ error: "invalid" as const, field: null }, { status: 400 });
  // Only admin publishes: `publication:publish` in the one permission table.
  if (PUBLISHING_INTENTS.has(intent) && !member.can("publication:publish")) throw new Response("Forbidden", { status: 403 });
  try {
    await EDITOR_ACTIONS[intent]({
      db: member.db,
      organisationId: member.organisation.id,
      actor: { userId: member.session.userId },
      entryId: view.entry.id,
      form,
    });
  } catch (error) {
    if (error instanceof ReportBackError) return json({ error: error.reason, field: errorField(intent, form) }, { status: 400 });
    if (error instanceof Error && error.name === "ZodError")
      return json({ error: "invalid" as const, field: errorField(intent, form) }, { status: 400 });
    throw error;
  }
  return redirect(`/research/${member.organisation.slug}/report-back/${view.entry.slug}`);
}

export default function ReportBackEditor() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { entry } = data;
  const editable = (EDITABLE_STATES as readonly string[]).includes(entry.state);
  const publicUrl = `/o/${data.org}/you-said-we-did/${entry.slug}`;
  return (
    <main id="main" className="ws-main">
      <p>
        <Link to={`/research/${data.org}/report-back`}>{t("reportback.allReports")}</Link>
      </p>
      <p className="ws-muted">{t("reportback.study", { title: studyTitle(entry.studyTitles, "en") })}</p>
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
      {result && "error" in result ? (
        <ErrorSummary errors={[{ field: result.field ?? undefined, message: t(`reportback.editor.errors.${result.error}`) }]} />
      ) : null}

      <WorkflowPanel data={data} />

      {editable ? (
        <>
          <FactsForm entry={entry} />
          <TextForms data={data} />
          <ThemesSection data={data} />
          <MilestonesSection data={data} />
        </>
      ) : (
        <>
          <p>{t("reportback.editor.publishedNotEditable")}</p>
          <UsedQuotes data={data} />
        </>
      )}
    </main>
  );
}
