/**
 * Which messages a page's browser gets. Pages without JavaScript (every participant and public page)
 * get none: the server renders them with its own copy of the catalogues, so nothing is serialised
 * into or parsed back out of the loader data. A page that hydrates (`handle.hydrate`) returns its
 * areas' messages from its own loader as `clientMessages` (catalogues.server.ts, clientMessages),
 * and the browser renders with those: ADR 073.
 */
import type { Messages } from "./intl";

interface MatchLike {
  data?: unknown;
}

// In the browser only: the catalogue of the last hydrated page, for a page reached from it by a
// client-side link whose own loader sends none (it shares the areas: a hydrated page sends common,
// workspace and its own area).
let lastInBrowser: Messages | undefined;

/** The messages the deepest matched route sent for the browser, if any. */
export function clientMessagesOf(matches: readonly MatchLike[]): Messages | undefined {
  for (let i = matches.length - 1; i >= 0; i--) {
    const data = matches[i]!.data as { clientMessages?: Messages } | null | undefined;
    if (data && typeof data === "object" && data.clientMessages) {
      if (typeof document !== "undefined") lastInBrowser = data.clientMessages;
      return data.clientMessages;
    }
  }
  return typeof document !== "undefined" ? lastInBrowser : undefined;
}
