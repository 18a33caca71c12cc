import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  acceptTheme,
  CodebookError,
  createTheme,
  editTheme,
  listThemes,
  mergeThemes,
  proposeTheme,
  renameTheme,
  SEED_CODEBOOK,
  seedCodebook,
  themeHistory,
} from "../app/coding/codebook.server";
import { applyTheme, codingsForUnits } from "../app/coding/codings.server";
import { createTestDatabase, type TestDatabase } from "./support/database";
import { addAnswer, addParticipant, createCodingFixture, type CodingFixture } from "./coding-fixtures";

let t: TestDatabase;
let fx: CodingFixture;
beforeAll(async () => {
  t = await createTestDatabase();
  fx = await createCodingFixture(t.db);
});
afterAll(() => t?.destroy());

describe("codebook", () => {
  it("seeds from the seed study's 12 relational values and 10 focus-group themes, once", async () => {
    expect(SEED_CODEBOOK[0]!.children).toHaveLength(12);
    expect(await seedCodebook(t.db, fx.scope, fx.users.researcher)).toBe(24);
    expect(await seedCodebook(t.db, fx.scope, fx.users.researcher)).toBe(0);
    const themes = await listThemes(t.db, fx.scope);
    expect(themes[0]).toMatchObject({ name: "Relational values", depth: 0 });
    expect(themes[1]).toMatchObject({ name: "Connection, compassion and care", depth: 1 });
    expect(themes.every((th) => th.status === "accepted" && /^#[0-9a-f]{6}$/.test(th.colour))).toBe(true);
  });

  it("takes proposals from peer researchers, which a researcher accepts, renames and merges, keeping the history", async () => {
    const proposal = await proposeTheme(t.db, fx.scope, fx.users.peer, { name: "Feeling seen in my language", definition: "Being addressed in one's own language" });
    expect(proposal.status).toBe("proposed");
    await expect(createTheme(t.db, fx.scope, fx.users.researcher, { name: "feeling SEEN in my language" })).rejects.toMatchObject({ reason: "duplicate_name" });
    await acceptTheme(t.db, fx.scope, fx.users.researcher, proposal.id);
    await renameTheme(t.db, fx.scope, fx.users.researcher, proposal.id, "Being seen in one's language");
    await editTheme(t.db, fx.scope, fx.users.researcher, proposal.id, { useWhen: "Interpreting, staff who speak the language", colour: "#AABBCC" });

    const duplicate = await proposeTheme(t.db, fx.scope, fx.users.peer, { name: "Language" });
    // the proposer can code with their proposal straight away
    const p = await addParticipant(t.db, fx);
    const unit = await addAnswer(t.db, fx, p, "Someone spoke Arabic to me.");
    await applyTheme(t.db, fx.scope, fx.users.peer, { unit, themeId: duplicate.id, start: 0, end: 7 });
    await expect(applyTheme(t.db, fx.scope, fx.users.second, { unit, themeId: duplicate.id, start: 0, end: 7 })).rejects.toMatchObject({ reason: "theme_not_usable" });

    await mergeThemes(t.db, fx.scope, fx.users.researcher, duplicate.id, proposal.id);
    const codings = await codingsForUnits(t.db, fx.scope, fx.users.peer, [unit]);
    expect(codings.map((c) => c.themeId)).toEqual([proposal.id]);
    expect((await listThemes(t.db, fx.scope)).some((th) => th.id === duplicate.id)).toBe(false);
    const merged = (await listThemes(t.db, fx.scope, { includeMerged: true })).find((th) => th.id === duplicate.id);
    expect(merged).toMatchObject({ status: "merged", mergedInto: proposal.id });
    // a merged theme's name is free again
    await createTheme(t.db, fx.scope, fx.users.researcher, { name: "Language" });

    const history = await themeHistory(t.db, fx.scope, proposal.id);
    expect(history.map((h) => h.change)).toEqual(["proposed", "accepted", "renamed", "edited", "merged_from"]);
    expect(history[2]!.detail).toMatchObject({ from: "Feeling seen in my language", to: "Being seen in one's language" });
  });

  it("refuses a theme under itself", async () => {
    const a = await createTheme(t.db, fx.scope, null, { name: "A" });
    const b = await createTheme(t.db, fx.scope, null, { name: "B", parentId: a.id });
    await expect(editTheme(t.db, fx.scope, null, a.id, { parentId: b.id })).rejects.toBeInstanceOf(CodebookError);
  });
});
