import { describe, expect, it } from "vitest";
import { detectFormat, parseTranscript, speakerLabels } from "../../app/fieldwork/transcript";

describe("plain text transcripts", () => {
  it("reads 'Label: text' turns, wrapped lines and unlabelled continuations", () => {
    const source = [
      "Facilitator: Croeso. Welcome, everyone.",
      "",
      "P1: The interpreter made me feel seen.",
      "It was the first time.",
      "",
      "[Interpreter]: She says the waiting was the hardest part.",
      "",
      "And she thanks you.",
      "Ŵyn: Diolch yn fawr — dw i'n hapus.",
      "أمل: شعرت بالأمان هنا 🙏",
    ].join("\n");
    const turns = parseTranscript(source);
    expect(turns.map((t) => t.label)).toEqual(["Facilitator", "P1", "Interpreter", "Ŵyn", "أمل"]);
    expect(turns[1]!.text).toBe("The interpreter made me feel seen.\nIt was the first time.");
    expect(turns[2]!.text).toBe("She says the waiting was the hardest part.\n\nAnd she thanks you.");
    expect(turns[4]!.text).toBe("شعرت بالأمان هنا 🙏");
    expect(speakerLabels(turns)).toEqual(["Facilitator", "P1", "Interpreter", "Ŵyn", "أمل"]);
  });

  it("strips a timestamp before the label and keeps text with no label as its own turn", () => {
    const turns = parseTranscript("[00:01:02] P2: Yes.\n\nSome notes without a speaker.");
    expect(turns[0]).toMatchObject({ label: "P2", text: "Yes.\n\nSome notes without a speaker." });
    expect(parseTranscript("Notes only.")[0]).toMatchObject({ label: null, text: "Notes only." });
  });

  it("does not take a time of day or a long sentence for a label", () => {
    const turns = parseTranscript("P1: We met at 10:30 and then\nthe meeting was long: very long indeed, for everyone in the room there");
    expect(turns).toHaveLength(1);
  });
});

describe("WebVTT transcripts", () => {
  const vtt = [
    "WEBVTT",
    "",
    "NOTE exported from the recorder",
    "",
    "1",
    "00:00:01.000 --> 00:00:04.500",
    "<v Facilitator>Shall we start?</v>",
    "",
    "00:00:05.000 --> 00:00:09.000 align:start",
    "<v.loud P1>I felt &lt;safe&gt; &amp; welcome",
    "in the group.</v>",
    "",
    "01:00:10.250 --> 01:00:12.000",
    "Interpreter: مرحبا",
  ].join("\n");

  it("detects the format and reads voice spans, timings and entities", () => {
    expect(detectFormat(vtt)).toBe("vtt");
    const turns = parseTranscript(vtt);
    expect(turns).toEqual([
      { label: "Facilitator", text: "Shall we start?", startsMs: 1000, endsMs: 4500 },
      { label: "P1", text: "I felt <safe> & welcome in the group.", startsMs: 5000, endsMs: 9000 },
      { label: "Interpreter", text: "مرحبا", startsMs: 3610250, endsMs: 3612000 },
    ]);
  });

  it("gives an unlabelled cue the previous speaker, keeping its timing", () => {
    const turns = parseTranscript("WEBVTT\n\n00:01.000 --> 00:02.000\n<v P3>One\n\n00:02.000 --> 00:03.000\ntwo");
    expect(turns).toEqual([
      { label: "P3", text: "One", startsMs: 1000, endsMs: 2000 },
      { label: "P3", text: "two", startsMs: 2000, endsMs: 3000 },
    ]);
  });
});
