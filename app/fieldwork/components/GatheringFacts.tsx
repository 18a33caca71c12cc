import { Link } from "@remix-run/react";
import { useT } from "~/i18n/react";

/** What a focus group or interview was: kind, date, languages, people, recording and notes. */
export function GatheringFacts({
  session,
  attendees,
  segments,
  codeLink,
}: {
  session: {
    kind: string;
    heldOn: string;
    languages: string[];
    facilitator: string;
    interpreter: string;
    recorded: boolean;
    notes: string;
  };
  attendees: number[];
  segments: number;
  /** The coding page for this gathering's turns, for those who may code. */
  codeLink: string | null;
}) {
  const t = useT();
  return (
    <dl className="ws-facts">
      <dt>{t("coding.sessions.kind")}</dt>
      <dd>{t(`coding.sessions.kind_${session.kind}`)}</dd>
      <dt>{t("coding.sessions.heldOn")}</dt>
      <dd>{session.heldOn}</dd>
      <dt>{t("coding.sessions.languages")}</dt>
      <dd>{session.languages.join(", ")}</dd>
      <dt>{t("coding.sessions.facilitator")}</dt>
      <dd>{session.facilitator || t("coding.sessions.facilitator_none")}</dd>
      <dt>{t("coding.sessions.interpreter")}</dt>
      <dd>{t(`coding.sessions.interpreter_${session.interpreter}`)}</dd>
      <dt>{t("coding.sessions.attendees")}</dt>
      <dd>{attendees.map((p) => t("coding.speaker.participant", { n: p })).join(", ") || "—"}</dd>
      <dt>{t("coding.sessions.recorded")}</dt>
      <dd>{t(session.recorded ? "coding.common.yes" : "coding.common.no")}</dd>
      <dt>{t("coding.sessions.segments")}</dt>
      <dd>
        {segments} {segments > 0 && codeLink ? <Link to={codeLink}>{t("coding.session.codeIt")}</Link> : null}
      </dd>
      {session.notes ? (
        <>
          <dt>{t("coding.sessions.notes")}</dt>
          <dd dir="auto" style={{ whiteSpace: "pre-wrap" }}>
            {session.notes}
          </dd>
        </>
      ) : null}
    </dl>
  );
}
