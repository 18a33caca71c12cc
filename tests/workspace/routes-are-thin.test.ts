/**
 * Routes stay thin (issue 13 item 5, docs/decisions/069-workspace-layer.md): each parses, calls a
 * domain module and renders, so none is over 250 lines and none reaches into db/ itself.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROUTES = path.resolve("app/routes");
const routes = readdirSync(ROUTES).filter((f) => f.endsWith(".tsx") || f.endsWith(".ts"));

describe("route modules", () => {
  it("are found", () => expect(routes.length).toBeGreaterThan(40));

  it("are at most 250 lines each", () => {
    const long = routes
      .map((f) => ({ f, lines: readFileSync(path.join(ROUTES, f), "utf8").split("\n").length - 1 }))
      .filter((r) => r.lines > 250);
    expect(long).toEqual([]);
  });

  it("never import the database layer (db/) themselves", () => {
    const reaching = routes.filter((f) => /from ["'](?:\.\.\/)+db\/|from ["']#db/.test(readFileSync(path.join(ROUTES, f), "utf8")));
    expect(reaching).toEqual([]);
  });
});
