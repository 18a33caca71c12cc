/** A study's title in the page's language, else English, else whichever it has. */
export function studyTitle(titles: Record<string, string>, language: string) {
  return titles[language] ?? titles.en ?? Object.values(titles)[0] ?? "";
}
