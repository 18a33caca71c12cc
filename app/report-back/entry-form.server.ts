/**
 * Saving the editor's one form (docs/decisions/076-one-form-per-entry.md): every field is checked
 * first, and if anything is wrong nothing is written and each refusal names its field; otherwise what
 * changed is written in one transaction.
 *
 * Only what changed is written, because a write means something here: saving a language's words makes
 * them a draft that a second person checks again (052), and any edit takes an entry under review back
 * to draft (050). A Save that changes nothing, or a button pressed without typing, leaves the entry,
 * its reviews and its checked languages as they were.
 */
import { z } from "zod";
import type { DB } from "../../db/index";
import { getLanguage } from "../i18n/languages";
import { isUuid } from "../security/ids";
import { userText } from "../security/user-text";
import { ASK_METHODS } from "./constants";
import { entryInputSchema, entryTextSchema, isoDate, requireEditable, touch, writeEntryThemes, type Actor } from "./entries.server";
import {
  TEXT_FIELDS,
  fieldId,
  readEntryForm,
  storedFormValues,
  type EntryFieldError,
  type EntryFormValues,
  type EntryTexts,
} from "./entry-form";

/** The form was refused: nothing was saved. The values are as typed, to put back in the form. */
export class EntryFormRefused extends Error {
  constructor(
    readonly errors: EntryFieldError[],
    readonly values: EntryFormValues,
  ) {
    super("The entry form was refused");
    this.name = "EntryFormRefused";
  }
}

const LABEL_MAX = 200;
const MILESTONE_LABEL_MAX = 300;
const publicLabel = userText().trim().max(LABEL_MAX);
const milestoneLabel = userText().trim().max(MILESTONE_LABEL_MAX);

/** A zod issue on a text as the summary says it: too long, or (the title) missing. */
function textIssue(issue: z.ZodIssue, field: string, language: string): EntryFieldError {
  if (issue.code === "too_big") return { field, key: "tooLong", values: { max: Number(issue.maximum) } };
  return { field, key: "titleMissing", values: { language: getLanguage(language).englishName } };
}

const FACT_FIELDS: Record<string, { field: string; key: string }> = {
  askedOn: { field: "askedOn", key: "date" },
  askedUntil: { field: "askedUntil", key: "date" },
  nextReviewOn: { field: "nextReviewOn", key: "date" },
  progress: { field: "progress", key: "progress" },
  actionStatus: { field: "actionStatus", key: "invalid" },
  methods: { field: `method-${ASK_METHODS[0]}`, key: "invalid" },
};

const sameLabels = (a: Record<string, string>, b: Record<string, string>) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/** Labels without the empty ones: an empty name and no name are the same on the public page. */
const filled = (labels: Record<string, string>) => Object.fromEntries(Object.entries(labels).filter(([, v]) => v.trim() !== ""));

/**
 * Checks and saves the posted entry form. `requireMilestone`: the "Add the step" button was pressed,
 * so an empty step is a mistake to point out, not a step left blank. Returns whether anything changed.
 */
