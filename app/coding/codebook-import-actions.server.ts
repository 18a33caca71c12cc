/**
 * The codebook import page's two steps (app/routes/research.$org.studies.$study.themes_.import.tsx),
 * without JavaScript: "preview" reads the uploaded file and shows what would change, carrying the
 * file's text and the plan's digest in the confirmation form; "confirm" writes it, or, when the
 * codebook changed in between, shows the new plan to confirm again. A refusal is a catalogue key
 * (in the user's language on the page) and nothing is written.
 */
import { z } from "zod";
import type { StudyMember } from "../workspace/request.server";
import { CodebookImportError, importCodebook, MAX_QDC_BYTES, previewCodebookImport, type ImportPlan } from "./codebook-exchange.server";

const modeSchema = z.enum(["merge", "new"]);
const confirmSchema = z.object({
  mode: modeSchema,
  digest: z.string().regex(/^[0-9a-f]{32}$/),
  fileText: z.string().min(1).max(MAX_QDC_BYTES),
});

export type CodebookImportResult =
  | { step: "error"; error: string; field: "file" | "mode" | null; codeName: string | null }
  | { step: "preview"; plan: ImportPlan; fileText: string; stale: boolean }
  | { step: "done"; plan: ImportPlan };

function refused(error: unknown): CodebookImportResult {
  if (!(error instanceof CodebookImportError)) throw error;
  return {
    step: "error",
    error: `coding.codebookImport.errors.${error.reason}`,
    field: error.reason === "has_codebook" ? "mode" : "file",
    codeName: error.codeName ?? null,
  };
}

export async function codebookImportAction({ db, scope, userId }: StudyMember, form: FormData): Promise<CodebookImportResult> {
  const intent = form.get("intent");
  if (intent === "confirm") {
    const parsed = confirmSchema.safeParse({ mode: form.get("mode"), digest: form.get("digest"), fileText: form.get("fileText") });
    if (!parsed.success) return { step: "error", error: "coding.codebookImport.errors.not_xml", field: "file", codeName: null };
    try {
      const outcome = await importCodebook(db, scope, { userId, via: "workspace" }, parsed.data.fileText, parsed.data.mode, {
        expectedDigest: parsed.data.digest,
      });
      return outcome.applied
        ? { step: "done", plan: outcome.plan }
        : { step: "preview", plan: outcome.plan, fileText: parsed.data.fileText, stale: true };
    } catch (error) {
      return refused(error);
    }
  }
  const mode = modeSchema.safeParse(form.get("mode"));
  if (!mode.success) return { step: "error", error: "coding.codebookImport.errors.no_mode", field: "mode", codeName: null };
  const file = form.get("file");
  if (!file || typeof file === "string" || file.size === 0)
    return { step: "error", error: "coding.codebookImport.errors.no_file", field: "file", codeName: null };
  if (file.size > MAX_QDC_BYTES) return { step: "error", error: "coding.codebookImport.errors.too_large", field: "file", codeName: null };
  const fileText = await file.text();
  try {
    return { step: "preview", plan: await previewCodebookImport(db, scope, fileText, mode.data), fileText, stale: false };
  } catch (error) {
    return refused(error);
  }
}
