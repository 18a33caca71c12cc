/**
 * A name in the redaction list matched in every script the study uses (issue 14 item 7;
 * docs/decisions/074-names-across-scripts.md): "Ahmed" on the list also flags أحمد in an Arabic
 * turn, and محمد also flags "Mohammed", "Muhammad" or "Mohamed" in an English one.
 *
 * Spellings across scripts are many, so this does not generate a list of spellings: it turns the
 * name into a pattern over the other script's letters that keeps the CONSONANTS the name is built on
 * in order and lets the vowels vary. Arabic script writes long vowels only, and Latin spellings of
 * the same vowel differ (Mohammed, Muhammad), so vowels can be neither required nor trusted;
 * consonants are what the spellings share. Each consonant sound maps to the small set of letters
 * it is written with in the other script (the tables below), including the Persian letters
 * (پ چ ژ گ ک ی). Arabic letter variants are read as one: alef forms, ta marbuta and ha, alef
 * maksura and ya (Arabic and Persian), kaf and Persian kaf; tashkeel and tatweel are ignored.
 *
 * Conservative on purpose, since every match is a suggestion someone must dismiss:
 * - only names with at least MIN_CONSONANTS consonant sounds are carried across scripts. A short
 *   skeleton matches everyday words: "Ali" (ʿ-l-y) would flag إلى ("to"). Such names must be
 *   added to the list in each script by hand (the page says so);
 * - only into the scripts the study's languages are written in (scriptsOfLanguages);
 * - whole words only, as for every name.
 * Known limits: names whose Latin spelling comes from another language's conventions (French
 * "Dj", German "sch" are read; Turkish "Mehmet" for محمد is not), and letters a spelling drops
 * altogether (ʿayn written as nothing is read; a silent h written as nothing is read; a consonant
 * written as nothing is not).
 */

export type NameScript = "latin" | "arabic";

/** Languages written in Arabic script; every other language the study may use is written in Latin letters. */
const ARABIC_SCRIPT_LANGUAGES = new Set(["ar", "fa", "ps", "ckb", "ur", "prs", "sd", "ug"]);

export function scriptsOfLanguages(languages: readonly string[]): NameScript[] {
  const scripts = new Set<NameScript>();
  for (const code of languages) scripts.add(ARABIC_SCRIPT_LANGUAGES.has(code.split("-")[0]!.toLowerCase()) ? "arabic" : "latin");
  return [...scripts];
}

export const MIN_CONSONANTS = 3;

const ARABIC_LETTER = /[\u0620-\u064A\u066E-\u06D3\u06FA-\u06FF]/u;
const LATIN_LETTER = /[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]/u;

export function scriptOfName(name: string): NameScript | null {
  if (ARABIC_LETTER.test(name)) return LATIN_LETTER.test(name) ? null : "arabic";
  return LATIN_LETTER.test(name) ? "latin" : null;
}

// ---------------------------------------------------------------------------------------------
// Latin name → pattern over Arabic-script text

/** Marks that may follow any Arabic letter: tatweel, harakat (shadda included), superscript alef. */
const MARKS = "[\\u0640\\u064B-\\u065F\\u0670]*";
/** Letters that write vowels, hamza or ʿayn: what a Latin vowel may be written as, or nothing. */
const WEAK = "اأإآٱعءئؤوىيی";

/** Each Latin consonant sound and the Arabic-script letters it is written with. */
const TO_ARABIC: Record<string, string> = {
  b: "بپ",
  p: "پب",
  t: "تط",
  th: "ثتذ",
  j: "جژ",
  dj: "ج",
  h: "حهة",
  kh: "خ",
  d: "دضذ",
  dh: "ذضدظ",
  r: "ر",
  z: "زظذض",
  s: "سصث",
  ss: "سص",
  sh: "ش",
  sch: "ش",
  ch: "چشخ",
  zh: "ژ",
  gh: "غگق",
  g: "جگغق",
  f: "ف",
  ph: "ف",
  v: "وف",
  q: "قك",
  k: "كکق",
  ck: "كک",
  c: "كکقس",
  l: "ل",
  m: "م",
  n: "ن",
  w: "و",
  y: "يیى",
};
const LATIN_UNITS = Object.keys(TO_ARABIC).sort((a, b) => b.length - a.length);
const LATIN_VOWEL = /^[aeiou]$/;
/** Vowel spellings that mean a long vowel, and the letters Arabic script writes it with. */
const LONG_VOWEL: Record<string, string> = { ee: "يیى", ie: "يیى", ou: "و", oo: "و", aa: "اآى" };

