import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { GatheringFacts } from "~/fieldwork/components/GatheringFacts";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { segmentCounts } from "~/consent/units.server";
import { workspaceHeaders } from "~/auth/headers";
import { requireStudyMember } from "~/workspace/request.server";
import { useT } from "~/i18n/react";
import { languageCodes } from "~/i18n/languages";
import {
  addAttendeeByCode,
  facilitatorChoices,
  getGathering,
  importTranscript,
  isOwnGathering,
  listTurns,
  previewTranscript,
  GatheringError,
  setRecorded,
  updateTurns,
  type SpeakerMapping,
  type TurnChange,
} from "~/fieldwork/gatherings.server";
import { field, readFormBody } from "~/security/form-body.server";
import { isUuid } from "~/security/ids";
import { ErrorSummary } from "~/workspace/components/ErrorSummary";
import { SpeakerMappingForm, TurnsForm } from "~/coding/components/SessionTurns";

export const headers = workspaceHeaders;

const MAX_TRANSCRIPT_BYTES = 5_000_000;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member, db, scope, base, userId, study } = await requireStudyMember(request, context, params, "organisation:read");
  if (!member.can("data:read") && !member.can("fieldwork:record")) throw new Response("Forbidden", { status: 403 });
  if (!isUuid(params.gathering)) throw new Response("Not found", { status: 404 });
  try {
    const session = await getGathering(db, scope, params.gathering);
    // A facilitator sees only the sessions they created or facilitate; another's is as if absent.
    if (!member.can("data:read") && !isOwnGathering(session, userId)) throw new Response("Not found", { status: 404 });
    const segments = (await segmentCounts(db, scope, [session.id])).get(session.id) ?? 0;
    // The turns' words are participants' content: read through the consent gate, for those who may read data.
    const turns = member.can("data:read") ? await listTurns(db, scope, session.id) : [];
    return {
      base,
      session: {
        id: session.id,
        label: session.label,
        kind: session.kind,
        heldOn: session.held_on,
        languages: session.languages,
        interpreter: session.interpreter,
        recorded: session.recorded,
        notes: session.notes,
        facilitator: session.facilitator_user_id
          ? ((await facilitatorChoices(db, scope)).find((s) => s.userId === session.facilitator_user_id)?.name ?? "")
          : "",
      },
      attendees: session.attendees.map((a) => a.position),
      segments,
      turns,
      languages: [...new Set([...languageCodes, ...study.languages, ...session.languages, ...turns.map((x) => x.language)])],
      canRecord: member.can("fieldwork:record"),
      canImport: member.can("coding:write") && member.can("data:read"),
    };
  } catch (error) {
    if (error instanceof GatheringError) throw new Response("Not found", { status: 404 });
    throw error;
  }
}

type ActionResult =
  | { error: string; field?: string }
  | { ok: string }
  | { preview: { labels: string[]; unlabelled: boolean; turns: number; renderings: number; source: string; language: string } };

export async function action({ request, context, params }: ActionFunctionArgs): Promise<ActionResult> {
  // Membership (and the CSRF check, which reads a clone of the body) before the form is read.
  const { member, db, scope, userId } = await requireStudyMember(request, context, params, "organisation:read");
  const form = await readFormBody(request);
  const intent = field(form, "intent");
  const sessionId = params.gathering ?? "";
  if (!isUuid(sessionId)) throw new Response("Not found", { status: 404 });
  if (!member.can(intent === "attendee" || intent === "recorded" ? "fieldwork:record" : "coding:write")) {
    throw new Response("Forbidden", { status: 403 });
  }
  if (!member.can("data:read")) {
    const session = await getGathering(db, scope, sessionId).catch(() => null);
    if (!session || !isOwnGathering(session, userId)) throw new Response("Not found", { status: 404 });
  }
  try {
    if (intent === "attendee") {
      const place = await addAttendeeByCode(db, scope, sessionId, field(form, "code"), member.context.secrets.codeHashKey);
      return { ok: `${place.alreadyAttending ? "coding.session.attendeeAlready" : "coding.session.attendeeAdded"}:${place.position}` };
    }
    if (intent === "recorded") {
      await setRecorded(db, scope, sessionId, field(form, "recorded") === "yes");
      return { ok: "coding.session.saved" };
    }
    if (!member.can("data:read")) throw new Response("Forbidden", { status: 403 });
    if (intent === "turns") {
      // One form for every turn shown: each row's language, and for interpreter turns what they render.
      const changes: TurnChange[] = form.getAll("turn").map((value) => {
        const segmentId = String(value);
        const renders = form.get(`renders_${segmentId}`);
        return {
          segmentId,
          language: field(form, `lang_${segmentId}`).trim() || undefined,
          ...(typeof renders === "string" ? { rendersSegmentId: renders || null } : {}),
        };
      });
      const changed = await updateTurns(db, scope, sessionId, changes);
      return { ok: `coding.session.turnsSaved:${changed}` };
    }
    const language = field(form, "language") || "en";
    if (intent === "preview") {
      const file = form.get("file");
      let source = typeof form.get("source") === "string" ? String(form.get("source")) : "";
      if (file && typeof file !== "string" && file.size > 0) {
        if (file.size > MAX_TRANSCRIPT_BYTES) return { error: "coding.session.errors.tooLarge", field: "file" };
        source = await file.text();
      }
      if (!source.trim()) return { error: "coding.session.errors.empty_transcript", field: "source" };
      const preview = previewTranscript(source);
      return { preview: { ...preview, source, language } };
    }
    if (intent === "import") {
      const source = typeof form.get("source") === "string" ? String(form.get("source")) : "";
      const { labels, unlabelled } = previewTranscript(source);
      const toMapping = (value: string): SpeakerMapping | null =>
        value === "facilitator" || value === "interpreter"
          ? { role: value }
          : value.startsWith("p:")
            ? { role: "participant", participantId: value.slice(2) }
            : null;
      const session = await getGathering(db, scope, sessionId);
      const byPosition = new Map(session.attendees.map((a) => [String(a.position), a.participantId]));
      const resolve = (value: string) => toMapping(value.startsWith("p:") ? `p:${byPosition.get(value.slice(2)) ?? ""}` : value);
      const mapping: Record<string, SpeakerMapping> = {};
      labels.forEach((label, i) => {
        const m = resolve(field(form, `map_${i}`));
        if (m) mapping[label] = m;
      });
      const unlabelledMapping = unlabelled ? (resolve(field(form, "map_unlabelled")) ?? undefined) : undefined;
      const added = await importTranscript(db, scope, sessionId, { source, language, mapping, unlabelled: unlabelledMapping });
      return { ok: `coding.session.imported:${added}` };
    }
    return { error: "coding.sessions.errors.invalid" };
  } catch (error) {
    if (error instanceof GatheringError) return { error: `coding.session.errors.${error.reason}`, field: fieldOf(intent, error) };
    if (error instanceof Response) throw error;
    return { error: "coding.sessions.errors.invalid" };
  }
}

