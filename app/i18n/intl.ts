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

export function makeTranslate(language: LanguageCode, messages: Messages): Translate {
  const intl = makeIntl(language, messages);
  return (key, values) => intl.formatMessage({ id: key }, values) as string;
}

export function directionOf(language: string) {
  return getLanguage(language).dir;
}