interface LatinUnit {
  kind: "consonant" | "vowel" | "ayn";
  text: string;
}

function latinUnits(word: string): LatinUnit[] | null {
  const units: LatinUnit[] = [];
  let i = 0;
  while (i < word.length) {
    const ch = word[i]!;
    if (LATIN_VOWEL.test(ch)) {
      // A run of vowels is one vowel sound as far as Arabic script is concerned.
      let j = i;
      while (j < word.length && LATIN_VOWEL.test(word[j]!)) j++;
      units.push({ kind: "vowel", text: word.slice(i, j) });
      i = j;
      continue;
    }
    if ("'’ʿʾ‘`".includes(ch)) {
      units.push({ kind: "ayn", text: ch });
      i++;
      continue;
    }
    const unit = LATIN_UNITS.find((u) => word.startsWith(u, i));
    if (!unit) return null; // x, or a letter from elsewhere: no reliable Arabic spelling
    const last = units[units.length - 1];
    // A doubled consonant (Mohammed) is one letter with shadda.
    if (!(last?.kind === "consonant" && last.text === unit)) units.push({ kind: "consonant", text: unit });
    i += unit.length;
  }
  return units;
}

function latinWords(name: string): string[] {
  return name
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .split(/[\s\u00A0-]+/u)
    .filter(Boolean);
}

/** "al", "el", "ul" and the assimilated "ash", "ar"… written before a name: the article ال. */
const ARTICLE = /^(?:[aeiu]l|a[dnrstz]|ash|ath)$/;

/** A pattern over Arabic-script text for a name in Latin letters, or null when it is not carried across. */
export function latinNameInArabic(name: string): string | null {
  const words = latinWords(name);
  if (words.length === 0) return null;
  const parts: string[] = [];
  let consonants = 0;
  let article = false;
  for (const [w, word] of words.entries()) {
    if (w < words.length - 1 && ARTICLE.test(word)) {
      article = true;
      continue;
    }
    const units = latinUnits(word);
    if (!units || units.length === 0) return null;
    let pattern = article ? `ال${MARKS}[\\s\\u00A0]?` : "";
    article = false;
    for (const [i, unit] of units.entries()) {
      const first = i === 0;
      const last = i === units.length - 1;
      if (unit.kind === "consonant") {
        // A final h after a vowel is often silent, or ة: Fatimah, Saleh.
        const silent = last && unit.text === "h" && units[i - 1]?.kind === "vowel";
        const letter = `[${TO_ARABIC[unit.text]}]${MARKS}`;
        // Twice allowed: the article's ل before a name's own ل (عبدالله for Abdullah).
        pattern += silent ? `(?:${letter})?` : `${letter}(?:${letter})?`;
        consonants++;
        // "Abdul…", "Abdel…": Arabic writes عبد and the rest as one word or two.
        if (first === false && word.startsWith("abd") && i === 2) pattern += "[\\s\\u00A0]?";
      } else if (first && unit.kind === "vowel") {
        // A word that starts with a vowel starts with alef or ʿayn in Arabic script.
        pattern += `[اأإآٱع]${MARKS}(?:[${WEAK}]${MARKS})?`;
      } else if (LONG_VOWEL[unit.text]) {
        // "ee", "ou", "oo" spell a long vowel, which Arabic script writes: Kareem كريم, Mahmoud محمود.
        pattern += `(?:[${WEAK}]${MARKS})?[${LONG_VOWEL[unit.text]}]${MARKS}(?:[${WEAK}ةه]${MARKS})?`;
      } else {
        pattern += last ? `(?:[${WEAK}ةه]${MARKS}){0,2}` : `(?:[${WEAK}]${MARKS}){0,2}`;
      }
    }
    parts.push(pattern);
  }
  if (consonants < MIN_CONSONANTS) return null;
  return parts.join("[\\s\\u00A0]+");
}

// ---------------------------------------------------------------------------------------------
// Arabic-script name → pattern over Latin text

