/**
 * The codebook page's actions (app/routes/research.$org.studies.$study.themes.tsx), by the `intent`
 * each form posts. Creating is open to coding:write (a peer researcher's theme is a proposal);
 * seeding, accepting, editing and merging need study:edit.
 */
import {
  acceptTheme,
  CodebookError,
  createTheme,
  editTheme,
  mergeThemes,
  proposeTheme,
  renameTheme,
  seedCodebook,
} from "./codebook.server";
import { addMemo, CodingError, editMemo } from "./codings.server";
import { field } from "../security/form-body.server";
import type { StudyMember } from "../workspace/request.server";

/** The field the error summary links to after a refused form (the theme's name, or the merge target). */
const ERROR_FIELD: Record<string, string> = {
  create: "new-name",
  rename: "edit-name",
  merge: "into",
  memo: "memo",
  studyMemo: "study-memo",
};

export async function themeAction(study: StudyMember, form: FormData) {
  const result = await runThemeAction(study, form);
  return "error" in result ? { error: result.error, field: ERROR_FIELD[field(form, "intent")] ?? null } : result;
}

async function runThemeAction({ member, db, scope, userId }: StudyMember, form: FormData): Promise<{ ok: string } | { error: string }> {
  const intent = field(form, "intent");
  const manage = member.can("study:edit");
  const themeId = field(form, "theme");
  try {
    switch (intent) {
      case "create": {
        const input = {
          name: field(form, "name"),
          definition: field(form, "definition"),
          useWhen: field(form, "useWhen"),
          notUseWhen: field(form, "notUseWhen"),
          parentId: field(form, "parent") || null,
          colour: field(form, "colour") || undefined,
        };
        // A peer researcher's new theme is a proposal; a researcher's is part of the codebook.
        if (manage) await createTheme(db, scope, userId, input);
        else await proposeTheme(db, scope, userId, input);
        return { ok: manage ? "coding.themes.created" : "coding.themes.proposedSaved" };
      }
      case "seed":
        if (!manage) throw new Response("Forbidden", { status: 403 });
        await seedCodebook(db, scope, userId);
        return { ok: "coding.themes.seeded" };
      case "accept":
        if (!manage) throw new Response("Forbidden", { status: 403 });
        await acceptTheme(db, scope, userId, themeId);
        return { ok: "coding.themes.accepted" };
      case "rename":
        if (!manage) throw new Response("Forbidden", { status: 403 });
        await renameTheme(db, scope, userId, themeId, field(form, "name"));
        await editTheme(db, scope, userId, themeId, {
          definition: field(form, "definition"),
          useWhen: field(form, "useWhen"),
          notUseWhen: field(form, "notUseWhen"),
          colour: field(form, "colour") || undefined,
          parentId: field(form, "parent") || null,
        });
        return { ok: "coding.themes.saved" };
      case "merge":
        if (!manage) throw new Response("Forbidden", { status: 403 });
        await mergeThemes(db, scope, userId, themeId, field(form, "into"));
        return { ok: "coding.themes.merged" };
      case "memo":
        await addMemo(db, scope, userId, { on: "theme", themeId }, field(form, "text"));
        return { ok: "coding.themes.memoSaved" };
      case "studyMemo":
        await addMemo(db, scope, userId, { on: "study" }, field(form, "text"));
        return { ok: "coding.themes.memoSaved" };
      case "editMemo":
        await editMemo(db, scope, userId, field(form, "memo"), field(form, "text"));
        return { ok: "coding.themes.memoEdited" };
    }
    return { error: "coding.themes.errors.invalid" };
  } catch (error) {
    if (error instanceof CodebookError) return { error: `coding.themes.errors.${error.reason}` };
    if (error instanceof CodingError) {
      return {
        error:
          error.reason === "not_yours"
            ? "coding.themes.errors.memoNotYours"
            : error.reason === "empty_memo"
              ? "coding.themes.errors.emptyMemo"
              : "coding.themes.errors.not_found",
      };
    }
    if (error instanceof Response) throw error;
    if ((error as { name?: string }).name === "ZodError") return { error: "coding.themes.errors.invalid" };
    throw error;
  }
}
