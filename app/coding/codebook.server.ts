/**
 * The codebook: themes in a hierarchy, each with a definition, when to use it and when not, and a
 * colour. Researchers create and accept; peer researchers propose (a proposal can be used for coding
 * by its proposer straight away, so an idea is not lost while it waits). Renames, merges and moves
 * are kept in theme_change, so the codebook's history can be told in a methods section.
 */
import { z } from "zod";
import type { DB } from "../../db/index";
import type { ThemeChangeKind, ThemeStatus } from "../../db/tables/coding";
import { requireStudy, type StudyScope } from "../consent/gate-coding.server";

export class CodebookError extends Error {
  constructor(
    readonly reason: "not_found" | "duplicate_name" | "cycle" | "not_proposed" | "merged" | "same_theme",
    message: string,
  ) {
    super(message);
    this.name = "CodebookError";
  }
}

const COLOUR = z.string().regex(/^#[0-9a-fA-F]{6}$/).transform((c) => c.toLowerCase());

export const themeInputSchema = z.object({
  name: z.string().trim().min(1).max(120),
  definition: z.string().trim().max(4000).default(""),
  useWhen: z.string().trim().max(4000).default(""),
  notUseWhen: z.string().trim().max(4000).default(""),
  colour: COLOUR.optional(),
  parentId: z.string().uuid().nullable().default(null),
});
export type ThemeInput = z.input<typeof themeInputSchema>;

export interface Theme {
  id: string;
  parentId: string | null;
  name: string;
  definition: string;
  useWhen: string;
  notUseWhen: string;
  colour: string;
  status: ThemeStatus;
  mergedInto: string | null;
  proposedBy: string | null;
  position: number;
}

/** A palette that stays distinguishable for common colour-vision deficiencies (Okabe–Ito, then tints). */
export const THEME_COLOURS = [
  "#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7", "#999999",
  "#f5c766", "#9fd4f2", "#66c5ab", "#f6ef8e", "#66aad1", "#e69e66", "#e0afca", "#c2c2c2",
];

/**
 * The seed study's relational values and the themes its focus groups raised
 * (../shared/seed-study/README.md), as a two-level starting codebook.
 */
export const SEED_CODEBOOK: ReadonlyArray<{ name: string; children: readonly string[] }> = [
  {
    name: "Relational values",
    children: [
      "Connection, compassion and care",
      "Safety, stability and autonomy",
      "Understanding overwhelm",
      "Value of peer support",
      "Equitable power-sharing",
      "Healing through storytelling",
      "Addressing systemic barriers",
      "Allowing time for recovery",
      "Reflective training",
      "Multi-layered trauma-informed practice",
      "Understanding trauma in context",
      "Addressing social determinants of mental health",
    ],
  },
  {
    name: "Focus group themes",
    children: [
      "Accessibility and basic needs",
      "Sensitivity to personal histories",
      "Safety and respect",
      "Challenges in access (language, transport, culture)",
      "Genuine care and consistent relationships",
      "Autonomy and decision-making",
      "Peer support and community",
      "Systemic barriers",
      "Trauma sensitivity and healing spaces",
      "Timeliness",
    ],
  },
];

function toTheme(r: {
  id: string;
  parent_id: string | null;
  name: string;
  definition: string;
  use_when: string;
  not_use_when: string;
  colour: string;
  status: ThemeStatus;
  merged_into: string | null;
  proposed_by: string | null;
  position: number;
}): Theme {
  return {
    id: r.id,
    parentId: r.parent_id,
    name: r.name,
    definition: r.definition,
    useWhen: r.use_when,
    notUseWhen: r.not_use_when,
    colour: r.colour,
    status: r.status,
    mergedInto: r.merged_into,
    proposedBy: r.proposed_by,
    position: r.position,
  };
}

async function logChange(db: DB, themeId: string, change: ThemeChangeKind, actor: string | null, detail: Record<string, unknown> = {}) {
  await db.insertInto("theme_change").values({ theme_id: themeId, change, changed_by: actor, detail: JSON.stringify(detail) }).execute();
}

async function nameTaken(db: DB, studyId: string, name: string, except?: string) {
  let q = db
    .selectFrom("theme")
    .select("id")
    .where("study_id", "=", studyId)
    .where("status", "<>", "merged")
    .where((eb) => eb(eb.fn("lower", ["name"]), "=", name.toLowerCase()));
  if (except) q = q.where("id", "<>", except);
  return (await q.executeTakeFirst()) !== undefined;
}

export async function requireTheme(db: DB, scope: StudyScope, themeId: string): Promise<Theme> {
  await requireStudy(db, scope);
  const row = await db.selectFrom("theme").selectAll().where("id", "=", themeId).where("study_id", "=", scope.studyId).executeTakeFirst();
  if (!row) throw new CodebookError("not_found", "No such theme in this study");
  return toTheme(row);
}

async function checkParent(db: DB, scope: StudyScope, parentId: string | null, themeId?: string) {
  if (!parentId) return;
  let at: string | null = parentId;
  for (let depth = 0; at && depth < 100; depth++) {
    if (at === themeId) throw new CodebookError("cycle", "A theme cannot sit under itself");
    const parent: Theme = await requireTheme(db, scope, at);
    if (parent.status === "merged") throw new CodebookError("merged", "That theme was merged into another");
    at = parent.parentId;
  }
}

async function addTheme(db: DB, scope: StudyScope, actor: string | null, input: ThemeInput, status: "accepted" | "proposed"): Promise<Theme> {
  await requireStudy(db, scope);
  const t = themeInputSchema.parse(input);
  if (await nameTaken(db, scope.studyId, t.name)) throw new CodebookError("duplicate_name", "A theme with that name exists");
  await checkParent(db, scope, t.parentId);
  const count = await db
    .selectFrom("theme")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("study_id", "=", scope.studyId)
    .executeTakeFirstOrThrow();
  const n = Number(count.n);
  const row = await db
    .insertInto("theme")
    .values({
      study_id: scope.studyId,
      parent_id: t.parentId,
      name: t.name,
      definition: t.definition,
      use_when: t.useWhen,
      not_use_when: t.notUseWhen,
      colour: t.colour ?? THEME_COLOURS[n % THEME_COLOURS.length]!,
      status,
      merged_into: null,
      proposed_by: actor,
      position: n,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await logChange(db, row.id, status === "accepted" ? "created" : "proposed", actor, { name: t.name });
  return toTheme(row);
}

/** A researcher adds a theme to the codebook. */
export const createTheme = (db: DB, scope: StudyScope, actor: string | null, input: ThemeInput) => addTheme(db, scope, actor, input, "accepted");
/** A peer researcher proposes a theme; a researcher accepts, merges or renames it. */
export const proposeTheme = (db: DB, scope: StudyScope, actor: string | null, input: ThemeInput) => addTheme(db, scope, actor, input, "proposed");

export async function acceptTheme(db: DB, scope: StudyScope, actor: string | null, themeId: string): Promise<void> {
  const theme = await requireTheme(db, scope, themeId);
  if (theme.status !== "proposed") throw new CodebookError("not_proposed", "Only a proposed theme can be accepted");
  await db.updateTable("theme").set({ status: "accepted" }).where("id", "=", themeId).execute();
  await logChange(db, themeId, "accepted", actor);
}

export async function renameTheme(db: DB, scope: StudyScope, actor: string | null, themeId: string, name: string): Promise<void> {
  const theme = await requireTheme(db, scope, themeId);
  if (theme.status === "merged") throw new CodebookError("merged", "That theme was merged into another");
  const next = themeInputSchema.shape.name.parse(name);
  if (next === theme.name) return;
  if (await nameTaken(db, scope.studyId, next, themeId)) throw new CodebookError("duplicate_name", "A theme with that name exists");
  await db.updateTable("theme").set({ name: next }).where("id", "=", themeId).execute();
  await logChange(db, themeId, "renamed", actor, { from: theme.name, to: next });
}

export async function editTheme(
  db: DB,
  scope: StudyScope,
  actor: string | null,
  themeId: string,
  changes: { definition?: string; useWhen?: string; notUseWhen?: string; colour?: string; parentId?: string | null },
): Promise<void> {
  const theme = await requireTheme(db, scope, themeId);
  if (theme.status === "merged") throw new CodebookError("merged", "That theme was merged into another");
  const c = themeInputSchema.omit({ name: true }).partial().parse(changes);
  if (c.parentId !== undefined && c.parentId !== theme.parentId) {
    await checkParent(db, scope, c.parentId, themeId);
    await db.updateTable("theme").set({ parent_id: c.parentId }).where("id", "=", themeId).execute();
    await logChange(db, themeId, "moved", actor, { from: theme.parentId, to: c.parentId });
  }
  const set: { definition?: string; use_when?: string; not_use_when?: string; colour?: string } = {};
  if (c.definition !== undefined) set.definition = c.definition;
  if (c.useWhen !== undefined) set.use_when = c.useWhen;
  if (c.notUseWhen !== undefined) set.not_use_when = c.notUseWhen;
  if (c.colour !== undefined) set.colour = c.colour;
  if (Object.keys(set).length > 0) {
    await db.updateTable("theme").set(set).where("id", "=", themeId).execute();
    await logChange(db, themeId, "edited", actor, { fields: Object.keys(set) });
  }
}

/**
 * Merges `fromId` into `intoId`: every coding, resolution and memo of the merged theme moves to the
 * surviving one, its children move under it, and the merged theme stays (status "merged") so the
 * history can still name it. A coder who had applied both to the same span keeps one coding.
 */
export async function mergeThemes(db: DB, scope: StudyScope, actor: string | null, fromId: string, intoId: string): Promise<void> {
  if (fromId === intoId) throw new CodebookError("same_theme", "A theme cannot be merged into itself");
  const from = await requireTheme(db, scope, fromId);
  const into = await requireTheme(db, scope, intoId);
  if (from.status === "merged" || into.status === "merged") throw new CodebookError("merged", "That theme was merged into another");
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("coding").set({ theme_id: intoId }).where("theme_id", "=", fromId).execute();
    // duplicates: same coder, unit, span and theme after the move
    await trx
      .deleteFrom("coding as c")
      .where("c.theme_id", "=", intoId)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom("coding as d")
            .select("d.id")
            .whereRef("d.theme_id", "=", "c.theme_id")
            .whereRef("d.coder_id", "=", "c.coder_id")
            .whereRef("d.start_cp", "=", "c.start_cp")
            .whereRef("d.end_cp", "=", "c.end_cp")
            .where((eb) =>
              eb.or([
                eb.and([eb("d.segment_id", "is not", null), eb("d.segment_id", "=", eb.ref("c.segment_id"))]),
                eb.and([
                  eb("d.response_id", "is not", null),
                  eb("d.response_id", "=", eb.ref("c.response_id")),
                  eb("d.item_id", "=", eb.ref("c.item_id")),
                ]),
              ]),
            )
            .whereRef("d.id", "<", "c.id"),
        ),
      )
      .execute();
    // A resolution already made for the surviving theme wins over the merged one's.
    const resolved = await trx.selectFrom("resolved_coding").select(["segment_id", "response_id", "item_id"]).where("theme_id", "=", intoId).execute();
    const taken = new Set(resolved.map((r) => `${r.segment_id}|${r.response_id}|${r.item_id}`));
    const moving = await trx.selectFrom("resolved_coding").select(["id", "segment_id", "response_id", "item_id"]).where("theme_id", "=", fromId).execute();
    for (const r of moving) {
      if (taken.has(`${r.segment_id}|${r.response_id}|${r.item_id}`)) await trx.deleteFrom("resolved_coding").where("id", "=", r.id).execute();
      else await trx.updateTable("resolved_coding").set({ theme_id: intoId }).where("id", "=", r.id).execute();
    }
    await trx.updateTable("memo").set({ theme_id: intoId }).where("theme_id", "=", fromId).execute();
    await trx.updateTable("theme").set({ parent_id: intoId }).where("parent_id", "=", fromId).where("id", "<>", intoId).execute();
    if (into.parentId === fromId) await trx.updateTable("theme").set({ parent_id: from.parentId }).where("id", "=", intoId).execute();
    await trx.updateTable("theme").set({ status: "merged", merged_into: intoId }).where("id", "=", fromId).execute();
    await logChange(trx, fromId, "merged", actor, { into: intoId, intoName: into.name });
    await logChange(trx, intoId, "merged_from", actor, { from: fromId, fromName: from.name });
  });
}

