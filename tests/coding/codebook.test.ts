import { describe, expect, it } from "vitest";
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
} from "../../app/coding/codebook.server";
import { applyTheme, codingsForUnits } from "../../app/coding/codings.server";
import { addAnswer, addParticipant, codingStudyForTests } from "./fixtures";

const study = codingStudyForTests();

describe("codebook", () => {
  it("seeds from the seed study's 12 relational values and 10 focus-group themes, once", async () => {
    expect(SEED_CODEBOOK[0]!.children).toHaveLength(12);
    expect(await seedCodebook(study.db, study.fx.scope, study.fx.users.researcher)).toBe(24);
    expect(await seedCodebook(study.db, study.fx.scope, study.fx.users.researcher)).toBe(0);
    const themes = await listThemes(study.db, study.fx.scope);
    expect(themes[0]).toMatchObject({ name: "Relational values", depth: 0 });
    expect(themes[1]).toMatchObject({ name: "Connection, compassion and care", depth: 1 });
    expect(themes.every((th) => th.status === "accepted" && /^#[0-9a-f]{6}$/.test(th.colour))).toBe(true);
  });

  it("takes proposals from peer researchers, which a researcher accepts, renames and merges, keeping the history", async () => {
    const proposal = await proposeTheme(study.db, study.fx.scope, study.fx.users.peer, {
      name: "Feeling seen in my language",
      definition: "Being addressed in one's own language",
    });
    expect(proposal.status).toBe("proposed");
    await expect(
      createTheme(study.db, study.fx.scope, study.fx.users.researcher, { name: "feeling SEEN in my language" }),
    ).rejects.toMatchObject({ reason: "duplicate_name" });
    await acceptTheme(study.db, study.fx.scope, study.fx.users.researcher, proposal.id);
    await renameTheme(study.db, study.fx.scope, study.fx.users.researcher, proposal.id, "Being seen in one's language");
    await editTheme(study.db, study.fx.scope, study.fx.users.researcher, proposal.id, {
      useWhen: "Interpreting, staff who speak the language",
      colour: "#AABBCC",
    });

    const duplicate = await proposeTheme(study.db, study.fx.scope, study.fx.users.peer, { name: "Language" });
    // the proposer can code with their proposal straight away
    const p = await addParticipant(study.db, study.fx);
    const unit = await addAnswer(study.db, study.fx, p, "Someone spoke Arabic to me.");
    await applyTheme(study.db, study.fx.scope, study.fx.users.peer, { unit, themeId: duplicate.id, start: 0, end: 7 });
    await expect(
      applyTheme(study.db, study.fx.scope, study.fx.users.second, { unit, themeId: duplicate.id, start: 0, end: 7 }),
    ).rejects.toMatchObject({ reason: "theme_not_usable" });

    await mergeThemes(study.db, study.fx.scope, study.fx.users.researcher, duplicate.id, proposal.id);
    const codings = await codingsForUnits(study.db, study.fx.scope, study.fx.users.peer, [unit]);
    expect(codings.map((c) => c.themeId)).toEqual([proposal.id]);
    expect((await listThemes(study.db, study.fx.scope)).some((th) => th.id === duplicate.id)).toBe(false);
    const merged = (await listThemes(study.db, study.fx.scope, { includeMerged: true })).find((th) => th.id === duplicate.id);
    expect(merged).toMatchObject({ status: "merged", mergedInto: proposal.id });
    // a merged theme's name is free again
    await createTheme(study.db, study.fx.scope, study.fx.users.researcher, { name: "Language" });

    const history = await themeHistory(study.db, study.fx.scope, proposal.id);
    expect(history.map((h) => h.change)).toEqual(["proposed", "accepted", "renamed", "edited", "merged_from"]);
    expect(history[2]!.detail).toMatchObject({ from: "Feeling seen in my language", to: "Being seen in one's language" });
  });

  it("refuses a theme under itself", async () => {
    const a = await createTheme(study.db, study.fx.scope, null, { name: "A" });
    const b = await createTheme(study.db, study.fx.scope, null, { name: "B", parentId: a.id });
    await expect(editTheme(study.db, study.fx.scope, null, a.id, { parentId: b.id })).rejects.toBeInstanceOf(CodebookError);
  });
});
