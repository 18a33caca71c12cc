/**
 * How well the poster's estimate matches Chromium (ADR 051): prints, for sample entries in each
 * language pair and at every type size, the tallest column's real height and the estimate.
 *
 *   npx tsx scripts/calibrate-poster.ts      (needs /usr/bin/chromium; builds the app if stale)
 *
 * A ratio real/estimate above 1 would spill a poster onto a second sheet; far below 1 leaves the
 * sheet emptier than it need be. Change CHAR_EM, WRAP_LOSS or ARABIC_SCRIPT_SHARE with these figures.
 */
import { execSync } from "node:child_process";

import { columnHeight, POSTER_SIZES, posterLanguages, type PosterSize } from "../app/report-back/poster.server";
import { loadEntry } from "../app/report-back/public.server";
import { startTestApp } from "../tests/support/app";
import { launchBrowser } from "../tests/support/browser";
import { createReportBackFixture, publishedEntry, republishWith } from "../tests/report-back/fixtures";
import { isBuildStale } from "./build-state";

if (isBuildStale()) execSync("npx remix build", { stdio: ["ignore", "ignore", "inherit"] });
const app = await startTestApp();
const fx = await createReportBackFixture(app.db);
await publishedEntry(app.db, fx, "listening-better", { allLanguages: true });
const browser = await launchBrowser();

try {
  const sentence = "We listened to everything you told us about the drop-in and the waiting room. ";
  for (const n of [3, 8, 14])
    await republishWith(app.db, fx, `long-${n}`, {
      title: "A long report",
      asked: "We asked about the drop-in.",
      did: `${sentence.repeat(n)}The end of what we did.`,
    });
  const page = await (await browser.newContext({ viewport: { width: 703, height: 1032 } })).newPage();
  const out: string[] = [];
  for (const slug of ["listening-better", "long-3", "long-8", "long-14"]) {
    for (const lang of ["en", "ar", "fa", "cy"]) {
      const entry = (await loadEntry(app.db, fx.scope.organisationId, slug))!;
      if (!entry.texts[lang] && lang !== "en") continue;
      await page.goto(`${app.url}/o/${fx.orgSlug}/you-said-we-did/${slug}?lang=${lang}`);
      await page.emulateMedia({ media: "print" });
      const langs = posterLanguages(entry, lang);
      const quotes = (await page.locator(".rb-poster-quote").count()) / Math.max(1, await page.locator(".rb-poster-column").count());
      for (const size of Object.keys(POSTER_SIZES) as PosterSize[]) {
        const m = await page.evaluate((size) => {
          const poster = document.querySelector(".rb-poster")!;
          poster.className = poster.className.replace(/rb-poster-size-\w+/, `rb-poster-size-${size}`);
          const pxmm = 96 / 25.4;
          const cols = [...document.querySelectorAll(".rb-poster-column")].map((c) => {
            const top = c.getBoundingClientRect().top;
            const parts = [...c.children].map((ch) => {
              const r = ch.getBoundingClientRect();
              const st = getComputedStyle(ch);
              return `${ch.tagName}:${((r.height + parseFloat(st.marginTop) + parseFloat(st.marginBottom)) / pxmm).toFixed(1)}`;
            });
            const last = c.lastElementChild!;
            const mb = parseFloat(getComputedStyle(last).marginBottom);
            return {
              h: (last.getBoundingClientRect().bottom + mb - top) / pxmm,
              w: c.getBoundingClientRect().width / pxmm,
              parts: parts.join(" "),
            };
          });
          const avail = document.querySelector(".rb-poster-columns")!.getBoundingClientRect().height / pxmm;
          const footer = document.querySelector(".rb-poster-footer")!.getBoundingClientRect().height / pxmm;
          return { cols, avail, footer };
        }, size);
        const width = m.cols[0]!.w;
        const est = langs.map((l) => columnHeight(entry, l, width, POSTER_SIZES[size], quotes));
        out.push(
          `${slug} ${langs.join("+")} ${size} avail=${m.avail.toFixed(0)} footer=${m.footer.toFixed(0)} w=${width.toFixed(0)} q=${quotes} ` +
            m.cols
              .map((c, i) => `[${langs[i]} real=${c.h.toFixed(0)} est=${est[i]!.toFixed(0)} r=${(c.h / est[i]!).toFixed(2)}]`)
              .join(" "),
        );
        if (size === "15pt") out.push("   " + m.cols.map((c) => c.parts).join("\n   "));
      }
    }
  }
  console.log(out.join("\n"));
} finally {
  await browser.close();
  await app.close();
}
