import { createIntl, createIntlCache, type IntlShape } from "@formatjs/intl";
import { getLanguage, type LanguageCode } from "./languages";
import { formattingLocale } from "./numbering";

export type Messages = Record<string, string>;
export type Translate = (key: string, values?: Record<string, string | number | Date>) => string;

const intlCache = createIntlCache();

export function makeIntl(language: LanguageCode, messages: Messages): IntlShape<string> {
  return createIntl(
    {
      // The language's numbering system and the Gregorian calendar ride on the locale, so every
      // {n, number}, plural # and {d, date} in a message agrees with the rest of the page (ADR 064).
      locale: formattingLocale(language),
      messages,
      defaultLocale: "en",
      // A missing key renders the key itself; tests prove every shipped catalogue is complete, so
      // this is a development aid, not a path users meet.
      onError: (error) => {
        if (process.env.NODE_ENV !== "production" && !String(error.message).includes("MISSING_TRANSLATION")) {
          console.warn(`i18n: ${error.message}`);
        }
      },
    },
    intlCache,
  );
}

// Catalogues are read once in production (catalogues.server.ts) and never change while the process
// runs, so one translate function per catalogue and language serves every request (ADR 073).
const translators = new WeakMap<Messages, Map<LanguageCode, Translate>>();

export function makeTranslate(language: LanguageCode, messages: Messages): Translate {
  let byLanguage = translators.get(messages);
  if (!byLanguage) translators.set(messages, (byLanguage = new Map()));
  let translate = byLanguage.get(language);
  if (!translate) {
    const intl = makeIntl(language, messages);
    translate = (key, values) => intl.formatMessage({ id: key }, values) as string;
    byLanguage.set(language, translate);
  }
  return translate;
}

export function directionOf(language: string) {
  return getLanguage(language).dir;
}
