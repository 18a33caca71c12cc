/**
 * Which messages a page that runs script carries inside its HTML. Remix writes the root loader's
 * data into every page that hydrates, and the whole catalogue is about 80 KB (20 KB gzip): more than
 * the rest of the coding page together. A page listed here gets only the messages its client render
 * can ask for: the workspace frame (header, menus, error pages) and its own. Every other page keeps
 * the whole catalogue (a page without script sends none of it to the browser anyway).
 * docs/decisions/075-coding-page.md
 */
import type { Messages } from "./intl";
import { messagesFor, pageLanguage } from "./catalogues.server";
import { studyMenu } from "../workspace/navigation";

/** What the workspace frame renders: the header, the organisation and study menus, error pages. */
const FRAME = [
  "common.",
  "workspace.brand",
  "workspace.nav.",
  "workspace.errors.",
  "workspace.status.",
  "workspace.roles.",

  ...studyMenu("", () => true).flatMap((group) => [group.label, ...group.links.map((link) => link.label)]),
];

const PAGES: { path: RegExp; prefixes: readonly string[] }[] = [
  {
    path: /^\/research\/[^/]+\/studies\/[^/]+\/coding\/?$/,
    prefixes: [...FRAME, "coding.code.", "coding.speaker.", "coding.quick.", "coding.keys.", "coding.themes.proposed"],
  },
];

/** The message prefixes the page at this path renders in the browser, or null for the whole catalogue. */
export function clientMessagePrefixes(pathname: string): readonly string[] | null {
  return PAGES.find((page) => page.path.test(pathname))?.prefixes ?? null;
}

// The catalogue is read once per language in production (catalogues.server.ts), so each page's
// share of it is worked out once too.
const chosen = new WeakMap<Messages, Map<readonly string[], Messages>>();

/**
 * The `clientMessages` a hydrated page's loader returns (app/i18n/hydration.ts): its areas, and of
 * those only the prefixes listed above when the page is listed.
 */
export function clientMessagesForPage(request: Request, areas: string[]): Messages {
  const messages = messagesFor(pageLanguage(request), ["common", "workspace", ...areas]);
  const prefixes = clientMessagePrefixes(new URL(request.url).pathname);
  if (!prefixes) return messages;
  const known = chosen.get(messages) ?? new Map<readonly string[], Messages>();
  chosen.set(messages, known);
  let share = known.get(prefixes);
  if (!share) {
    share = Object.fromEntries(Object.entries(messages).filter(([key]) => prefixes.some((p) => key.startsWith(p))));
    known.set(prefixes, share);
  }
  return share;
}
