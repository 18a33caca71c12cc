import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { ApplyThemeForm } from "~/coding/components/ApplyThemeForm";
import { speakerText, UnitTranslations } from "~/coding/components/UnitTranslations";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { listThemes } from "~/coding/codebook.server";
import { codingsForUnits, isBlind, isFinished, memosOnCodings } from "~/coding/codings.server";
import { codingAction } from "~/coding/coding-actions.server";
import { CodedText } from "~/coding/components/CodedText";
import { CodingItem } from "~/coding/components/CodingItem";
import codingStyles from "~/coding/components/coding.css";
import { namesOf } from "~/organisations/names.server";
import { requireStudyMember } from "~/workspace/request.server";
import { studyPageLink } from "~/workspace/navigation";
import { readFreeTextAnswers, readSegments, readTranslations } from "~/consent/units.server";
import { useT } from "~/i18n/react";
import { listGatherings } from "~/fieldwork/gatherings.server";
import { readFormBody } from "~/security/form-body.server";
import { ErrorSummary } from "~/workspace/components/ErrorSummary";
import { clientMessages } from "~/i18n/catalogues.server";

export const headers = workspaceHeaders;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: codingStyles }];
// The one workspace page that sends JavaScript: selecting a span fills the offsets. Without it the
// page still works (whole unit by default, offsets typed). docs/decisions/035-coding-screen.md
export const handle = { hydrate: true };

