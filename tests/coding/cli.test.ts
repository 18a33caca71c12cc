import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createTheme } from "../../app/coding/codebook.server";
import { applyTheme } from "../../app/coding/codings.server";
import { codingCommands } from "../../scripts/commands/coding";
import type { CommandContext } from "../../scripts/commands/types";
import { addAnswer, addParticipant, codingStudyForTests } from "./fixtures";

const study = codingStudyForTests();

function command(name: string) {
  return codingCommands.find((c) => c.name === name)!;
}

describe("cli export quotes / qdpx", () => {
  it("writes consented quotes and a project, audited as the command line", async () => {
    const theme = await createTheme(study.db, study.fx.scope, null, { name: "Peer support" });
    const yes = await addAnswer(
      study.db,
      study.fx,
      await addParticipant(study.db, study.fx, { quotes: true }),
      "Peers understood me. Diolch!",
    );
    const no = await addAnswer(study.db, study.fx, await addParticipant(study.db, study.fx, { quotes: false }), "NO-CONSENT words");
    for (const unit of [yes, no])
      await applyTheme(study.db, study.fx.scope, study.fx.users.researcher, { unit, themeId: theme.id, start: 0, end: 5 });
    const dir = mkdtempSync(path.join(tmpdir(), "cli-quotes-"));
    const out: string[] = [];
    const ctx: CommandContext = { out: (l) => out.push(l), err: (l) => out.push(l), env: process.env, openDb: async () => study.database };
    expect(
      await command("export quotes").run(
        ["--study", study.fx.studySlug, "--theme", "peer support", "--format", "csv", "--out", path.join(dir, "q.csv")],
        ctx,
      ),
    ).toBe(0);
    const csv = readFileSync(path.join(dir, "q.csv"), "utf8");
    expect(csv.startsWith("\uFEFF")).toBe(true);
    expect(csv).toContain("Peers");
    expect(csv).not.toContain("NO-CO");
    expect(out).toEqual([`1 quote written to ${path.join(dir, "q.csv")}.`]);
    await expect(
      command("export quotes").run(["--study", study.fx.studySlug, "--theme", "nope", "--out", path.join(dir, "x.csv")], ctx),
    ).rejects.toThrow(/No theme/);
    expect(await command("export qdpx").run(["--study", study.fx.studySlug, "--out", path.join(dir, "p.qdpx")], ctx)).toBe(0);
    expect(readFileSync(path.join(dir, "p.qdpx")).subarray(0, 4).toString("hex")).toBe("504b0304");
    expect(
      await command("export answers").run(["--study", study.fx.studySlug, "--format", "wide", "--out", path.join(dir, "w.csv")], ctx),
    ).toBe(0);
    expect(readFileSync(path.join(dir, "w.csv"), "utf8")).toContain("Peers understood me");
    expect(
      await command("export coded").run(
        ["--study", study.fx.studySlug, "--out", path.join(dir, "c.csv"), "--codebook", path.join(dir, "b.csv")],
        ctx,
      ),
    ).toBe(0);
    expect(readFileSync(path.join(dir, "b.csv"), "utf8")).toContain("Peer support");
    expect(
      await command("export answers").run(["--study", study.fx.studySlug, "--format", "dictionary", "--out", path.join(dir, "d.csv")], ctx),
    ).toBe(0);
    const audit = await study.db.selectFrom("audit_event").select(["actor_user_id", "detail"]).where("action", "=", "export").execute();
    expect(
      audit.map((a) => [a.actor_user_id, (a.detail as { via: string; export: string }).export, (a.detail as { via: string }).via]),
    ).toEqual([
      [null, "quotes", "cli"],
      [null, "qdpx", "cli"],
      [null, "answers_wide", "cli"],
      [null, "coded_spans", "cli"],
      [null, "codebook", "cli"],
      [null, "data_dictionary", "cli"],
    ]);
  });
});
