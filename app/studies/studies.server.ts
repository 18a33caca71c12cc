import { sql } from "kysely";
import { z } from "zod";
import type { DB } from "../../db/index";
import { lookUpStudy } from "./lookup.server";
import type { StudyInstrumentRole } from "../../db/tables/foundation";
import { recordAudit } from "../audit/log.server";
import { languageCodes } from "../i18n/languages";
import { parseStudySettings, type StudySettings } from "./settings";
import { userText } from "../security/user-text";
import { WITHDRAWAL_MODES } from "../../db/tables/participants";

const RESERVED_STUDY_SLUGS = new Set(["new"]);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "date");
const timepoint = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, "timepoint");
const perLanguage = z.record(z.string(), userText().trim().max(2000));

/** A study as the workspace edits it; the route turns its form into this, tests build it directly. */
export const studyInputSchema = z
  .object({
    slug: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "slug")
      .refine((s) => !RESERVED_STUDY_SLUGS.has(s), "slug"),
    languages: z.array(z.enum(languageCodes as [string, ...string[]])).min(1, "languages"),
    titles: perLanguage,
    contact: perLanguage.default({}),
    support: z
      .array(z.object({ name: perLanguage, description: perLanguage, contact: perLanguage }))
      .max(20)
      .default([]),
    withdrawalModes: z.array(z.enum(WITHDRAWAL_MODES)).min(1, "withdrawal_modes"),
    withdrawalDeadline: isoDate.nullable().default(null),
    retentionUntil: isoDate.nullable().default(null),
    retentionMonthsAfterClose: z.coerce
      .number({ error: "retention_months" })
      .int("retention_months")
      .min(1, "retention_months")
      .max(600, "retention_months")
      .nullable()
      .default(null),
    datePrecision: z.enum(["date", "datetime"]).default("date"),
    pageMode: z.enum(["section", "question"]).default("section"),
    openTimepoints: z.array(timepoint).default(["once"]),
    instruments: z.array(z.object({ versionId: z.uuid(), timepoints: z.array(timepoint).min(1) })).default([]),
    cohorts: z.array(userText().trim().min(1).max(100)).max(100).default([]),
  })
  .superRefine((study, ctx) => {
    for (const language of study.languages) {
      if (!study.titles[language]?.trim()) ctx.addIssue({ code: "custom", path: ["titles", language], message: "title_missing" });
    }
    if (new Set(study.cohorts).size !== study.cohorts.length)
      ctx.addIssue({ code: "custom", path: ["cohorts"], message: "cohort_duplicate" });
  });
export type StudyInput = z.input<typeof studyInputSchema>;
type ParsedStudy = z.output<typeof studyInputSchema>;

export type StudyErrors = Record<string, string>;
export type SaveResult = { ok: true; studyId: string; slug: string } | { ok: false; errors: StudyErrors };

function issuesToErrors(error: z.ZodError): StudyErrors {
  const errors: StudyErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.join(".") || "form";
    errors[field] ??= issue.message && !issue.message.includes(" ") ? issue.message : "invalid";
  }
  return errors;
}

const list = (value: FormDataEntryValue | null) =>
  String(value ?? "")
    .split(/[,\s]+/)
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);

/** Reads the study form (plain HTML form fields, see research.$org.studies.new.tsx) into a StudyInput. */
export function studyInputFromForm(form: FormData): StudyInput {
  const text = (name: string) => String(form.get(name) ?? "").trim();
  const perLang = (prefix: string) =>
    Object.fromEntries(languageCodes.map((code) => [code, text(`${prefix}.${code}`)]).filter(([, value]) => value !== ""));
  const support: StudyInput["support"] = [];
  for (let i = 0; i < 20; i++) {
    const row = {
      name: perLang(`support.${i}.name`),
      description: perLang(`support.${i}.description`),
      contact: perLang(`support.${i}.contact`),
    };
    if (Object.keys(row.name).length + Object.keys(row.description).length + Object.keys(row.contact).length > 0) support.push(row);
  }
  return {
    slug: text("slug").toLowerCase(),
    languages: form.getAll("languages").map(String) as StudyInput["languages"],
    titles: perLang("title"),
    contact: perLang("contact"),
    support,
    withdrawalModes: form.getAll("withdrawal_mode").map(String) as StudyInput["withdrawalModes"],
    withdrawalDeadline: text("withdrawal_deadline") || null,
    retentionUntil: text("retention_until") || null,
    retentionMonthsAfterClose: (text("retention_months") || null) as number | null,
    datePrecision: text("date_precision") as "date",
    pageMode: (text("page_mode") || "section") as "section",
    openTimepoints: list(form.get("open_timepoints")),
    instruments: form.getAll("instrument").map((value) => ({
      versionId: String(value),
      timepoints: list(form.get(`timepoints.${String(value)}`)).length > 0 ? list(form.get(`timepoints.${String(value)}`)) : ["once"],
    })),
    cohorts: String(form.get("cohorts") ?? "")
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean),
  };
}