const PAGE_SIZE = 50;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member, db, scope, base, userId, study } = await requireStudyMember(request, context, params, "data:read");
  const url = new URL(request.url);
  const sessions = await listGatherings(db, scope);
  const asked = url.searchParams.get("session");
  // A session this study does not have (another organisation's, or not an id) is a page that does not exist.
  if (asked !== null && !sessions.some((s) => s.id === asked)) throw new Response("Not found", { status: 404 });
  const sessionId = asked ?? (url.searchParams.get("source") === "answers" ? null : (sessions.find((s) => s.segments > 0)?.id ?? null));
  const page = Math.max(1, Number(url.searchParams.get("page") ?? 1) || 1);
  const filter = { limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE };
  // Through the consent gate: erased participants' words are never on this page.
  const units =
    sessionId && sessions.some((s) => s.id === sessionId)
      ? await readSegments(db, scope, "analysis", { ...filter, sessionId })
      : await readFreeTextAnswers(db, scope, "analysis", filter);
  const hasNext = units.length > PAGE_SIZE;
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
  const coderIds = [...new Set(codings.map((c) => c.coderId))];
  const coders = await namesOf(db, coderIds);
  const themes = (await listThemes(db, scope)).filter((t) => t.status === "accepted" || t.proposedBy === userId);
  const translations = await readTranslations(db, shown);
  // Memos only on the codings this coder may see (blind coding hides the others' codings and so their memos).
  const memos = await memosOnCodings(
    db,
    scope,
    codings.map((c) => c.id),
  );
  return {
    clientMessages: clientMessages(request, ["coding"]),
    base,
    sessions: sessions.filter((s) => s.segments > 0).map((s) => ({ id: s.id, label: s.label })),
    sessionId,
    page,
    hasNext,
    canCode: member.can("coding:write"),
    addSession: studyPageLink(base, "/fieldwork", member.can),
    blind: await isBlind(db, scope.studyId),
    finished: await isFinished(db, scope.studyId, userId),
    userId,
    themes: themes.map((t) => ({ id: t.id, name: t.name, colour: t.colour, depth: t.depth, proposed: t.status === "proposed" })),
    coders: Object.fromEntries(coders),
    units: shown.map((u) => ({
      key: u.key,
      text: u.text,
      language: u.language,
      speaker:
        u.speakerRole === "participant"
          ? u.sessionId
            ? { role: "participant", n: positions.get(u.participantId ?? "") ?? 0 }
            : { role: "answer", item: u.itemId ?? "" }
          : { role: u.speakerRole, n: 0 },
      codings: codings
        .filter((c) => c.unit === u.key)
        .map((c) => ({
          ...c,
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

/** Each form posts an `intent`: its action in app/coding/coding-actions.server.ts. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const member = await requireStudyMember(request, context, params, "coding:write");
  return codingAction(member, await readFormBody(request));
}

/** The unit a refusal is about, as the id of its section (`u<index>`): the summary links there. */
function unitField(units: readonly { key: string }[], unit: string | undefined) {
  const index = unit ? units.findIndex((u) => u.key === unit) : -1;
  return index >= 0 ? `u${index}` : undefined;
}

export default function CodingPage() {
  const t = useT();
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const themeMap = Object.fromEntries(d.themes.map((th) => [th.id, th]));
  const query = (page: number) => `?${d.sessionId ? `session=${d.sessionId}` : "source=answers"}&page=${page}`;
  return (
    <main id="main" className="ws-main">
      <h1>{t("coding.code.title")}</h1>
      {result && "error" in result ? (
        <ErrorSummary errors={[{ field: unitField(d.units, result.unit), message: t(result.error!) }]} />
      ) : null}
      {result && !("error" in result) ? (
        <div className="ws-panel" role="status">
          <p>{t(result.ok!)}</p>
        </div>
      ) : null}
      <Form method="get" className="ws-filter">
        <label htmlFor="session">{t("coding.code.source")}</label>
        <select id="session" name="session" defaultValue={d.sessionId ?? ""}>
          {d.sessions.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label}
            </option>
          ))}
        </select>
        <button type="submit" className="ws-small">
          {t("coding.code.show")}
        </button>
        <Link to="?source=answers">{t("coding.code.answers")}</Link>
      </Form>
      {d.blind ? <p className="ws-panel">{t(d.finished ? "coding.code.blindFinished" : "coding.code.blind")}</p> : null}
      {d.canCode ? (
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value={d.finished ? "reopen" : "finish"} />
          <button type="submit" className="ws-small">
            {t(d.finished ? "coding.code.reopen" : "coding.code.finish")}
          </button>
        </Form>
      ) : null}
      {d.units.length === 0 ? (
        <div className="ws-panel" data-testid="empty-state">
          <p>{t("coding.code.noneNext")}</p>
          {d.addSession ? (
            <p>
              <Link to={d.addSession}>{t("coding.code.noneLink")}</Link>
            </p>
          ) : null}
        </div>
      ) : null}
      {d.units.map((unit, index) => {
        const id = `u${index}`;
        return (
          <section key={unit.key} id={id} className="coding-unit" aria-labelledby={`${id}-h`}>
            <h2 id={`${id}-h`}>{speakerText(t, unit.speaker)}</h2>
            <CodedText
              text={unit.text}
              spans={unit.codings.map((c) => ({ start: c.start, end: c.end, themeId: c.themeId }))}
              themes={themeMap}
              lang={unit.language}
            />
            {unit.codings.length > 0 ? (
              <ul className="coding-list">
                {unit.codings.map((c) => (
                  <CodingItem
                    key={c.id}
                    coding={c}
                    unitKey={unit.key}
                    theme={themeMap[c.themeId]}
                    coder={d.coders[c.coderId] ?? ""}
                    canRemove={c.coderId === d.userId && d.canCode}
                    canCode={d.canCode}
                  />
                ))}
              </ul>
            ) : null}
            {d.canCode && d.themes.length > 0 ? <ApplyThemeForm id={id} unit={unit} themes={d.themes} /> : null}
            <UnitTranslations
              id={id}
              unitKey={unit.key}
              unitLanguage={unit.language}
              translations={unit.translations}
              languages={d.languages}
              canTranslate={d.canCode}
            />
          </section>
        );
      })}
      <nav className="coding-pager" aria-label={t("coding.code.pages")}>
        {d.page > 1 ? <Link to={query(d.page - 1)}>{t("coding.code.previous")}</Link> : null}
        <span>{t("coding.code.page", { n: d.page })}</span>
        {d.hasNext ? <Link to={query(d.page + 1)}>{t("coding.code.next")}</Link> : null}
      </nav>
    </main>
  );
}
