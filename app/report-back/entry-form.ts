/**
 * The report-back editor's one form (docs/decisions/076-one-form-per-entry.md): every field of an
 * entry that the organisation writes — when and how people were asked, where the action stands, the
 * words in each language, the themes with their public names, and a new step — in one <form> with
 * one Save. The buttons that add or remove a quote or a step, check a language or send the entry for
 * review submit the same form, so whatever was typed is saved with them and never lost.
 *
 * This module is what the page and the server share: the field names, reading a posted form into
 * values (strings as typed, to put back in the form when something is refused), the values a stored
 * entry starts from, and the submit buttons' commands. The checks and writes are in
 * entry-form.server.ts.
 */
import { isUuid } from "../security/ids";

export const TEXT_FIELDS = ["title", "asked", "did", "notDoingReason", "decidedBy"] as const;
export type TextFieldName = (typeof TEXT_FIELDS)[number];
export type EntryTexts = Record<TextFieldName, string>;

/** A hidden field: the whole entry form was posted, so an unticked box means "not chosen". */
export const ENTRY_FORM_MARKER = "entryForm";

export interface EntryFormValues {
  askedOn: string;
  askedUntil: string;
  methods: string[];
  actionStatus: string;
  progress: string;
  nextReviewOn: string;
  /** By language. */
  texts: Record<string, EntryTexts>;
  /** The themes ticked, in the page's order. */
  themes: string[];
  /** Public names typed for each theme (ticked or not), by theme then language. */
  labels: Record<string, Record<string, string>>;
  /** A step to add: saved with the rest when a date or a description is typed. */
  milestone: { dueOn: string; labels: Record<string, string> };
}

/** Names of the form's controls: one place, so the page and the reader cannot drift apart. */
export const fieldName = {
  text: (field: TextFieldName, language: string) => `${field}_${language}`,
  label: (themeId: string, language: string) => `label_${themeId}_${language}`,
  milestoneLabel: (language: string) => `milestoneLabel_${language}`,
};

/** Ids of the controls (what the error summary links to); the text fields keep their first ids. */
export const fieldId = {
  text: (field: TextFieldName, language: string) => `${field}-${language}`,
  label: (themeId: string, language: string) => `label-${themeId}-${language}`,
  milestoneLabel: (language: string) => `milestone-${language}`,
};

const value = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v : null;
};

/**
 * What the form posted, as typed. A control missing from the post keeps the value the entry has
 * (`stored`), so a form that posts only some fields changes only those.
 */
export function readEntryForm(form: FormData, stored: EntryFormValues, languages: readonly string[]): EntryFormValues {
  const texts: Record<string, EntryTexts> = {};
  for (const language of languages) {
    const before = stored.texts[language];
    texts[language] = Object.fromEntries(
      TEXT_FIELDS.map((f) => [f, value(form, fieldName.text(f, language)) ?? before?.[f] ?? ""]),
    ) as EntryTexts;
  }
  const labels: Record<string, Record<string, string>> = {};
  for (const [key, v] of form) {
    const m = /^label_([0-9a-f-]{36})_([a-z]{2,3})$/i.exec(key);
    if (!m || typeof v !== "string" || !isUuid(m[1]) || !languages.includes(m[2]!)) continue;
    (labels[m[1]!] ??= {})[m[2]!] = v;
  }
  return {
    askedOn: value(form, "askedOn") ?? stored.askedOn,
    askedUntil: value(form, "askedUntil") ?? stored.askedUntil,
    methods: form.getAll("methods").filter((v): v is string => typeof v === "string"),
    actionStatus: value(form, "actionStatus") ?? stored.actionStatus,
    progress: value(form, "progress") ?? stored.progress,
    nextReviewOn: value(form, "nextReviewOn") ?? stored.nextReviewOn,
    texts,
    themes: [...new Set(form.getAll("themeId").filter((v): v is string => typeof v === "string"))],
    labels,
    milestone: {
      dueOn: value(form, "dueOn") ?? "",
      labels: Object.fromEntries(languages.map((l) => [l, value(form, fieldName.milestoneLabel(l)) ?? ""])),
    },
  };
}

/** A refusal of one field: the id the summary links to, the message's key, and its values. */
export interface EntryFieldError {
  field: string;
  /** `reportback.editor.errors.<key>` */
  key: string;
  values?: Record<string, string | number>;
}

/**
 * The submit buttons' commands: `intent`, or `intent:argument` for a button that acts on one thing
 * (the quote to use, the step to remove, the language to mark as checked).
 */
export const ENTRY_COMMANDS = {
  save: "none",
  "quote-add": "id",
  "quote-remove": "id",
  "milestone-add": "none",
  "milestone-remove": "id",
  "text-reviewed": "language",
  submit: "none",
  approve: "none",
  return: "none",
  publish: "none",
  // a published entry's own forms (no entry form: it is not edited in place)
  update: "none",
  unpublish: "none",
} as const satisfies Record<string, "none" | "id" | "language">;

export type EntryIntent = keyof typeof ENTRY_COMMANDS;
export interface EntryCommand {
  intent: EntryIntent;
  argument: string;
}

/** The button value for a command (checked against the commands when the app is type-checked). */
export function commandValue(intent: EntryIntent, argument?: string): string {
  return argument === undefined ? intent : `${intent}:${argument}`;
}

/** The command a posted button names, or null for anything else (a made-up intent, an id that is not one). */
export function parseCommand(posted: FormDataEntryValue | null): EntryCommand | null {
  if (typeof posted !== "string") return null;
  const at = posted.indexOf(":");
  const intent = at < 0 ? posted : posted.slice(0, at);
  const argument = at < 0 ? "" : posted.slice(at + 1);
  if (!Object.hasOwn(ENTRY_COMMANDS, intent)) return null;
  const kind = ENTRY_COMMANDS[intent as EntryIntent];
  if (kind === "none" && at >= 0) return null;
  if (kind === "id" && !isUuid(argument)) return null;
  if (kind === "language" && !/^[a-z]{2,3}$/.test(argument)) return null;
  return { intent: intent as EntryIntent, argument };
}

/** What a stored entry puts in the form (the page's first values, and the reader's for missing controls). */
export function storedFormValues(
  entry: {
    askedOn: string | null;
    askedUntil: string | null;
    methods: readonly string[];
    actionStatus: string;
    progress: number;
    nextReviewOn: string | null;
  },
  texts: Record<string, Partial<EntryTexts> | undefined>,
  linkedThemes: readonly { themeId: string; labels: Record<string, string> }[],
): EntryFormValues {
  return {
    askedOn: entry.askedOn ?? "",
    askedUntil: entry.askedUntil ?? "",
    methods: [...entry.methods],
    actionStatus: entry.actionStatus,
    progress: String(entry.progress),
    nextReviewOn: entry.nextReviewOn ?? "",
    texts: Object.fromEntries(
      Object.entries(texts).map(([language, t]) => [language, Object.fromEntries(TEXT_FIELDS.map((f) => [f, t?.[f] ?? ""])) as EntryTexts]),
    ),
    themes: linkedThemes.map((l) => l.themeId),
    labels: Object.fromEntries(linkedThemes.map((l) => [l.themeId, { ...l.labels }])),
    milestone: { dueOn: "", labels: {} },
  };
}