function roleForKind(kind: string): StudyInstrumentRole {
  switch (kind) {
    case "information_sheet":
    case "consent_form":
    case "topic_guide":
      return kind;
    default:
      return "questionnaire";
  }
}

function settingsFrom(study: ParsedStudy, previous: unknown): StudySettings {
  const base = previous && typeof previous === "object" ? (previous as Record<string, unknown>) : {};
  return parseStudySettings({
    ...base,
    contact: study.contact,
    support: study.support,
    withdrawal: { modes: study.withdrawalModes, deadline: study.withdrawalDeadline },
    retention_until: study.retentionUntil,
    retention_months_after_close: study.retentionMonthsAfterClose,
    date_precision: study.datePrecision,
    page_mode: study.pageMode,
    open_timepoints: study.openTimepoints.length > 0 ? study.openTimepoints : ["once"],
  });
}

/** Published instrument versions a study can use, newest first within each instrument. */
export async function availableInstrumentVersions(db: DB) {
  return db
    .selectFrom("instrument_version")
    .select(["id", "instrument_id", "version", "kind"])
    .orderBy("instrument_id")
    .orderBy("version", "desc")
    .execute();
}

async function writeParts(trx: DB, studyId: string, study: ParsedStudy): Promise<StudyErrors | null> {
  const ids = study.instruments.map((i) => i.versionId);
  const versions = ids.length > 0 ? await trx.selectFrom("instrument_version").select(["id", "kind"]).where("id", "in", ids).execute() : [];
  if (versions.length !== new Set(ids).size) return { instruments: "unknown_instrument" };
  const kinds = new Map(versions.map((v) => [v.id, v.kind]));
  await trx.deleteFrom("study_instrument").where("study_id", "=", studyId).execute();
  let position = 0;
  for (const use of study.instruments) {
    for (const tp of new Set(use.timepoints)) {
      await trx
        .insertInto("study_instrument")
        .values({
          study_id: studyId,
          instrument_version_id: use.versionId,
          role: roleForKind(kinds.get(use.versionId)!),
          timepoint: tp,
          position: position++,
        })
        .execute();
    }
  }
  const existing = await trx.selectFrom("cohort").select(["id", "name"]).where("study_id", "=", studyId).execute();
  const wanted = new Set(study.cohorts);
  for (const name of study.cohorts) {
    if (!existing.some((c) => c.name === name))
      await trx.insertInto("cohort").values({ study_id: studyId, name, starts_on: null, ends_on: null }).execute();
  }
  for (const cohort of existing) {
    if (wanted.has(cohort.name)) continue;
    // A cohort people are already in stays: removing it would quietly unassign them.
    const used = await trx.selectFrom("participant").select("id").where("cohort_id", "=", cohort.id).executeTakeFirst();
    if (used) return { cohorts: "cohort_in_use" };
    await trx.deleteFrom("cohort").where("id", "=", cohort.id).execute();
  }
  return null;
}

class Rollback extends Error {
  constructor(readonly errors: StudyErrors) {
    super("rollback");
  }
}

export async function createStudy(db: DB, input: { organisationId: string; actorUserId: string; study: StudyInput }): Promise<SaveResult> {
  const parsed = studyInputSchema.safeParse(input.study);
  if (!parsed.success) return { ok: false, errors: issuesToErrors(parsed.error) };
  const study = parsed.data;
  const taken = await lookUpStudy(db, { slug: study.slug });
  if (taken) return { ok: false, errors: { slug: "slug_taken" } };
  try {
    return await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto("study")
        .values({
          organisation_id: input.organisationId,
          slug: study.slug,
          titles: JSON.stringify(pick(study.titles, study.languages)),
          languages: study.languages,
          settings: JSON.stringify(settingsFrom(study, {})),
        })
        .returning(["id", "slug"])
        .executeTakeFirstOrThrow();
      const errors = await writeParts(trx, row.id, study);
      if (errors) throw new Rollback(errors);
      await recordAudit(trx, {
        actorUserId: input.actorUserId,
        organisationId: input.organisationId,
        action: "study_created",
        subject: study.slug,
      });
      return { ok: true as const, studyId: row.id, slug: row.slug };
    });
  } catch (error) {
    if (error instanceof Rollback) return { ok: false, errors: error.errors };
    throw error;
  }
}

