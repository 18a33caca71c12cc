/**
 * What the coding page shows (app/routes/research.$org.studies.$study.coding.tsx): one page of a
 * transcript's turns, or of the written answers, through the consent gate, with the codings this
 * coder may see, their memos and translations, the codebook and the quick themes behind the number
 * keys. Kept small: Remix repeats this data inside the page for the script, so every field here
 * is paid for twice (docs/decisions/075-coding-page.md).
 */
import { z } from "zod";
import { listThemes } from "./codebook.server";
import { codingsForUnits, isBlind, isFinished, memosOnCodings } from "./codings.server";
import { quickThemeIds, QUICK_THEMES } from "./quick-themes";
import { recentThemeIds } from "../consent/codings.server";
import { readFreeTextAnswers, readSegments, readTranslations } from "../consent/units.server";
import { listGatherings } from "../fieldwork/gatherings.server";
import { namesOf } from "../organisations/names.server";
import { studyPageLink } from "../workspace/navigation";
import type { StudyMember } from "../workspace/request.server";

export const PAGE_SIZE = 50;

const pageQuery = z.object({
  session: z.string().optional(),
  source: z.string().optional(),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  // The one turn whose full form is open (its place on the page): the way to code without JavaScript.
  open: z.coerce
    .number()
    .int()
    .min(0)
    .max(PAGE_SIZE - 1)
    .optional()
    .catch(undefined),
});

export type Speaker = { role: "participant"; n: number } | { role: "answer"; item: string } | { role: "facilitator" | "interpreter" };

export async function codingPage({ member, db, scope, base, userId, study }: StudyMember, url: URL) {
  const query = pageQuery.parse(Object.fromEntries(url.searchParams));
  const sessions = await listGatherings(db, scope);
  // A session this study does not have (another organisation's, or not an id) is a page that does not exist.
  if (query.session !== undefined && !sessions.some((s) => s.id === query.session)) throw new Response("Not found", { status: 404 });
  const sessionId = query.session ?? (query.source === "answers" ? null : (sessions.find((s) => s.segments > 0)?.id ?? null));
  const filter = { limit: PAGE_SIZE + 1, offset: (query.page - 1) * PAGE_SIZE };
  // Through the consent gate: erased participants' words are never on this page.
  const units = sessionId
    ? await readSegments(db, scope, "analysis", { ...filter, sessionId })
    : await readFreeTextAnswers(db, scope, "analysis", filter);
  const shown = units.slice(0, PAGE_SIZE);
  const positions = sessionId
    ? new Map(
        (await db.selectFrom("session_attendee").select(["participant_id", "position"]).where("session_id", "=", sessionId).execute()).map(
          (r) => [r.participant_id, r.position],
        ),
      )
    : new Map<string, number>();
  const codings = await codingsForUnits(
    db,
    scope,
    userId,
    shown.map((u) => u.key),
  );
  const coders = await namesOf(db, [...new Set(codings.map((c) => c.coderId))]);
  const themes = (await listThemes(db, scope)).filter((t) => t.status === "accepted" || t.proposedBy === userId);
  const translations = await readTranslations(db, shown);
  // Memos only on the codings this coder may see (blind coding hides the others' codings and so their memos).
  const memos = await memosOnCodings(
    db,
    scope,
    codings.map((c) => c.id),
  );
  const canCode = member.can("coding:write");
  return {
    base,
    sessions: sessions.filter((s) => s.segments > 0).map((s) => ({ id: s.id, label: s.label })),
    sessionId,
    page: query.page,
    hasNext: units.length > PAGE_SIZE,
    open: query.open !== undefined && query.open < shown.length ? query.open : null,
    canCode,
    addSession: studyPageLink(base, "/fieldwork", member.can),
    blind: await isBlind(db, scope.studyId),
    finished: await isFinished(db, scope.studyId, userId),
    userId,
    themes: themes.map((t) => ({
      id: t.id,
      name: t.name,
      colour: t.colour,
      depth: t.depth,
      parentId: t.parentId,
      proposed: t.status === "proposed",
    })),
    quick: canCode ? quickThemeIds(themes, await recentThemeIds(db, scope, userId, QUICK_THEMES)) : [],
    coders: Object.fromEntries(coders),
    units: shown.map((u) => ({
      key: u.key,
      text: u.text,
      language: u.language,
      speaker: (u.speakerRole === "participant"
        ? u.sessionId
          ? { role: "participant", n: positions.get(u.participantId ?? "") ?? 0 }
          : { role: "answer", item: u.itemId ?? "" }
        : { role: u.speakerRole }) as Speaker,
      codings: codings
        .filter((c) => c.unit === u.key)
        .map((c) => ({
          id: c.id,
          themeId: c.themeId,
          coderId: c.coderId,
          start: c.start,
          end: c.end,
          memos: memos
            .filter((m) => m.coding_id === c.id)
            .map((m) => ({
              id: m.id,
              text: m.text,
              author: m.author ?? "",
              mine: m.author_id === userId,
              at: m.updated_at.toISOString().slice(0, 10),
            })),
        })),
      translations: translations.get(u.key) ?? [],
    })),
    languages: study.languages,
  };
}

export type CodingPageData = Awaited<ReturnType<typeof codingPage>>;
