/**
 * The codebook: themes in a hierarchy, each with a definition, when to use it and when not, and a
 * colour. Researchers create and accept; peer researchers propose (a proposal can be used for coding
 * by its proposer straight away, so an idea is not lost while it waits). Renames, merges and moves
 * are kept in theme_change, so the codebook's history can be told in a methods section.
 */
import { z } from "zod";
import type { DB } from "../../db/index";
import type { ThemeChangeKind, ThemeStatus } from "../../db/tables/coding";
import { requireStudy, type StudyScope } from "../consent/scope.server";
import { repeatedCodingIds } from "../consent/codings.server";
import { isUuid } from "../security/ids";
import { userText } from "../security/user-text";

export class CodebookError extends Error {
  constructor(
    readonly reason: "not_found" | "duplicate_name" | "cycle" | "not_proposed" | "merged" | "same_theme",
    message: string,
  ) {
    super(message);
    this.name = "CodebookError";
  }
}

const COLOUR = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/)
  .transform((c) => c.toLowerCase());

export const themeInputSchema = z.object({
  name: userText().trim().min(1).max(120),
  definition: userText().trim().max(4000).default(""),
  useWhen: userText().trim().max(4000).default(""),
  notUseWhen: userText().trim().max(4000).default(""),
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
  "#e69f00",
  "#56b4e9",
  "#009e73",
  "#f0e442",
  "#0072b2",
  "#d55e00",
  "#cc79a7",
  "#999999",
  "#f5c766",
  "#9fd4f2",
  "#66c5ab",
  "#f6ef8e",
  "#66aad1",
  "#e69e66",
  "#e0afca",
  "#c2c2c2",
];

export interface SeedTheme {
  name: string;
  definition: string;
  useWhen: string;
  notUseWhen: string;
}

/**
 * The seed study's relational values and the themes its focus groups raised
 * (../shared/seed-study/README.md), as a two-level starting codebook. Each theme carries a short,
 * plain-English definition and when to use it or not, so that coders (many of them peer
 * researchers) start from the same understanding; the study team changes them as the codebook grows.
 */
export const SEED_CODEBOOK: ReadonlyArray<SeedTheme & { children: readonly SeedTheme[] }> = [
  {
    name: "Relational values",
    definition: "The study's twelve relational values: what makes a service feel safe and caring to sanctuary seekers.",
    useWhen: "Group heading: code with one of the values under it.",
    notUseWhen: "Do not code with this heading itself.",
    children: [
      {
        name: "Connection, compassion and care",
        definition: "Feeling cared for and connected to the people in a service: warmth, kindness, being treated as a person.",
        useWhen: "Someone describes staff or volunteers showing they care, or feeling connected to them.",
        notUseWhen: "The point is about help from other sanctuary seekers: use Value of peer support.",
      },
      {
        name: "Safety, stability and autonomy",
        definition: "Feeling physically and emotionally safe, having a stable life, and being in control of one's own choices.",
        useWhen: "Someone talks about feeling safe or unsafe, a settled or unsettled life, or making their own decisions.",
        notUseWhen: "The point is only about being respected by staff: use Safety and respect.",
      },
      {
        name: "Understanding overwhelm",
        definition: "Services noticing when a person is overwhelmed by stress, paperwork or too much at once, and responding gently.",
        useWhen: "Someone describes being overwhelmed, or a service slowing down or simplifying because of it.",
        notUseWhen: "The point is about needing time to heal over months or years: use Allowing time for recovery.",
      },
      {
        name: "Value of peer support",
        definition: "Support from people with similar experiences: other sanctuary seekers, peer mentors, peer researchers.",
        useWhen: "Someone values, wants or describes help from people who have been through the same things.",
        notUseWhen: "The help comes from staff or professionals: use Connection, compassion and care.",
      },
      {
        name: "Equitable power-sharing",
        definition: "Sanctuary seekers sharing power with services: being asked, listened to and involved in decisions and design.",
        useWhen: "Someone talks about decisions made with them or for them, co-production, or having a say in how a service runs.",
        notUseWhen: "The point is a personal choice in their own life: use Autonomy and decision-making.",
      },
      {
        name: "Healing through storytelling",
        definition: "Telling one's own story, in one's own way and time, as part of healing.",
        useWhen: "Someone describes sharing their story as helpful, or wanting to choose when and how to tell it.",
        notUseWhen: "The point is having to repeat one's story again and again to services: use Sensitivity to personal histories.",
      },
      {
        name: "Addressing systemic barriers",
        definition:
          "Services acting on the barriers built into systems (asylum process, housing, rules, eligibility) rather than leaving people to face them alone.",
        useWhen: "Someone describes a service challenging or helping them through a barrier in the system.",
        notUseWhen: "The barrier is described with no response to it: use Systemic barriers.",
      },
      {
        name: "Allowing time for recovery",
        definition: "Giving people time to recover from trauma and change, without rushing them.",
        useWhen: "Someone talks about needing time, being rushed, or a service being patient over time.",
        notUseWhen: "The point is about waiting too long for a service: use Timeliness.",
      },
      {
        name: "Reflective training",
        definition: "Staff learning, reflecting and improving, including training co-produced or led by sanctuary seekers.",
        useWhen: "Someone talks about staff training, staff understanding, or staff learning from sanctuary seekers.",
        notUseWhen: "The point is one member of staff's kindness on its own: use Connection, compassion and care.",
      },
      {
        name: "Multi-layered trauma-informed practice",
        definition: "Trauma-informed practice at every level of a service: front-line staff, managers, buildings, policies and partners.",
        useWhen: "Someone describes how a whole service, or several services together, respond to trauma.",
        notUseWhen: "The point is about one space or one conversation: use Trauma sensitivity and healing spaces.",
      },
      {
        name: "Understanding trauma in context",
        definition: "Seeing a person's trauma in the context of their culture, journey, and present situation, not only their past.",
        useWhen:
          "Someone says their distress is shaped by culture, migration, or their current situation, or wants it understood that way.",
        notUseWhen: "The point is about staff avoiding painful subjects: use Sensitivity to personal histories.",
      },
      {
        name: "Addressing social determinants of mental health",
        definition: "Mental health shaped by everyday conditions: housing, money, work, food, isolation, legal status.",
        useWhen: "Someone links how they feel to their living conditions, money, work, status or loneliness.",
        notUseWhen: "The point is only about getting basic needs met: use Accessibility and basic needs.",
      },
    ],
  },
  {
    name: "Focus group themes",
    definition: "Themes the study's focus groups raised in their own words.",
    useWhen: "Group heading: code with one of the themes under it.",
    notUseWhen: "Do not code with this heading itself.",
    children: [
      {
        name: "Accessibility and basic needs",
        definition: "Being able to get food, shelter, money, health care and other basic needs, and services being easy to reach.",
        useWhen: "Someone talks about meeting basic needs or how easy or hard a service is to use.",
        notUseWhen: "The difficulty is language, transport or culture: use Challenges in access.",
      },
      {
        name: "Sensitivity to personal histories",
        definition: "Services being careful with what people have been through: not forcing them to relive it or repeat it.",
        useWhen: "Someone describes being asked about their past, having to repeat their story, or staff handling it with care.",
        notUseWhen: "Telling one's story is described as healing: use Healing through storytelling.",
      },
      {
        name: "Safety and respect",
        definition: "Being treated with respect and dignity, and feeling safe with staff and in services.",
        useWhen: "Someone talks about being respected or disrespected, believed or not believed, or feeling safe with staff.",
        notUseWhen: "The point is about a stable life or personal control: use Safety, stability and autonomy.",
      },
      {
        name: "Challenges in access (language, transport, culture)",
        definition:
          "Practical barriers to using services: language and interpreting, travel and cost of transport, and cultural differences.",
        useWhen: "Someone describes a language, transport or cultural barrier, or what helped overcome one.",
        notUseWhen: "The barrier comes from rules or the asylum system: use Systemic barriers.",
      },
      {
        name: "Genuine care and consistent relationships",
        definition: "Care that feels real, from the same people over time, instead of changing staff and starting again.",
        useWhen: "Someone talks about trusting a particular worker, staff changing, or having to start from the beginning.",
        notUseWhen: "The point is kindness in a single encounter: use Connection, compassion and care.",
      },
      {
        name: "Autonomy and decision-making",
        definition: 'Making one\'s own decisions, with choices explained: "with me, not for me".',
        useWhen: "Someone describes decisions made for them, being given choices, or wanting more say in their own life.",
        notUseWhen: "The point is having a say in how services are designed: use Equitable power-sharing.",
      },
      {
        name: "Peer support and community",
        definition: "Belonging to a community, meeting others, and supporting each other.",
        useWhen: "Someone talks about community, friendship, groups, or loneliness and isolation.",
        notUseWhen: "The point is about the value of lived experience in support roles: use Value of peer support.",
      },
      {
        name: "Systemic barriers",
        definition: "Barriers built into systems: the asylum process, housing rules, the right to work, eligibility for services.",
        useWhen: "Someone describes a rule, process or system that blocked or harmed them.",
        notUseWhen: "A service is described acting on the barrier: use Addressing systemic barriers.",
      },
      {
        name: "Trauma sensitivity and healing spaces",
        definition: "Spaces and conversations that feel calm and safe for people who have been through trauma.",
        useWhen: "Someone describes a place, room or way of talking that felt safe and calming, or the opposite.",
        notUseWhen: "The point is about a whole service's policies and practice: use Multi-layered trauma-informed practice.",
      },
      {
        name: "Timeliness",
        definition: "How long people wait: for appointments, decisions, replies and help.",
        useWhen: "Someone talks about waiting, delays, or help arriving in time or too late.",
        notUseWhen: "The point is about needing time to heal: use Allowing time for recovery.",
      },
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
  await db
    .insertInto("theme_change")
    .values({ theme_id: themeId, change, changed_by: actor, detail: JSON.stringify(detail) })
    .execute();
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
  if (!isUuid(themeId)) throw new CodebookError("not_found", "No such theme in this study");
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

async function addTheme(
  db: DB,
  scope: StudyScope,
  actor: string | null,
  input: ThemeInput,
  status: "accepted" | "proposed",
): Promise<Theme> {
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
export const createTheme = (db: DB, scope: StudyScope, actor: string | null, input: ThemeInput) =>
  addTheme(db, scope, actor, input, "accepted");
/** A peer researcher proposes a theme; a researcher accepts, merges or renames it. */
export const proposeTheme = (db: DB, scope: StudyScope, actor: string | null, input: ThemeInput) =>
  addTheme(db, scope, actor, input, "proposed");

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
    const repeated = await repeatedCodingIds(trx, intoId);
    for (let i = 0; i < repeated.length; i += 5000)
      await trx
        .deleteFrom("coding")
        .where("id", "in", repeated.slice(i, i + 5000))
        .execute();
    // A resolution already made for the surviving theme wins over the merged one's.
    const resolved = await trx
      .selectFrom("resolved_coding")
      .select(["segment_id", "response_id", "item_id"])
      .where("theme_id", "=", intoId)
      .execute();
    const taken = new Set(resolved.map((r) => `${r.segment_id}|${r.response_id}|${r.item_id}`));
    const moving = await trx
      .selectFrom("resolved_coding")
      .select(["id", "segment_id", "response_id", "item_id"])
      .where("theme_id", "=", fromId)
      .execute();
    for (const r of moving) {
      if (taken.has(`${r.segment_id}|${r.response_id}|${r.item_id}`))
        await trx.deleteFrom("resolved_coding").where("id", "=", r.id).execute();
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
export async function listThemes(
  db: DB,
  scope: StudyScope,
  options: { includeMerged?: boolean } = {},
): Promise<(Theme & { depth: number })[]> {
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
  for (const { children, ...group } of SEED_CODEBOOK) {
    const parent = await createTheme(db, scope, actor, group);
    added++;
    for (const child of children) {
      await createTheme(db, scope, actor, { ...child, parentId: parent.id });
      added++;
    }
  }
  return added;
}
