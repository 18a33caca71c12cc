import type { HeadersFunction } from "@remix-run/node";

/**
 * Every workspace response: no-store (pages hold personal and research data and must not stay in a
 * shared computer's cache), with the cookies any loader or action set. Each workspace route exports it.
 */
export const workspaceHeaders: HeadersFunction = ({ parentHeaders, loaderHeaders, actionHeaders, errorHeaders }) => {
  const headers = new Headers();
  for (const source of [parentHeaders, loaderHeaders, actionHeaders, errorHeaders]) {
    if (!source) continue;
    source.forEach((value, key) => {
      if (key.toLowerCase() !== "set-cookie") headers.set(key, value);
    });
    for (const cookie of source.getSetCookie()) headers.append("Set-Cookie", cookie);
  }
  headers.set("Cache-Control", "no-store");
  return headers;
};

export const NO_STORE = { "Cache-Control": "no-store" } as const;