/** The codebook: every theme not merged away (proposals included), in tree order. */
export async function listThemes(db: DB, scope: StudyScope, options: { includeMerged?: boolean } = {}): Promise<(Theme & { depth: number })[]> {
  await requireStudy(db, scope);
  let q = db.selectFrom("theme").selectAll().where("study_id", "=", scope.studyId);
  if (!options.includeMerged) q = q.where("status", "<>", "merged");
  const rows = (await q.orderBy("position").orderBy("name").execute()).map(toTheme);
  return treeOrder(rows);
}

/** Depth-first order with each theme's depth, parents before children. */
export function treeOrder<T extends { id: string; parentId: string | null }>(themes: readonly T[]): (T & { depth: number })[] {
  const ids = new Set(themes.map((t) => t.id));
  const children = new Map<string | null, T[]>();
  for (const t of themes) {
    const parent = t.parentId && ids.has(t.parentId) ? t.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), t]);
  }
  const out: (T & { depth: number })[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const t of children.get(parent) ?? []) {
      out.push({ ...t, depth });
      walk(t.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

export async function themeHistory(db: DB, scope: StudyScope, themeId: string) {
  await requireTheme(db, scope, themeId);
  return db
    .selectFrom("theme_change")
    .select(["change", "detail", "changed_by", "changed_at"])
    .where("theme_id", "=", themeId)
    .orderBy("id")
    .execute();
}

/** Starts a study's codebook from the seed study's values. Does nothing if the study has themes. */
export async function seedCodebook(db: DB, scope: StudyScope, actor: string | null): Promise<number> {
  await requireStudy(db, scope);
  const existing = await db.selectFrom("theme").select("id").where("study_id", "=", scope.studyId).executeTakeFirst();
  if (existing) return 0;
  let added = 0;
  for (const group of SEED_CODEBOOK) {
    const parent = await createTheme(db, scope, actor, { name: group.name });
    added++;
    for (const name of group.children) {
      await createTheme(db, scope, actor, { name, parentId: parent.id });
      added++;
    }
  }
  return added;
}
