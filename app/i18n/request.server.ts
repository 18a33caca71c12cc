import { isLanguageCode, sourceLanguage, type LanguageCode } from "./languages";

export const LANGUAGE_COOKIE = "tandem_lang";

/** The language of a request: `?lang=` (links, public pages), then the chosen-language cookie, then English. */
export function requestLanguage(request: Request, allowed?: readonly string[]): LanguageCode {
  const fromQuery = new URL(request.url).searchParams.get("lang");
  const fromCookie = readCookie(request, LANGUAGE_COOKIE);
  for (const candidate of [fromQuery, fromCookie]) {
    if (isLanguageCode(candidate) && (!allowed || allowed.includes(candidate))) return candidate;
  }
  if (allowed && allowed.length > 0 && !allowed.includes(sourceLanguage) && isLanguageCode(allowed[0])) return allowed[0];
  return sourceLanguage;
}

export function languageCookie(language: LanguageCode) {
  // A year: it remembers a choice of language, nothing about the person.
  return `${LANGUAGE_COOKIE}=${language}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly`;
}

export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get("Cookie");
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeCookieValue(rest.join("="));
  }
  return undefined;
}

/** A cookie value as sent, %-escapes decoded; one that is not valid (`%E0%A4%A`) is not ours, so it is no value. */
function decodeCookieValue(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
