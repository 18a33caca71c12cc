import { Form, useSearchParams } from "@remix-run/react";
import { useEffect } from "react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import type { Translate } from "~/i18n/intl";
import { useT } from "~/i18n/react";
import { commandValue, ENTRY_FORM_MARKER, storedFormValues } from "~/report-back/entry-form";
import { FactsSection } from "./FactsSection";
import { MilestonesSection } from "./MilestonesSection";
import { TextsSection } from "./TextsSection";
import { ThemesSection } from "./ThemesSection";
import { useUnsavedChanges } from "./useUnsavedChanges";
import { WorkflowPanel } from "./WorkflowPanel";
import type { EditorPageData, EditorRefusal, EntryFormState } from "./types";

/** A refusal's sentence in the reader's language. */
export function refusalMessage(t: Translate, error: EditorRefusal["errors"][number]): string {
  return t(`reportback.editor.errors.${error.key}`, error.values);
}

/**
 * The entry's one form (docs/decisions/076-one-form-per-entry.md): every field the organisation
 * writes, and every button that changes the entry, so no button can lose what was typed. Save comes
 * first in the form, so Enter in a one-line field saves (the browser presses the first button).
 * `noValidate`: the server checks, and its error summary names each field in the reader's language.
 */
export function EntryForm({ data, refusal }: { data: EditorPageData; refusal: EditorRefusal | undefined }) {
  const t = useT();
  const [search] = useSearchParams();
  const unsaved = useUnsavedChanges(t("reportback.editor.leaveWarning"));
  const { changed } = unsaved;
  // a refused form saved nothing: what is in it is still unsaved
  useEffect(() => {
    if (refusal?.values) changed();
  }, [refusal, changed]);
  const form: EntryFormState = {
    values: refusal?.values ?? storedFormValues(data.entry, data.texts, data.linkedThemes),
    errors: new Map(refusal?.errors.flatMap((e) => (e.field ? [[e.field, refusalMessage(t, e)] as const] : [])) ?? []),
  };
  const status = refusal?.values
    ? t("reportback.editor.notSaved")
    : unsaved.dirty
      ? t("reportback.editor.unsaved")
      : search.has("saved")
        ? t("reportback.editor.saved")
        : t("reportback.editor.saveHint");
  return (
    <Form method="post" noValidate className="rb-editor" onInput={unsaved.changed} onChange={unsaved.changed} onSubmit={unsaved.submitted}>
      <CsrfInput />
      <input type="hidden" name={ENTRY_FORM_MARKER} value="1" />
      <div className="rb-savebar">
        <button className="button" name="intent" value={commandValue("save")}>
          {t("reportback.editor.save")}
        </button>
        <p role="status" className={unsaved.dirty || refusal?.values ? "rb-unsaved" : "ws-muted"}>
          {status}
        </p>
      </div>
      <WorkflowPanel data={data} />
      <FactsSection form={form} />
      <TextsSection data={data} form={form} />
      <ThemesSection data={data} form={form} />
      <MilestonesSection data={data} form={form} />
      <p>
        <button className="button" name="intent" value={commandValue("save")}>
          {t("reportback.editor.save")}
        </button>
      </p>
    </Form>
  );
}
