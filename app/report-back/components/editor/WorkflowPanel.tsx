import { Form } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { useT } from "~/i18n/react";
import { editorIntent } from "./types";
import { CheckboxField } from "~/workspace/components/fields";
import { NoteFields, StatusFields } from "./StatusFields";
import type { EditorPageData } from "./types";

/**
 * Review and publication: submit (draft), approve or return (someone other than the last editor),
 * publish (admin), then post updates or unpublish (admin). Each button's `intent` names its action
 * in app/report-back/editor-actions.server.ts.
 */
export function WorkflowPanel({ data }: { data: EditorPageData }) {
  const t = useT();
  const { entry } = data;
  return (
    <section aria-labelledby="rb-workflow" className="ws-panel">
      <h2 id="rb-workflow">{t("reportback.editor.workflow")}</h2>
      {entry.state === "draft" || entry.state === "unpublished" ? (
        <Form method="post">
          <CsrfInput />
          <button className="button" name="intent" value={editorIntent("submit")}>
            {t("reportback.editor.submit")}
          </button>
        </Form>
      ) : null}
      {entry.state === "in_review" ? (
        entry.submittedBy === data.me || entry.updatedBy === data.me ? (
          <p>{t("reportback.editor.waitingForReview")}</p>
        ) : (
          <Form method="post" className="ws-inline-form">
            <CsrfInput />
            <button className="button" name="intent" value={editorIntent("approve")}>
              {t("reportback.editor.approve")}
            </button>
            <button className="button button-secondary" name="intent" value={editorIntent("return")}>
              {t("reportback.editor.return")}
            </button>
          </Form>
        )
      ) : null}
      {entry.state === "approved" ? (
        data.canPublish ? (
          <Form method="post">
            <CsrfInput />
            {entry.firstPublishedAt ? <NoteFields languages={entry.languages} label={t("reportback.editor.changeNote")} /> : null}
            <button className="button" name="intent" value={editorIntent("publish")}>
              {t("reportback.editor.publish")}
            </button>
          </Form>
        ) : (
          <p>{t("reportback.editor.waitingForAdmin")}</p>
        )
      ) : null}
      {entry.state === "published" && data.canPublish ? <PublishedForms data={data} /> : null}
    </section>
  );
}

/** An update to the published entry (live at once), or taking it down. */
function PublishedForms({ data }: { data: EditorPageData }) {
  const t = useT();
  const { entry } = data;
  const open = data.milestones.filter((m) => !m.doneOn);
  return (
    <>
      <Form method="post" className="ws-form">
        <CsrfInput />
        <h3>{t("reportback.editor.postUpdate")}</h3>
        <StatusFields status={entry.actionStatus} progress={entry.progress} nextReviewOn={entry.nextReviewOn} />
        {open.length > 0 ? (
          <fieldset>
            <legend>{t("reportback.editor.milestonesReached")}</legend>
            {open.map((m) => (
              <CheckboxField
                key={m.id}
                id={`done-${m.id}`}
                name="milestoneDone"
                value={m.id}
                label={`${m.labels.en ?? Object.values(m.labels)[0]} (${m.dueOn})`}
              />
            ))}
          </fieldset>
        ) : null}
        <NoteFields languages={entry.languages} label={t("reportback.editor.changeNote")} />
        <button className="button" name="intent" value={editorIntent("update")}>
          {t("reportback.editor.postUpdate")}
        </button>
      </Form>
      <Form method="post" className="ws-form">
        <CsrfInput />
        <NoteFields languages={entry.languages} label={t("reportback.editor.unpublishNote")} prefix="un" />
        <button className="button button-warning" name="intent" value={editorIntent("unpublish")}>
          {t("reportback.editor.unpublish")}
        </button>
      </Form>
    </>
  );
}
