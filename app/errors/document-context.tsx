import { createContext, useContext } from "react";
import type { Messages } from "../i18n/intl";
import { sourceLanguage, type LanguageCode } from "../i18n/languages";

/**
 * What the document renderer (app/entry.server.tsx) knows about a request without any loader: its
 * final status and the language its address or cookie asks for. An error page needs both when the
 * root loader did not run — an unknown address, an action that failed (Remix runs no loader at or
 * below the boundary then), a root loader that failed — which is when pages used to show raw keys
 * like `common.error.title`. Nothing here touches the database, so a database outage still gets a
 * page in the person's language.
 */
export interface DocumentFacts {
  status: number;
  /** Read lazily: catalogues are only needed when the root loader's copy is missing. */
  i18n: () => { language: LanguageCode; messages: Messages };
  /**
   * The server's catalogue for a language, which every page is rendered with on the server: loader
   * data carries no catalogue to pages without JavaScript (ADR 073). Empty in the browser.
   */
  catalogue: (language: LanguageCode) => Messages;
}

const DocumentContext = createContext<DocumentFacts>({
  status: 200,
  i18n: () => ({ language: sourceLanguage, messages: {} }),
  catalogue: () => ({}),
});
export const DocumentFactsProvider = DocumentContext.Provider;
export const useDocumentFacts = () => useContext(DocumentContext);