export async function updateStudy(
  db: DB,
  input: { organisationId: string; studyId: string; actorUserId: string; study: StudyInput },
): Promise<SaveResult> {
  const parsed = studyInputSchema.safeParse(input.study);
  if (!parsed.success) return { ok: false, errors: issuesToErrors(parsed.error) };
  const study = parsed.data;
  const current = await lookUpStudy(db, { organisationId: input.organisationId, id: input.studyId });
  if (!current) return { ok: false, errors: { form: "not_found" } };
  // The slug is the participants' link: once a study has been opened it stays.
  if (current.status !== "draft" && study.slug !== current.slug) return { ok: false, errors: { slug: "slug_fixed" } };
  if (study.slug !== current.slug) {
    const taken = await lookUpStudy(db, { slug: study.slug });
    if (taken) return { ok: false, errors: { slug: "slug_taken" } };
  }
  try {
    return await db.transaction().execute(async (trx) => {
      await trx
        .updateTable("study")
        .set({
          slug: study.slug,
          titles: JSON.stringify(pick(study.titles, study.languages)),
          languages: study.languages,
          settings: JSON.stringify(settingsFrom(study, current.settings)),
        })
        .where("id", "=", current.id)
        .execute();
      const errors = await writeParts(trx, current.id, study);
      if (errors) throw new Rollback(errors);
      await recordAudit(trx, {
        actorUserId: input.actorUserId,
        organisationId: input.organisationId,
        action: "study_updated",
        subject: study.slug,
      });
      return { ok: true as const, studyId: current.id, slug: study.slug };
    });
  } catch (error) {
    if (error instanceof Rollback) return { ok: false, errors: error.errors };
    throw error;
  }
}

function pick(values: Record<string, string>, keys: string[]) {
  return Object.fromEntries(keys.filter((k) => values[k]).map((k) => [k, values[k]!]));
}

export type StudyStatus = "draft" | "open" | "closed";

/**
 * Opens or closes a study. Opening needs what a participant meets first: an information sheet and a
 * consent form. A closed study can be opened again (a second wave), never returned to draft.
 */
export async function setStudyStatus(
  db: DB,
  input: { organisationId: string; studyId: string; status: "open" | "closed"; actorUserId: string },
) {
  const study = await lookUpStudy(db, { organisationId: input.organisationId, id: input.studyId });
  if (!study) return { ok: false as const, error: "not_found" };
  if (study.status === input.status) return { ok: true as const };
  if (input.status === "open") {
    const roles = await db.selectFrom("study_instrument").select("role").where("study_id", "=", study.id).execute();
    const has = (role: string) => roles.some((r) => r.role === role);
    if (!has("information_sheet") || !has("consent_form")) return { ok: false as const, error: "needs_consent_instruments" };
  }
  await db.transaction().execute(async (trx) => {
    // closed_on starts the clock of a retention period counted from closing (retention.server.ts).
    await trx
      .updateTable("study")
      .set({ status: input.status, closed_on: input.status === "closed" ? sql<string>`current_date` : null })
      .where("id", "=", study.id)
      .execute();
    await recordAudit(trx, {
      actorUserId: input.actorUserId,
      organisationId: input.organisationId,
      action: "study_status_changed",
      subject: study.slug,
      detail: { from: study.status, to: input.status },
    });
  });
  return { ok: true as const };
}

export async function listStudies(db: DB, organisationId: string) {
  return db
    .selectFrom("study")
    .select(["id", "slug", "titles", "status", "languages", "created_at"])
    .where("organisation_id", "=", organisationId)
    .orderBy("created_at", "desc")
    .execute();
}

/** A study of this organisation by slug, or null: another organisation's study is simply not found. */
export async function findStudy(db: DB, organisationId: string, slug: string) {
  const study = await lookUpStudy(db, { organisationId, slug });
  if (!study) return null;
  const instruments = await db
    .selectFrom("study_instrument")
    .innerJoin("instrument_version", "instrument_version.id", "study_instrument.instrument_version_id")
    .select([
      "study_instrument.instrument_version_id",
      "study_instrument.role",
      "study_instrument.timepoint",
      "instrument_version.instrument_id",
      "instrument_version.version",
    ])
    .where("study_instrument.study_id", "=", study.id)
    .orderBy("study_instrument.position")
    .execute();
  const cohorts = await db.selectFrom("cohort").select(["id", "name"]).where("study_id", "=", study.id).orderBy("name").execute();
  return { ...study, settings: parseStudySettings(study.settings), instruments, cohorts };
}
export type StudyDetail = NonNullable<Awaited<ReturnType<typeof findStudy>>>;

/** The edit form's starting values for an existing study. */
export function studyInputFromStudy(study: StudyDetail): StudyInput {
  const byVersion = new Map<string, string[]>();
  for (const use of study.instruments)
    byVersion.set(use.instrument_version_id, [...(byVersion.get(use.instrument_version_id) ?? []), use.timepoint]);
  return {
    slug: study.slug,
    languages: study.languages as StudyInput["languages"],
    titles: study.titles,
    contact: study.settings.contact,
    support: study.settings.support,
    withdrawalModes: study.settings.withdrawal.modes,
    withdrawalDeadline: study.settings.withdrawal.deadline,
    retentionUntil: study.settings.retention_until,
    retentionMonthsAfterClose: study.settings.retention_months_after_close,
    datePrecision: study.settings.date_precision,
    pageMode: study.settings.page_mode,
    openTimepoints: study.settings.open_timepoints,
    instruments: [...byVersion].map(([versionId, timepoints]) => ({ versionId, timepoints })),
    cohorts: study.cohorts.map((c) => c.name),
  };
}
