// The poster's type fills the A4 sheet (issue 12 item 12; ADRs 051, 066): short words print large,
// and the choice only ever gets smaller as the words grow.
import { describe, expect, it } from "vitest";
import { fitPoster, POSTER_SIZES, type PosterSize } from "../../app/report-back/poster.server";
import type { PublicEntry } from "../../app/report-back/public.server";

const sentence = "We listened to everything you told us about the drop-in and the waiting room. ";

function entry(did: string, quotes = 1): PublicEntry {
  const quote = { text: "They listened to me and did not rush me.", language: "en", translations: {} };
  return {
    texts: { en: { title: "Listening at the drop-in", asked: "We asked how the drop-in could feel safer.", did, notDoingReason: "" } },
    themes: [{ themeId: "a", labels: { en: "Being heard" }, people: { exact: 6 }, quotes: Array.from({ length: quotes }, () => quote) }],
    actionStatus: "in_progress",
  } as unknown as PublicEntry;
}

describe("poster type size", () => {
  it("prints a short entry in the largest type, with its quote", () => {
    expect(fitPoster(entry("We trained every volunteer."), ["en"])).toEqual({ size: "24pt", quotes: 1, fits: true });
  });

  it("steps down one size at a time as the words grow, keeping quotes down to 15 pt, never growing again", () => {
    const order = Object.keys(POSTER_SIZES) as PosterSize[];
    const seen = [1, 2, 4, 6, 8, 10, 14, 20, 30].map((n) => fitPoster(entry(sentence.repeat(n)), ["en"]));
    for (let i = 1; i < seen.length; i++) expect(order.indexOf(seen[i]!.size)).toBeGreaterThanOrEqual(order.indexOf(seen[i - 1]!.size));
    expect(new Set(seen.map((s) => s.size)).size).toBeGreaterThanOrEqual(4);
    for (const s of seen) if (POSTER_SIZES[s.size] < 15) expect(s.quotes).toBe(0);
    expect(seen.some((s) => s.size === "21pt")).toBe(true);
  });
});