/** Each Arabic-script consonant and how it is written in Latin letters (English, French, German habits). */
const TO_LATIN: Record<string, string> = {
  ب: "b|p",
  پ: "p|b",
  ت: "t",
  ط: "t|ṭ",
  ث: "th|t|s",
  ج: "j|g|dj|dsch",
  چ: "ch|tch|ç|c",
  ح: "h|ḥ",
  خ: "kh|ch|x|h|ḫ",
  د: "d",
  ذ: "dh|th|z|d|ḏ",
  ر: "r",
  ز: "z",
  ژ: "zh|j",
  س: "s|ss|ṣ",
  ش: "sh|ch|sch|ş|š",
  ص: "s|ṣ",
  ض: "d|dh|z|ḍ",
  ظ: "z|dh|ẓ",
  غ: "gh|g|ġ",
  ف: "f|ph",
  ق: "q|k|g|ḳ",
  ك: "k|c|ck",
  ک: "k|c|ck",
  گ: "g",
  ل: "l",
  م: "m",
  ن: "n",
  ه: "h",
};
/** Latin vowels, with the accents transliteration uses, and the marks written for ʿayn and hamza. */
const LATIN_VOWELS = "aeiouyáàâäāéèêëēíìîïīóòôöōúùûüū'’ʿʾ‘";
const ARABIC_ALEF = "اأإآٱ";

function normaliseArabic(name: string): string {
  return (
    name
      .normalize("NFC")
      // eslint-disable-next-line no-misleading-character-class -- tatweel and harakat, removed one by one
      .replace(/[\u0640\u064B-\u065F\u0670]/g, "")
      .replace(/[ىی]/g, "ي")
      .replace(/ک/g, "ك")
      .trim()
  );
}

/** A pattern over Latin text for a name in Arabic script, or null when it is not carried across. */
export function arabicNameInLatin(name: string): string | null {
  const words = normaliseArabic(name).split(/\s+/u).filter(Boolean);
  if (words.length === 0) return null;
  const vowels = `[${LATIN_VOWELS}]`;
  let consonants = 0;
  const parts: string[] = [];
  for (const word of words) {
    const letters = [...word];
    let pattern = "";
    let i = 0;
    // The article: al-, el-, ul-, or assimilated (ash-Shami), joined, hyphened or apart.
    if ((letters[0] === "ا" || letters[0] === "أ") && letters[1] === "ل" && letters.length > 3) {
      pattern += "(?:[aeu][lnrstdz]h?[\\s-]?)?";
      i = 2;
    }
    let vowelRun = false;
    for (; i < letters.length; i++) {
      const ch = letters[i]!;
      const first = i === 0;
      const last = i === letters.length - 1;
      if (ch === "ل" && letters[i + 1] === "ل" && letters[i - 1] === "ا" && i === 4 && word.startsWith("عبد")) {
        // عبدالله: Abdullah, Abdallah, Abd Allah, Abdel…
        pattern += "(?:[\\s-]?[aeiu]?l[\\s-]?)?";
        continue;
      }
      if (ARABIC_ALEF.includes(ch) || "عءئؤ".includes(ch)) {
        // Alef, hamza and ʿayn are written as a vowel (required at the start of a word) or an apostrophe.
        pattern += first ? `${vowels}{1,3}` : `${vowels}{0,3}`;
        vowelRun = true;
        continue;
      }
      if (ch === "و" || ch === "ي") {
        // Long vowel or consonant: Mahmoud, Walid, Yasmin, Samy.
        pattern += ch === "و" ? `(?:w|v|${vowels}{1,3})` : `(?:y|j|${vowels}{1,3})`;
        vowelRun = true;
        continue;
      }
      if (ch === "ة" || (ch === "ه" && last && letters.length > 1)) {
        // Ta marbuta, or a final ha: Fatima, Fatimah, Fatemeh, Abdullah.
        pattern += `${vowels}{0,3}(?:h|t)?`;
        vowelRun = true;
        continue;
      }
      const latin = TO_LATIN[ch];
      if (!latin) return null; // a letter with no settled Latin spelling
      // Short vowels are not written in Arabic script: any may stand between two consonants.
      if (!first && !vowelRun) pattern += `${vowels}{0,3}`;
      // A doubled consonant (shadda, removed above) may be written twice: Mohammed.
      pattern += `(?:${latin})(?:${latin})?`;
      consonants++;
      vowelRun = false;
    }
    pattern += `${vowels}{0,3}`;
    parts.push(pattern);
  }
  if (consonants < MIN_CONSONANTS) return null;
  return parts.join("[\\s\\u00A0-]+");
}
