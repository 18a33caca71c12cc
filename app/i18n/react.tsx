import { createContext, useContext, useMemo, type ReactNode } from "react";
import { makeTranslate, type Messages, type Translate } from "./intl";
import { getLanguage, type LanguageCode } from "./languages";

interface I18nValue {
  language: LanguageCode;
  dir: "ltr" | "rtl";
  t: Translate;
}

const I18nContext = createContext<I18nValue | null>(null);

export function I18nProvider(props: { language: LanguageCode; messages: Messages; children: ReactNode }) {
  const value = useMemo(
    () => ({ language: props.language, dir: getLanguage(props.language).dir, t: makeTranslate(props.language, props.messages) }),
    [props.language, props.messages],
  );
  return <I18nContext.Provider value={value}>{props.children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  const value = useContext(I18nContext);
  if (!value) throw new Error("useI18n outside I18nProvider");
  return value;
}

export function useT(): Translate {
  return useI18n().t;
}