export async function saveEntryForm(
  db: DB,
  organisationId: string,
  actor: Actor,
  entryId: string,
  form: FormData,
  options: { requireMilestone?: boolean } = {},
): Promise<{ changed: boolean }> {
  const entry = await requireEditable(db, organisationId, entryId);
  const study = await db.selectFrom("study").select("languages").where("id", "=", entry.study_id).executeTakeFirstOrThrow();
  const storedTexts = await db.selectFrom("report_entry_text").selectAll().where("entry_id", "=", entryId).execute();
  const storedThemes = await db.selectFrom("report_entry_theme").selectAll().where("entry_id", "=", entryId).orderBy("position").execute();
  const textOf = new Map(storedTexts.map((t) => [t.language, t]));
  const stored = storedFormValues(
    {
      askedOn: entry.asked_on,
      askedUntil: entry.asked_until,
      methods: entry.methods,
      actionStatus: entry.action_status,
      progress: entry.progress,
      nextReviewOn: entry.next_review_on,
    },
    Object.fromEntries(
      storedTexts.map((t) => [
        t.language,
        { title: t.title, asked: t.asked, did: t.did, notDoingReason: t.not_doing_reason, decidedBy: t.decided_by },
      ]),
    ),
    storedThemes.map((t) => ({ themeId: t.theme_id, labels: t.labels })),
  );
  // The study's languages, and any the entry already has words in (a language the study stopped offering keeps them).
  const languages = [...new Set([...study.languages, ...storedTexts.map((t) => t.language)])];
  const values = readEntryForm(form, stored, languages);
  const errors: EntryFieldError[] = [];

  // When and how people were asked, and where the action stands.
  const facts = entryInputSchema.safeParse({
    studyId: entry.study_id,
    slug: entry.slug,
    askedOn: values.askedOn.trim(),
    askedUntil: values.askedUntil.trim(),
    methods: values.methods,
    actionStatus: values.actionStatus,
    progress: values.progress.trim() === "" ? 0 : values.progress.trim(),
    nextReviewOn: values.nextReviewOn.trim(),
  });
  if (!facts.success) {
    const seen = new Set<string>();
    for (const issue of facts.error.issues) {
      const known = FACT_FIELDS[String(issue.path[0])] ?? { field: "askedOn", key: "invalid" };
      if (!seen.has(known.field)) errors.push(known);
      seen.add(known.field);
    }
  } else if (facts.data.askedOn && facts.data.askedUntil && facts.data.askedUntil < facts.data.askedOn) {
    errors.push({ field: "askedUntil", key: "dateOrder" });
  }

  // The words in each language: a language nobody has started stays unwritten.
  const texts = new Map<string, z.output<typeof entryTextSchema>>();
  for (const language of languages) {
    const typed = values.texts[language]!;
    if (!textOf.has(language) && TEXT_FIELDS.every((f) => typed[f].trim() === "")) continue;
    const parsed = entryTextSchema.safeParse(typed);
    if (parsed.success) texts.set(language, parsed.data);
    else
      for (const issue of parsed.error.issues)
        errors.push(textIssue(issue, fieldId.text(issue.path[0] as keyof EntryTexts, language), language));
  }

  // The themes and their public names.
  const chosen = values.themes;
  if (!chosen.every(isUuid)) errors.push({ field: "rb-themes", key: "theme_not_found" });
  else if (chosen.length) {
    const found = await db.selectFrom("theme").select("id").where("study_id", "=", entry.study_id).where("id", "in", chosen).execute();
    if (found.length !== chosen.length) errors.push({ field: "rb-themes", key: "theme_not_found" });
  }
  const themes = chosen.map((themeId) => {
    // names in languages the form does not show (the study no longer offers them) are kept as they are
    const labels: Record<string, string> = { ...(storedThemes.find((s) => s.theme_id === themeId)?.labels ?? {}) };
    for (const [language, typed] of Object.entries(values.labels[themeId] ?? {})) {
      const parsed = publicLabel.safeParse(typed);
      if (parsed.success) labels[language] = parsed.data;
      else errors.push({ field: fieldId.label(themeId, language), key: "tooLong", values: { max: LABEL_MAX } });
    }
    return { themeId, labels: filled(labels) };
  });

  // A new step, when one was typed (or asked for).
  const step = values.milestone;
  const stepLabels: Record<string, string> = {};
  const stepTyped = step.dueOn.trim() !== "" || Object.values(step.labels).some((l) => l.trim() !== "");
  if (stepTyped || options.requireMilestone) {
    if (!isoDate.safeParse(step.dueOn.trim()).success) errors.push({ field: "dueOn", key: "milestoneDate" });
    for (const [language, typed] of Object.entries(step.labels)) {
      const parsed = milestoneLabel.safeParse(typed);
      if (!parsed.success) errors.push({ field: fieldId.milestoneLabel(language), key: "tooLong", values: { max: MILESTONE_LABEL_MAX } });
      else if (parsed.data !== "") stepLabels[language] = parsed.data;
    }
    if (Object.keys(stepLabels).length === 0 && languages.length > 0)
      errors.push({ field: fieldId.milestoneLabel(languages[0]!), key: "milestoneLabel" });
  }

  if (errors.length > 0 || !facts.success) throw new EntryFormRefused(errors, values);

  // What changed.
  const f = facts.data;
  const factsChanged =
    f.askedOn !== entry.asked_on ||
    f.askedUntil !== entry.asked_until ||
    [...f.methods].sort().join() !== [...entry.methods].sort().join() ||
    f.actionStatus !== entry.action_status ||
    f.progress !== entry.progress ||
    f.nextReviewOn !== entry.next_review_on;
  const changedTexts = [...texts].filter(([language, t]) => {
    const before = textOf.get(language);
    return (
      !before ||
      before.title !== t.title ||
      before.asked !== t.asked ||
      before.did !== t.did ||
      before.not_doing_reason !== t.notDoingReason ||
      before.decided_by !== t.decidedBy
    );
  });
  const themesChanged =
    themes.length !== storedThemes.length ||
    themes.some((t) => {
      const before = storedThemes.find((s) => s.theme_id === t.themeId);
      return !before || !sameLabels(filled(before.labels), t.labels);
    });
  const addStep = stepTyped || options.requireMilestone === true;
  if (!factsChanged && changedTexts.length === 0 && !themesChanged && !addStep) return { changed: false };

  await db.transaction().execute(async (trx) => {
    if (factsChanged)
      await trx
        .updateTable("report_entry")
        .set({
          asked_on: f.askedOn,
          asked_until: f.askedUntil,
          methods: f.methods,
          action_status: f.actionStatus,
          progress: f.progress,
          next_review_on: f.nextReviewOn,
        })
        .where("id", "=", entryId)
        .execute();
    for (const [language, t] of changedTexts) {
      // saved words are a draft again: a second person checks them (052)
      const row = {
        title: t.title,
        asked: t.asked,
        did: t.did,
        not_doing_reason: t.notDoingReason,
        decided_by: t.decidedBy,
        review_status: "draft" as const,
        reviewed_by: null,
        updated_by: actor.userId,
        updated_at: new Date(),
      };
      await trx
        .insertInto("report_entry_text")
        .values({ entry_id: entryId, language, ...row })
        .onConflict((oc) => oc.columns(["entry_id", "language"]).doUpdateSet(row))
        .execute();
    }
    if (themesChanged) await writeEntryThemes(trx, entryId, themes);
    if (addStep)
      await trx
        .insertInto("report_milestone")
        .values({ entry_id: entryId, due_on: step.dueOn.trim(), labels: JSON.stringify(stepLabels) })
        .execute();
    await touch(trx, entryId, actor);
  });
  return { changed: true };
}
