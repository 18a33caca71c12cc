import type { SerializeFrom } from "@remix-run/node";
import { Form } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { useT } from "~/i18n/react";
import type { listTurns } from "~/fieldwork/gatherings.server";
import { DataTable } from "~/workspace/components/DataTable";

/** A turn as the session page receives it. */
type Turn = SerializeFrom<Awaited<ReturnType<typeof listTurns>>[number]>;

function speakerOf(t: ReturnType<typeof useT>, turn: Turn) {
  if (turn.speakerRole === "participant") return t("coding.speaker.participant", { n: turn.attendee ?? 0 });
  return t(`coding.speaker.${turn.speakerRole}`);
}

/** What an interpreter turn may render: the few turns before it that are not an interpreter's (and its current link). */
function renderChoices(turns: Turn[], at: number): Turn[] {
  const before = turns.slice(0, at).filter((x) => x.speakerRole !== "interpreter");
  const near = before.slice(-8);
  const current = turns[at]!.rendersId;
  const linked = current && !near.some((x) => x.id === current) ? turns.filter((x) => x.id === current) : [];
  return [...linked, ...near];
}

/** The session's turns: speaker, language and (for an interpreter) the turn rendered; posts intent "turns". */
export function TurnsForm({ turns, languages, canEdit }: { turns: Turn[]; languages: string[]; canEdit: boolean }) {
  const t = useT();
  return (
    <Form method="post" className="ws-form">
      <CsrfInput />
      <input type="hidden" name="intent" value="turns" />
      <h2>{t("coding.session.turns")}</h2>
      <p className="ws-hint">{t("coding.session.turnsHint")}</p>
      <DataTable
        columns={[
          "coding.session.turnNumber",
          "coding.session.turnSpeaker",
          "coding.session.turnLanguage",
          "coding.session.turnRenders",
          "coding.session.turnText",
        ]}
      >
        {turns.map((turn, i) => (
          <tr key={turn.id}>
            <td>{turn.position}</td>
            <td>{speakerOf(t, turn)}</td>
            <td>
              {canEdit ? (
                <>
                  <input type="hidden" name="turn" value={turn.id} />
                  <select
                    id={`lang_${turn.id}`}
                    name={`lang_${turn.id}`}
                    defaultValue={turn.language}
                    aria-label={`${t("coding.session.turnLanguage")}, ${t("coding.session.turnNumber")} ${turn.position}`}
                  >
                    {languages.map((l) => (
                      <option key={l} value={l}>
                        {l}
                      </option>
                    ))}
                  </select>
                </>
              ) : (
                turn.language
              )}
            </td>
            <td>
              {turn.speakerRole !== "interpreter" ? null : canEdit ? (
                <select
                  id={`renders_${turn.id}`}
                  name={`renders_${turn.id}`}
                  defaultValue={turn.rendersId ?? ""}
                  aria-label={`${t("coding.session.turnRenders")}, ${t("coding.session.turnNumber")} ${turn.position}`}
                >
                  <option value="">{t("coding.session.rendersNone")}</option>
                  {renderChoices(turns, i).map((o) => (
                    <option key={o.id} value={o.id}>
                      {t("coding.session.rendersTurn", { n: o.position, speaker: speakerOf(t, o) })}
                    </option>
                  ))}
                </select>
              ) : turn.rendersId ? (
                t("coding.session.rendersTurn", {
                  n: turns.find((x) => x.id === turn.rendersId)?.position ?? 0,
                  speaker: speakerOf(t, turns.find((x) => x.id === turn.rendersId) ?? turn),
                })
              ) : null}
            </td>
            {/* the turn's own language, so a screen reader reads Arabic in an Arabic voice */}
            <td lang={turn.language} dir="auto" style={{ whiteSpace: "pre-wrap" }}>
              {turn.text}
            </td>
          </tr>
        ))}
      </DataTable>
      {canEdit ? <button type="submit">{t("coding.session.saveTurns")}</button> : null}
    </Form>
  );
}

/** Who said a transcript's labelled lines: facilitator, interpreter or a participant by position. */
export function SpeakerSelect({ name, attendees }: { name: string; attendees: number[] }) {
  const t = useT();
  return (
    <select id={name} name={name} required defaultValue="">
      <option value="" disabled>
        {t("coding.session.chooseSpeaker")}
      </option>
      <option value="facilitator">{t("coding.speaker.facilitator")}</option>
      <option value="interpreter">{t("coding.speaker.interpreter")}</option>
      {attendees.map((p) => (
        <option key={p} value={`p:${p}`}>
          {t("coding.speaker.participant", { n: p })}
        </option>
      ))}
    </select>
  );
}

/** A previewed transcript: who each speaker label is (posts intent "import" with the source again). */
export function SpeakerMappingForm({
  preview,
  attendees,
}: {
  preview: { turns: number; renderings: number; source: string; language: string; labels: string[]; unlabelled: boolean };
  attendees: number[];
}) {
  const t = useT();
  return (
    <Form method="post" className="ws-form">
      <CsrfInput />
      <h2>{t("coding.session.mapSpeakers")}</h2>
      <p>{t("coding.session.mapHint", { n: preview.turns })}</p>
      {preview.renderings > 0 ? <p>{t("coding.session.renderingsFound", { n: preview.renderings })}</p> : null}
      <input type="hidden" name="intent" value="import" />
      <input type="hidden" name="source" value={preview.source} />
      <input type="hidden" name="language" value={preview.language} />
      {preview.labels.map((label, i) => (
        <div key={label}>
          <label htmlFor={`map_${i}`}>
            <bdi>{label}</bdi>
          </label>
          <SpeakerSelect name={`map_${i}`} attendees={attendees} />
        </div>
      ))}
      {preview.unlabelled ? (
        <div>
          <label htmlFor="map_unlabelled">{t("coding.session.unlabelled")}</label>
          <SpeakerSelect name="map_unlabelled" attendees={attendees} />
        </div>
      ) : null}
      <button type="submit">{t("coding.session.import")}</button>
    </Form>
  );
}
