/**
 * The small-count rule, in one place (docs/decisions/068-one-small-count-rule.md): a count of 1 to 4
 * people may identify someone, so it never leaves the workspace as a number — "fewer than 5".
 *
 * Two displays follow from the one threshold, on purpose:
 * - `shareableCount` (study dashboard when shared, public report-back): every count under 5, zero
 *   included, is "fewer than 5", so a public page does not tell apart "nobody" from "a few".
 * - `withheldUnlessEmpty` (wellbeing tables in the workspace, where complementary suppression also
 *   applies): zero is shown, because an empty group says nothing about anyone, and the figures
 *   beside it (answered, totals) would give the zero away anyway.
 */

/** Counts under this are never shown as a number where they may leave the workspace. */
export const SMALL_COUNT = 5;

export type ShareableCount = { exact: number } | { fewerThan: typeof SMALL_COUNT };

/** A count for a page that may be shared or public: under SMALL_COUNT (zero too), "fewer than 5". */
export function shareableCount(n: number): ShareableCount {
  return n < SMALL_COUNT ? { fewerThan: SMALL_COUNT } : { exact: n };
}

/** A percentage, or null when either count is small enough to identify someone. */
export function shareablePercent(part: number, whole: number): number | null {
  if (whole < SMALL_COUNT || part < SMALL_COUNT) return null;
  return Math.round((part / whole) * 100);
}

/** True when a count of people is withheld in a wellbeing table: 1 to SMALL_COUNT − 1 (zero is shown). */
export function withheldUnlessEmpty(n: number): boolean {
  return n > 0 && n < SMALL_COUNT;
}

/**
 * Why a group shows no figures: it is small itself, or it is hidden only so that a smaller group
 * cannot be worked out by subtraction (complementary suppression, docs/decisions/043). Saying
 * "fewer than 5" of a hidden group of 6 would be false, so the reason follows from its own count.
 */
export type HiddenReason = "fewer_than_5" | "protects_smaller_group";

export function hiddenReason(n: number): HiddenReason {
  return n < SMALL_COUNT ? "fewer_than_5" : "protects_smaller_group";
}
