/**
 * Participant-code guessing limits (docs/decisions/057-attempt-limits.md).
 *
 * A code carries 75 random bits. With a million live codes, one guess finds someone with probability
 * 10⁶ / 2⁷⁵ ≈ 2.6 × 10⁻¹⁷; a thousand addresses guessing at this limit's pace for a year make about
 * 3.4 × 10⁹ guesses and find someone with probability about 10⁻⁷. The limit is not what protects the
 * codes; it stops a script from flooding the server. So:
 * - a real code always gets through, whatever the network has tried before (a room at a drop-in
 *   centre shares one address);
 * - a typo caught by the check character never reaches the database and is not counted: it cannot be
 *   a guess that matches anyone, and people make them;
 * - only well-formed codes that match nobody count, 100 per address in 15 minutes; past that, a code
 *   that matches nobody is answered "too many tries, wait" (a real one is still let in).
 */
import type { DB } from "../../db/index";
import { attemptsMade, countAttempt } from "../security/attempt-limit.server";
import { findParticipantByCode, type ParticipantRow } from "./enrolment.server";
import { normaliseParticipantCode } from "./code";

export const UNKNOWN_CODE_LIMIT = 100;

export type CodeCheck = { ok: true; participant: ParticipantRow } | { ok: false; reason: "empty" | "invalid" | "unknown" | "too_many" };

const limitKey = (clientKey: string) => `code:${clientKey}`;

/** Reads a code typed by a participant: the person it belongs to in this study, or why not. */
export async function checkParticipantCode(
  db: DB,
  input: { studyId: string; code: string; clientKey: string; codeHashKey: Buffer | string },
): Promise<CodeCheck> {
  if (input.code.trim() === "") return { ok: false, reason: "empty" };
  if (!normaliseParticipantCode(input.code).ok) return { ok: false, reason: "invalid" };
  const overLimit = (await attemptsMade(db, limitKey(input.clientKey))) >= UNKNOWN_CODE_LIMIT;
  const participant = await findParticipantByCode(db, input);
  if (participant) return { ok: true, participant };
  if (overLimit) return { ok: false, reason: "too_many" };
  await countAttempt(db, limitKey(input.clientKey));
  return { ok: false, reason: "unknown" };
}
