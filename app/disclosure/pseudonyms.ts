/**
 * The one pseudonym a participant has in a study's exports and quotes (issue 14 item 10): derived
 * from the study and the participant's record, never their code, so that every file of a study
 * (answers, coded spans, SPSS/Stata, wellbeing) joins on it and no file names the same person twice.
 */
import { createHash } from "node:crypto";

// No 0/O, 1/I/L or U: a pseudonym is read aloud and copied by hand.
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

/** Analysis exports use 10 characters so that linking rows never collides; 4 name a quote's speaker. */
export const EXPORT_PSEUDONYM_LENGTH = 10;

export function participantPseudonym(studyId: string, participantId: string, length = EXPORT_PSEUDONYM_LENGTH): string {
  const digest = createHash("sha256").update(`${studyId}:${participantId}`).digest();
  let label = "";
  for (let i = 0; i < length; i++) label += ALPHABET[digest[i]! % ALPHABET.length];
  return label;
}
