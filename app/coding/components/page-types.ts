import type { SerializeFrom } from "@remix-run/node";
import type { CodingPageData } from "../coding-page.server";

/** The coding page's data as the browser receives it (app/coding/coding-page.server.ts). */
export type PageData = SerializeFrom<CodingPageData>;
export type PageUnit = PageData["units"][number];
export type PageCoding = PageUnit["codings"][number];
export type PageTheme = PageData["themes"][number];
