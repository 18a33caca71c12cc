import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

/**
 * axe's color-contrast rule skips text it takes for an icon-font ligature: it draws the first letter
 * alone and the whole text, and when the pixels differ much it concludes "one glyph for many letters".
 * Arabic and Persian letters change shape with their neighbours, so nearly every Arabic-script text
 * looks like a ligature, and after three such texts in one font family axe skips that family
 * altogether: an Arabic page had only its Latin bits (digits, "Tandem") checked. Contrast depends on
 * colours, size and weight, not on the glyphs, so here each letter of Arabic script is replaced by a
 * Latin one in place (same element, same styles) and color-contrast runs on that. Returns the rule's
 * violations and how many elements it checked.
 */
export async function contrastInAnyScript(page: Page): Promise<{ checked: number; violations: { target: string; summary: string }[] }> {
  await page.evaluate(readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8"));
  return page.evaluate(async () => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      node.nodeValue = (node.nodeValue ?? "").replace(/[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/g, "a");
    }
    // @ts-expect-error axe is injected above
    const r = await window.axe.run(document, { runOnly: { type: "rule", values: ["color-contrast"] } });
    const count = (list: { nodes: unknown[] }[]) => list.reduce((n, v) => n + v.nodes.length, 0);
    return {
      checked: count(r.passes) + count(r.violations) + count(r.incomplete),
      violations: r.violations.flatMap((v: { nodes: { target: string[]; failureSummary: string }[] }) =>
        v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
      ),
    };
  });
}

/** How many elements axe's own color-contrast rule checks on the page as it is. */
export async function contrastChecked(page: Page): Promise<number> {
  await page.evaluate(readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8"));
  return page.evaluate(async () => {
    // @ts-expect-error axe is injected above
    const r = await window.axe.run(document, { runOnly: { type: "rule", values: ["color-contrast"] } });
    const count = (list: { nodes: unknown[] }[]) => list.reduce((n, v) => n + v.nodes.length, 0);
    return count(r.passes) + count(r.violations) + count(r.incomplete);
  });
}
