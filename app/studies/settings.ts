import { z } from "zod";
import { WITHDRAWAL_MODES } from "../../db/tables/participants";

const perLanguage = z.record(z.string(), z.string());

export const supportServiceSchema = z.object({
  name: perLanguage,
  description: perLanguage,
  /** How to reach it, as written for people (a phone number, opening hours, a web address). */
  contact: perLanguage,
});

/**
 * A study's settings (study.settings). Everything a participant sees about the study that is not an
 * instrument's text lives here, per language.
 */
export const studySettingsSchema = z.object({
  /** The information sheet's contact line: name, e-mail and organisation, per language. */
  contact: perLanguage.default({}),
  support: z.array(supportServiceSchema).default([]),
  withdrawal: z
    .object({
      /** Which choices a person who withdraws is offered; a study may offer only erasure. */
      modes: z
        .array(z.enum(WITHDRAWAL_MODES))
        .min(1)
        .default([...WITHDRAWAL_MODES]),
      /** After this date content can no longer be removed (e.g. analysis is published). */
      deadline: z.string().nullable().default(null),
    })
    .default({ modes: [...WITHDRAWAL_MODES], deadline: null }),
  /** The day the study's participant data are erased (issue 17 part 4); see retention.server.ts. */
  retention_until: z.string().nullable().default(null),
  /** Or: this many months after the study closes (used when no date is set). */
  retention_months_after_close: z.number().int().min(1).max(600).nullable().default(null),
  /** Participant records carry the date only, unless a study opts in to the time of day. */
  date_precision: z.enum(["date", "datetime"]).default("date"),
  /** One section per page, or one question per page (easier on small screens and for some people). */
  page_mode: z.enum(["section", "question"]).default("section"),
  /**
   * Per question set (by instrument id), overriding page_mode: e.g. a focus-group set of open
   * questions one per page, a wellbeing measure by section. Set it before fieldwork: pages already
   * done are remembered by page, and a set's pages change with its mode.
   */
  page_modes: z.record(z.string(), z.enum(["section", "question"])).default({}),
  /** Timepoints currently open to participants, e.g. ["pre"], later ["post"]. */
  open_timepoints: z.array(z.string()).default(["once"]),
});

export type StudySettings = z.infer<typeof studySettingsSchema>;

export function parseStudySettings(value: unknown): StudySettings {
  return studySettingsSchema.parse(value ?? {});
}
