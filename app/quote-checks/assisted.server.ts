/**
 * Taking a person through their quote checks in person (assisted mode, docs/decisions/078-quote-checks.md):
 * a facilitator types the person's code, reads each quote out (with an interpreter or not), and
 * records the person's answer. Like assisted entry, the code is never stored or logged; what is
 * audited is that a facilitator showed a person their quotes and every answer they recorded, with
 * who recorded it.
 */
import type { DB } from "../../db/index";
import { recordAudit } from "../audit/log.server";
import type { StudyScope } from "../consent/scope.server";
import { requireStudy } from "../consent/scope.server";
import { ParticipantError } from "../participants/errors";
import { requireParticipantByCode } from "../participants/enrolment.server";
import { answerQuoteCheck, QuoteAnswerError, type QuoteDecision } from "./answer.server";
import { myQuotes, participantScope, toCheck, type QuoteView } from "./participant.server";

export type AssistedResult<T> = { ok: true; value: T } | { ok: false; error: string };

async function personByCode(db: DB, scope: StudyScope, code: string, codeHashKey: Buffer | string) {
  const study = await requireStudy(db, scope);
  const participant = await requireParticipantByCode(db, { studyId: study.id, code, codeHashKey });
  return { study, participant };
}

/** The person's quotes, in the workspace's language, for a facilitator to read out. Audited. */
export async function assistedQuotes(
  db: DB,
  scope: StudyScope,
  input: { code: string; codeHashKey: Buffer | string; language: string; actorUserId: string },
): Promise<AssistedResult<{ language: string; toCheck: QuoteView[]; checked: QuoteView[] }>> {
  try {
    const { study, participant } = await personByCode(db, scope, input.code, input.codeHashKey);
    const quotes = await myQuotes(
      db,
      await participantScope(db, { id: study.id, organisationId: study.organisation_id }),
      participant.id,
      input.language,
    );
    await recordAudit(db, {
      actorUserId: input.actorUserId,
      organisationId: scope.organisationId,
      action: "quote_check",
      subject: study.slug,
      detail: { change: "shown", via: "assisted", quotes: quotes.length },
    });
    return {
      ok: true,
      value: {
        language: participant.language,
        toCheck: quotes.filter((q) => toCheck(q) && q.places.length > 0),
        checked: quotes.filter((q) => !toCheck(q)),
      },
    };
  } catch (error) {
    if (error instanceof ParticipantError) return { ok: false, error: error.reason };
    throw error;
  }
}

/** The person's answer, recorded by the facilitator with them (audited with the facilitator as actor). */
export async function assistedAnswer(
  db: DB,
  scope: StudyScope,
  input: { code: string; codeHashKey: Buffer | string; checkId: string; decision: QuoteDecision; words: number[]; actorUserId: string },
): Promise<AssistedResult<QuoteDecision>> {
  try {
    const { participant } = await personByCode(db, scope, input.code, input.codeHashKey);
    const decision = await answerQuoteCheck(db, scope, {
      participantId: participant.id,
      checkId: input.checkId,
      decision: input.decision,
      words: input.words,
      via: "assisted",
      actorUserId: input.actorUserId,
    });
    return { ok: true, value: decision };
  } catch (error) {
    if (error instanceof ParticipantError) return { ok: false, error: error.reason };
    if (error instanceof QuoteAnswerError) return { ok: false, error: `quote_${error.reason}` };
    throw error;
  }
}
