/**
 * The person's answer to a quote check (docs/decisions/078-quote-checks.md), on their own phone with
 * their code or with a facilitator (assisted, audited as assisted entry is): approve the quote, ask for
 * words to be left out, or say no.
 *
 * - Words left out reach the researchers as redactions to accept (kind `left_out`, status suggested):
 *   every export and page applies a redaction that is not dismissed, so they are left out at once,
 *   and a researcher cannot dismiss them (app/coding/redactions.server.ts).
 * - "No" is final, and the consent gate takes the quote out of every page and export on the next
 *   request (app/consent/quote-checks.server.ts). The person may say no at any time, also after
 *   approving, or after silence let a quote be published.
 * - A late answer still counts: an approval after the day it was due publishes a quote that silence
 *   held back.
 * Every answer is in the audit log: which check, what, and whether a facilitator helped — never the
 * words, never the code.
 */
import type { DB } from "../../db/index";
import { recordAudit } from "../audit/log.server";
import { LEFT_OUT_KIND, todayIso } from "../consent/quote-checks.server";
import { ownQuotes, type OwnQuote } from "../consent/own-quotes.server";
import { requireStudy, type StudyScope } from "../consent/scope.server";
import { parseUnitKey } from "../coding/units";
import { isUuid } from "../security/ids";

export type QuoteDecision = "approve" | "leave_out" | "refuse";
export const QUOTE_DECISIONS: readonly QuoteDecision[] = ["approve", "leave_out", "refuse"];

export type QuoteAnswerErrorReason = "not_found" | "refused_already" | "no_words" | "all_words";

export class QuoteAnswerError extends Error {
  constructor(readonly reason: QuoteAnswerErrorReason) {
    super(reason);
    this.name = "QuoteAnswerError";
  }
}

/** The person's one check, with its words, or QuoteAnswerError("not_found"). */
export async function requireOwnQuote(db: DB, scope: StudyScope, participantId: string, checkId: string): Promise<OwnQuote> {
  if (!isUuid(checkId)) throw new QuoteAnswerError("not_found");
  const [quote] = await ownQuotes(db, scope, participantId, { checkId });
  if (!quote) throw new QuoteAnswerError("not_found");
  return quote;
}

/** The word pieces a person may still leave out (not spaces, not already left out), by their index. */
export function choosableWords(quote: Pick<OwnQuote, "pieces">): number[] {
  return quote.pieces.flatMap((p, i) => (!p.space && !p.leftOut ? [i] : []));
}

/** Chosen words as spans: neighbouring chosen words (with the space between them) make one span. */
function spansOf(quote: OwnQuote, chosen: ReadonlySet<number>): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  let open = null as { start: number; end: number } | null;
  for (const [i, piece] of quote.pieces.entries()) {
    if (chosen.has(i)) open = { start: open?.start ?? piece.start, end: piece.end };
    else if (!piece.space) {
      if (open) spans.push(open);
      open = null;
    }
  }
  if (open) spans.push(open);
  return spans;
}

export interface QuoteAnswer {
  participantId: string;
  checkId: string;
  decision: QuoteDecision;
  /** For leave_out: indexes of the word pieces to leave out. */
  words?: readonly number[];
  /** A facilitator taking the person through it in person (assisted), or the person themselves. */
  via: "participant" | "assisted";
  actorUserId?: string | null;
}

/** Records the person's answer in one transaction, with its audit entry. */
export async function answerQuoteCheck(db: DB, scope: StudyScope, answer: QuoteAnswer): Promise<QuoteDecision> {
  const study = await requireStudy(db, scope);
  const quote = await requireOwnQuote(db, scope, answer.participantId, answer.checkId);
  if (quote.status === "refused") throw new QuoteAnswerError("refused_already");
  let spans: { start: number; end: number }[] = [];
  if (answer.decision === "leave_out") {
    const allowed = new Set(choosableWords(quote));
    const chosen = new Set((answer.words ?? []).filter((i) => allowed.has(i)));
    if (chosen.size === 0) throw new QuoteAnswerError("no_words");
    // Leaving out every word is saying no: the person is asked to say that instead, so the quote
    // goes from every place rather than appearing as an empty line.
    if (chosen.size === allowed.size) throw new QuoteAnswerError("all_words");
    spans = spansOf(quote, chosen);
  }
  const ref = parseUnitKey(quote.unit)!;
  const today = todayIso();
  await db.transaction().execute(async (trx) => {
    const status =
      answer.decision === "approve"
        ? quote.status === "changed"
          ? "changed"
          : "approved"
        : answer.decision === "refuse"
          ? "refused"
          : "changed";
    const updated = await trx
      .updateTable("quote_check")
      .set({
        status,
        answered_on: today,
        answered_via: answer.via,
        answered_by: answer.via === "assisted" ? (answer.actorUserId ?? null) : null,
      })
      .where("id", "=", quote.id)
      .where("participant_id", "=", answer.participantId)
      .where("study_id", "=", scope.studyId)
      // asked again in the update itself: a "no" given meanwhile on another phone stands
      .where("status", "<>", "refused")
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw new QuoteAnswerError("refused_already");
    if (spans.length > 0) {
      await trx
        .insertInto("redaction")
        .values(
          spans.map((s) => ({
            study_id: scope.studyId,
            segment_id: ref.kind === "segment" ? ref.segmentId : null,
            response_id: ref.kind === "answer" ? ref.responseId : null,
            item_id: ref.kind === "answer" ? ref.itemId : null,
            start_cp: s.start,
            end_cp: s.end,
            kind: LEFT_OUT_KIND,
            status: "suggested" as const,
            decided_by: null,
            decided_at: null,
          })),
        )
        .execute();
    }
    await recordAudit(trx, {
      actorUserId: answer.via === "assisted" ? (answer.actorUserId ?? null) : null,
      organisationId: scope.organisationId,
      action: "quote_check",
      subject: study.slug,
      detail: {
        change: status,
        check: quote.id,
        via: answer.via,
        ...(spans.length > 0 ? { wordsLeftOut: answer.words?.length ?? 0 } : {}),
        ...(quote.dueOn < today ? { late: true } : {}),
      },
    });
  });
  return answer.decision;
}
