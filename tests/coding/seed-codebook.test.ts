/**
 * The seeded codebook starts with meaning, not only names: every seeded theme has a short
 * plain-English definition and says when to use it and when not, and each "use … instead" points at a
 * theme that exists. Seeding never touches a study that already has a codebook.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTheme, listThemes, SEED_CODEBOOK, seedCodebook } from "../../app/coding/codebook.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { createCodingFixture, type CodingFixture } from "./fixtures";

let t: TestDatabase;
let fx: CodingFixture;
let existing: CodingFixture;
beforeAll(async () => {
  t = await createTestDatabase();
  fx = await createCodingFixture(t.db);
  existing = await createCodingFixture(t.db);
});
afterAll(() => t?.destroy());

describe("the seeded codebook", () => {
  it("gives every seeded theme a short definition and when to use it and not", async () => {
    expect(await seedCodebook(t.db, fx.scope, fx.users.researcher)).toBe(24);
    const themes = await listThemes(t.db, fx.scope);
    expect(themes).toHaveLength(24);
    for (const theme of themes) {
      expect(theme.definition.length, theme.name).toBeGreaterThan(20);
      expect(theme.definition.length, theme.name).toBeLessThanOrEqual(200);
      expect(theme.useWhen, theme.name).not.toBe("");
      expect(theme.notUseWhen, theme.name).not.toBe("");
    }
    const peer = themes.find((th) => th.name === "Value of peer support")!;
    expect(peer.definition).toBe("Support from people with similar experiences: other sanctuary seekers, peer mentors, peer researchers.");
    expect(peer.depth).toBe(1);
  });

  it("points each 'use … instead' at a theme in the same codebook", () => {
    const names = SEED_CODEBOOK.flatMap((g) => g.children.map((c) => c.name));
    for (const theme of SEED_CODEBOOK.flatMap((g) => g.children)) {
      const pointer = /use ([^:.]+?)\.$/.exec(theme.notUseWhen)?.[1];
      expect(pointer, theme.name).toBeDefined();
      expect(
        names.some((n) => n === pointer || n.startsWith(`${pointer} (`)),
        `${theme.name} → ${pointer}`,
      ).toBe(true);
    }
  });

  it("leaves a study that already has themes as it is", async () => {
    const own = await createTheme(t.db, existing.scope, existing.users.researcher, { name: "Timeliness" });
    expect(await seedCodebook(t.db, existing.scope, existing.users.researcher)).toBe(0);
    const themes = await listThemes(t.db, existing.scope);
    expect(themes).toHaveLength(1);
    expect(themes[0]).toMatchObject({ id: own.id, definition: "", useWhen: "", notUseWhen: "" });
  });
});
