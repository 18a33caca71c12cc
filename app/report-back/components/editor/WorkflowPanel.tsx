import { Form } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { useT } from "~/i18n/react";
import { commandValue } from "~/report-back/entry-form";
import { CheckboxField } from "~/workspace/components/fields";
import { NoteFields, StatusFields } from "./StatusFields";
import type { EditorPageData } from "./types";

/**
 * Review and publication: submit (draft), approve or return (someone other than the last editor),
 * publish (admin), then post updates or unpublish (admin). Until it is published the buttons belong
 * to the entry form, so what was typed is saved before the entry moves on; each button's `intent`
 * names its action in app/report-back/editor-actions.server.ts.
 */
export function WorkflowPanel({ data }: { data: EditorPageData }) {
  const t = useT();
  const { entry } = data;
  return (
    <section aria-labelledby="rb-workflow" className="ws-panel rb-workflow">
      <h2 id="rb-workflow">{t("reportback.editor.workflow")}</h2>
      {entry.state === "draft" || entry.state === "unpublished" ? (
        <button className="button" name="intent" value={commandValue("submit")}>
          {t("reportback.editor.submit")}
        </button>
      ) : null}
      {entry.state === "in_review" ? (
        entry.submittedBy === data.me || entry.updatedBy === data.me ? (
          <p>{t("reportback.editor.waitingForReview")}</p>
        ) : (
          <p>
            <button className="button" name="intent" value={commandValue("approve")}>
              {t("reportback.editor.approve")}
            </button>
            <button className="button button-secondary" name="intent" value={commandValue("return")}>
              {t("reportback.editor.return")}
            </button>
          </p>
        )
      ) : null}
      {entry.state === "approved" ? (
        data.canPublish ? (
          <>
            {entry.firstPublishedAt ? <NoteFields languages={entry.languages} label={t("reportback.editor.changeNote")} /> : null}
            <button className="button" name="intent" value={commandValue("publish")}>
              {t("reportback.editor.publish")}
            </button>
          </>
        ) : (
          <p>{t("reportback.editor.waitingForAdmin")}</p>
        )
      ) : null}
      {entry.state === "published" && data.canPublish ? <PublishedForms data={data} /> : null}
    </section>
  );
}

/** An update to the published entry (live at once), or taking it down: forms of their own. */
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
        <button className="button" name="intent" value={commandValue("update")}>
          {t("reportback.editor.postUpdate")}
        </button>
      </Form>
      <Form method="post" className="ws-form">
        <CsrfInput />
        <NoteFields languages={entry.languages} label={t("reportback.editor.unpublishNote")} prefix="un" />
        <button className="button button-warning" name="intent" value={commandValue("unpublish")}>
          {t("reportback.editor.unpublish")}
        </button>
      </Form>
    </>
  );
}
