/**
 * Suggesting each transcript turn's language from the script it is written in
 * (docs/decisions/063-turn-language-and-linked-translations.md). Pure, so the rules are tested
 * on their own; the researcher confirms or changes the suggestion on the session page.
 *
 * Script tells Arabic script from Latin, not Arabic from Farsi, Pashto or Sorani. So an Arabic-script
 * turn is the transcript's language when that is written in Arabic script; otherwise the one of the
 * study's languages it most likely is (letters only Farsi, Pashto or Sorani use decide between
 * several); otherwise Arabic. A Latin-script turn is the transcript's language when that is written
 * in Latin letters, and otherwise the study's first Latin-script language (English when none).
 */

/** Languages Tandem works in that are written in Arabic script. */
export const ARABIC_SCRIPT_LANGUAGES = ["ar", "fa", "ps", "ckb"] as const;

const ARABIC_LETTER = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/u;
const LATIN_LETTER = /[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]/u;
const LETTER = /\p{L}/u;

// Letters one of these languages uses and Arabic does not: a hint between the study's languages,
// never a verdict on its own (Farsi's پ چ ژ گ are also in Pashto and Sorani, so they weigh less).
const DISTINCTIVE: Record<string, { letters: RegExp; weight: number }[]> = {
  fa: [
    { letters: /[پچژگ]/gu, weight: 1 },
    { letters: /[ی]/gu, weight: 0.5 },
  ],
  ps: [{ letters: /[ټډړښږځڅېۍڼ]/gu, weight: 3 }],
  ckb: [{ letters: /[ڵڕۆێەڤ]/gu, weight: 3 }],
  ar: [{ letters: /[ةىيؤإأ]/gu, weight: 1 }],
};

export type Script = "arabic" | "latin" | "other";

/** The script most of the turn's letters are in; "other" when it has no letters of either. */
export function dominantScript(text: string): Script {
  let arabic = 0;
  let latin = 0;
  for (const ch of text) {
    if (ARABIC_LETTER.test(ch) && LETTER.test(ch)) arabic++;
    else if (LATIN_LETTER.test(ch)) latin++;
  }
  if (arabic === 0 && latin === 0) return "other";
  return arabic > latin ? "arabic" : "latin";
}

export function isArabicScriptLanguage(code: string): boolean {
  return (ARABIC_SCRIPT_LANGUAGES as readonly string[]).includes(code.split("-")[0]!);
}

export interface TurnLanguageContext {
  /** The language the researcher gave for the transcript as a whole. */
  transcriptLanguage: string;
  /** The study's (and session's) languages, in the study's order. */
  studyLanguages: readonly string[];
}

export function suggestTurnLanguage(text: string, context: TurnLanguageContext): string {
  const script = dominantScript(text);
  const transcript = context.transcriptLanguage;
  if (script === "arabic") {
    if (isArabicScriptLanguage(transcript)) return transcript;
    const candidates = [...new Set(context.studyLanguages.filter(isArabicScriptLanguage))];
    if (candidates.length === 1) return candidates[0]!;
    if (candidates.length === 0) return "ar";
    const score = (code: string) => (DISTINCTIVE[code] ?? []).reduce((n, d) => n + (text.match(d.letters)?.length ?? 0) * d.weight, 0);
    const scored = candidates.map((code) => ({ code, score: score(code) })).sort((a, b) => b.score - a.score);
    if (scored[0]!.score > 0 && scored[0]!.score > (scored[1]?.score ?? 0)) return scored[0]!.code;
    return candidates.includes("ar") ? "ar" : candidates[0]!;
  }
  if (script === "latin" && isArabicScriptLanguage(transcript)) {
    return context.studyLanguages.find((l) => !isArabicScriptLanguage(l)) ?? "en";
  }
  return transcript;
}
