/**
 * The coding page's actions (app/routes/research.$org.studies.$study.coding.tsx), by the `intent`
 * each form posts: apply a theme to a span, redact one, translate a unit, remove a coding, finish or
 * reopen, and memos on codings. Every answer names the unit, so the page returns to it.
 */
import { addMemo, applyTheme, CodingError, editMemo, removeCoding, setFinished } from "./codings.server";
import { CodebookError } from "./codebook.server";
import { addRedaction, RedactionError } from "./redactions.server";
import { parseUnitKey } from "./units";
import { field, intField } from "../security/form-body.server";
import { GatheringError, setTranslation } from "../fieldwork/gatherings.server";
import type { StudyMember } from "../workspace/request.server";

export async function codingAction({ db, scope, userId }: StudyMember, form: FormData) {
  // A quick theme's button (components/ApplyThemeForm.tsx) posts its theme as "quick": apply it.
  const quick = field(form, "quick");
  const intent = quick ? "apply" : field(form, "intent");
  try {
    if (intent === "apply") {
      await applyTheme(db, scope, userId, {
        unit: field(form, "unit"),
        themeId: quick || field(form, "theme"),
        start: intField(form, "start"),
        end: intField(form, "end"),
      });
      return { ok: "coding.code.applied", unit: field(form, "unit") };
    }
    if (intent === "redact") {
      await addRedaction(db, scope, userId, field(form, "unit"), { start: intField(form, "start"), end: intField(form, "end") }, "other");
      return { ok: "coding.code.redacted", unit: field(form, "unit") };
    }
    if (intent === "translate") {
      const unit = field(form, "unit");
      const ref = parseUnitKey(unit);
      if (!ref) return { error: "coding.code.errors.unit_not_found", unit };
      const target = ref.kind === "segment" ? { segmentId: ref.segmentId } : { responseId: ref.responseId, itemId: ref.itemId };
      await setTranslation(db, scope, userId, target, field(form, "language"), field(form, "text"));
      return { ok: "coding.code.translationSaved", unit };
    }
    if (intent === "remove") {
      await removeCoding(db, scope, userId, field(form, "coding"));
      return { ok: "coding.code.removed", unit: field(form, "unit") };
    }
    if (intent === "finish" || intent === "reopen") {
      await setFinished(db, scope, userId, intent === "finish");
      return { ok: intent === "finish" ? "coding.code.finishedSaved" : "coding.code.reopened", unit: "" };
    }
    if (intent === "memo") {
      await addMemo(db, scope, userId, { on: "coding", codingId: field(form, "coding") }, field(form, "text"));
      return { ok: "coding.code.memoSaved", unit: field(form, "unit") };
    }
    if (intent === "editMemo") {
      try {
        await editMemo(db, scope, userId, field(form, "memo"), field(form, "text"));
      } catch (error) {
        if (error instanceof CodingError && error.reason === "not_yours")
          return { error: "coding.code.errors.memoNotYours", unit: field(form, "unit") };
        throw error;
      }
      return { ok: "coding.code.memoEdited", unit: field(form, "unit") };
    }
    return { error: "coding.code.errors.invalid", unit: "" };
  } catch (error) {
    if (error instanceof CodingError) return { error: `coding.code.errors.${error.reason}`, unit: field(form, "unit") };
    // A theme id from another study (or a stale form) is refused like a merged theme, never a 500.
    if (error instanceof CodebookError) return { error: "coding.code.errors.theme_not_usable", unit: field(form, "unit") };
    if (error instanceof RedactionError)
      return {
        error: error.reason === "span" ? "coding.code.errors.out_of_bounds" : "coding.code.errors.unit_not_found",
        unit: field(form, "unit"),
      };
    if (error instanceof GatheringError || (error as { name?: string }).name === "ZodError")
      return { error: "coding.code.errors.invalid", unit: field(form, "unit") };
    throw error;
  }
}
