import { Form } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { useT } from "~/i18n/react";
import { ASK_METHODS } from "~/report-back/constants";
import { editorIntent } from "./types";
import { CheckboxField, TextField } from "~/workspace/components/fields";
import { StatusFields } from "./StatusFields";
import type { EditorPageData } from "./types";

/** "We asked": when and how people were asked, and where the action stands (action: saveFacts). */
export function FactsForm({ entry }: { entry: EditorPageData["entry"] }) {
  const t = useT();
  return (
    <section aria-labelledby="rb-facts">
      <h2 id="rb-facts">{t("reportback.weAsked")}</h2>
      <Form method="post" className="ws-form">
        <CsrfInput />
        <input type="hidden" name="intent" value={editorIntent("facts")} />
        <TextField id="askedOn" label={t("reportback.editor.askedOn")} type="date" defaultValue={entry.askedOn ?? ""} />
        <TextField id="askedUntil" label={t("reportback.editor.askedUntil")} type="date" defaultValue={entry.askedUntil ?? ""} />
        <fieldset>
          <legend>{t("reportback.editor.methods")}</legend>
          {ASK_METHODS.map((m) => (
            <CheckboxField
              key={m}
              id={`method-${m}`}
              name="methods"
              value={m}
              defaultChecked={entry.methods.includes(m)}
              label={t(`reportback.method.${m}`)}
            />
          ))}
        </fieldset>
        <StatusFields status={entry.actionStatus} progress={entry.progress} nextReviewOn={entry.nextReviewOn} />
        <button className="button">{t("reportback.editor.save")}</button>
      </Form>
    </section>
  );
}
