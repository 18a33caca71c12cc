// Each turn's language suggested from its script (app/fieldwork/turn-language.ts), and the transcript
// convention that links an interpreter's turn to the turn it renders ("=" after the label).
import { describe, expect, it } from "vitest";
import { dominantScript, suggestTurnLanguage } from "../../app/fieldwork/turn-language";
import { parseTranscript } from "../../app/fieldwork/transcript";

const suggest = (text: string, transcriptLanguage: string, studyLanguages: string[] = []) =>
  suggestTurnLanguage(text, { transcriptLanguage, studyLanguages });

describe("a turn's language from its script", () => {
  it("tells Arabic script from Latin by most letters, ignoring digits, marks and emoji", () => {
    expect(dominantScript("شعرت بالأمان هنا 🙏")).toBe("arabic");
    expect(dominantScript("Diolch yn fawr — dw i'n hapus")).toBe("latin");
    expect(dominantScript("OK, شعرت بالأمان هنا")).toBe("arabic");
    expect(dominantScript("The word أمان means safety")).toBe("latin");
    expect(dominantScript("١٢٣ 🙏 123 …")).toBe("other");
  });

  it("an Arabic-script turn of an English or Welsh transcript is Arabic by default", () => {
    expect(suggest("شعرت بالأمان هنا", "en")).toBe("ar");
    expect(suggest("شعرت بالأمان هنا", "cy", ["en", "cy", "ar"])).toBe("ar");
    // Arabic together with Farsi in the study: Arabic unless letters only Farsi uses say otherwise
    expect(suggest("شعرت بالأمان هنا", "en", ["en", "ar", "fa"])).toBe("ar");
  });

  it("is Farsi, Pashto or Sorani when the study's languages make that the likely one", () => {
    // the study's one Arabic-script language
    expect(suggest("من اینجا احساس امنیت کردم", "en", ["en", "fa"])).toBe("fa");
    expect(suggest("دلته ما ځان خوندي احساس کړ", "en", ["cy", "ps"])).toBe("ps");
    expect(suggest("لێرە هەستم بە ئارامی کرد", "en", ["en", "ckb"])).toBe("ckb");
    // several: the letters only one of them uses decide
    expect(suggest("من اینجا احساس امنیت کردم، چون پناهگاه بود", "en", ["en", "ar", "fa", "ps"])).toBe("fa");
    expect(suggest("دلته ما ځان خوندي احساس کړ", "en", ["en", "ar", "fa", "ps"])).toBe("ps");
    expect(suggest("لێرە هەستم بە ئارامی کرد", "en", ["ar", "fa", "ckb"])).toBe("ckb");
  });

  it("keeps the transcript's language when it is written in the turn's script", () => {
    expect(suggest("شعرت بالأمان هنا", "fa", ["en", "ar", "fa"])).toBe("fa");
    expect(suggest("Croeso i bawb", "cy", ["en", "cy"])).toBe("cy");
    expect(suggest("Welcome, everyone", "en", ["en", "ar"])).toBe("en");
    expect(suggest("🙏", "cy")).toBe("cy");
  });

  it("a Latin-script turn of an Arabic transcript is the study's Latin-script language", () => {
    expect(suggest("She says she felt safe", "ar", ["ar", "en"])).toBe("en");
    expect(suggest("Mae hi'n dweud ei bod hi'n teimlo'n ddiogel", "ar", ["cy", "ar"])).toBe("cy");
    expect(suggest("She says she felt safe", "ar")).toBe("en");
  });
});

describe("the rendering mark", () => {
  it('reads "=" after the label as a possible rendering, in plain text and WebVTT, keeping the words as written', () => {
    const plain = parseTranscript(
      "P1: كنت خائفة في البداية\nInterpreter: = I was afraid at first\nP2: =HYPERLINK(1) is what I typed\nP3: a = b\nP4: =",
    );
    expect(plain.map((t) => [t.label, t.text, t.rendering ?? null])).toEqual([
      ["P1", "كنت خائفة في البداية", null],
      ["Interpreter", "= I was afraid at first", "I was afraid at first"],
      ["P2", "=HYPERLINK(1) is what I typed", "HYPERLINK(1) is what I typed"],
      ["P3", "a = b", null],
      ["P4", "=", null],
    ]);
    const vtt = parseTranscript(
      "WEBVTT\n\n00:00.000 --> 00:02.000\n<v P1>شعرت بالأمان\n\n00:02.000 --> 00:04.000\n<v Interpreter>＝ I felt safe\n",
    );
    expect(vtt.map((t) => [t.label, t.rendering ?? null])).toEqual([
      ["P1", null],
      ["Interpreter", "I felt safe"],
    ]);
  });
});