/** The control the error summary links to: the one the person must change to put the refusal right. */
function fieldOf(intent: string, error: GatheringError): string | undefined {
  if (intent === "attendee") return "code";
  if (intent === "turns") {
    const segmentId = typeof error.detail.segmentId === "string" ? error.detail.segmentId : undefined;
    if (!segmentId) return undefined;
    return error.reason === "language_invalid" ? `lang_${segmentId}` : `renders_${segmentId}`;
  }
  if (intent === "import" || intent === "preview") return error.reason === "language_invalid" ? "language" : "source";
  return undefined;
}

export default function SessionPage() {
  const t = useT();
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const message = result && "ok" in result ? result.ok.split(":") : null;
  return (
    <main id="main" className="ws-main">
      <p className="ws-noprint">
        <Link to={`${d.base}/fieldwork`}>{t("coding.sessions.back")}</Link>
      </p>
      <h1>{d.session.label}</h1>
      {result && "error" in result ? <ErrorSummary errors={[{ field: result.field, message: t(result.error) }]} /> : null}
      {message ? (
        <div className="ws-panel" role="status">
          <p>{t(message[0]!, { n: Number(message[1] ?? 0) })}</p>
        </div>
      ) : null}
      <GatheringFacts
        session={d.session}
        attendees={d.attendees}
        segments={d.segments}
        codeLink={d.canImport ? `${d.base}/coding?session=${d.session.id}` : null}
      />

      {d.canRecord ? (
        <>
          <Form method="post" className="ws-form ws-inline-form">
            <CsrfInput />
            <input type="hidden" name="intent" value="attendee" />
            <label htmlFor="code">{t("coding.session.addAttendee")}</label>
            <p className="ws-hint">{t("coding.session.addAttendeeHint")}</p>
            <input id="code" name="code" autoComplete="off" spellCheck={false} required />
            <button type="submit">{t("coding.session.add")}</button>
          </Form>
          <Form method="post" className="ws-form">
            <CsrfInput />
            <input type="hidden" name="intent" value="recorded" />
            <input type="hidden" name="recorded" value={d.session.recorded ? "no" : "yes"} />
            <p className="ws-hint">{t("coding.session.recordedHint")}</p>
            <button type="submit">{t(d.session.recorded ? "coding.session.markNotRecorded" : "coding.session.markRecorded")}</button>
          </Form>
        </>
      ) : null}

      {d.turns.length > 0 ? <TurnsForm turns={d.turns} languages={d.languages} canEdit={d.canImport} /> : null}

      {d.canImport ? (
        result && "preview" in result ? (
          <SpeakerMappingForm preview={result.preview} attendees={d.attendees} />
        ) : (
          <Form method="post" encType="multipart/form-data" className="ws-form">
            <CsrfInput />
            <h2>{t("coding.session.transcript")}</h2>
            <p className="ws-hint">{t("coding.session.transcriptHint")}</p>
            <p className="ws-hint">{t("coding.session.renderingHint")}</p>
            <input type="hidden" name="intent" value="preview" />
            <label htmlFor="file">{t("coding.session.upload")}</label>
            <input id="file" name="file" type="file" accept=".txt,.vtt,text/plain,text/vtt" />
            <label htmlFor="source">{t("coding.session.paste")}</label>
            <textarea id="source" name="source" rows={8} style={{ width: "100%" }} />
            <label htmlFor="language">{t("coding.session.language")}</label>
            <input
              id="language"
              name="language"
              defaultValue={d.session.languages[0] ?? "en"}
              pattern="[a-z]{2,3}(-[A-Za-z0-9]+)*"
              required
            />
            <button type="submit">{t("coding.session.next")}</button>
          </Form>
        )
      ) : null}
    </main>
  );
}
