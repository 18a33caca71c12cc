/** Why a participant operation was refused: a value the edge turns into a kind sentence. */
export type ParticipantErrorReason =
  | "invalid_code" // not a well-formed code (typo, wrong length)
  | "unknown_code" // well-formed, but not a code of this study
  | "withdrawn" // the person has withdrawn; nothing more can be recorded for them
  | "required_not_agreed" // a required consent statement was not agreed
  | "unknown_statement"
  | "no_consent" // no consent to the study's current consent form
  | "no_consent_form" // the study has no consent form
  | "mode_not_offered" // the study does not offer this withdrawal mode
  | "deadline_passed" // content can no longer be removed
  | "unknown_instrument"
  | "invalid_answer";

export class ParticipantError extends Error {
  constructor(
    readonly reason: ParticipantErrorReason,
    message: string = reason,
  ) {
    super(message);
    this.name = "ParticipantError";
  }
}
