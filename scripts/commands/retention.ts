import { retentionStatus, runRetention, todayIso } from "../../app/studies/retention.server";
import { CliError, parseOptions, type Command } from "./types";

const isoDay = /^\d{4}-\d{2}-\d{2}$/;

function day(value: string | undefined): string {
  if (value === undefined) return todayIso();
  if (!isoDay.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw new CliError("--today must be a date, YYYY-MM-DD.");
  return value;
}

export const retentionStatusCommand: Command = {
  name: "retention status",
  summary: "When each study's participant data are erased, with warnings 30 and 7 days ahead",
  usage: [
    "Usage: npm run cli -- retention status [--study <slug>] [--today YYYY-MM-DD] [--json]",
    "",
    "Lists every study with a retention date: the day its data are erased, days left, any admin's",
    "decision to keep them longer, and whether they have been erased. Exit code 0; 3 when a study is",
    "within 7 days of erasure or overdue (so a cron job can alert).",
  ].join("\n"),
  async run(args, ctx) {
    const { values, switches } = parseOptions(args, { values: ["study", "today"], switches: ["json"] });
    const today = day(values.today);
    const { db } = await ctx.openDb();
    let query = db.selectFrom("study").select(["id", "slug"]).orderBy("slug");
    if (values.study) query = query.where("slug", "=", values.study);
    const studies = await query.execute();
    if (values.study && studies.length === 0) throw new CliError(`No study "${values.study}".`);
    const rows = [];
    for (const study of studies) {
      const status = (await retentionStatus(db, study.id, today))!;
      rows.push({
        study: study.slug,
        keptUntil: status.hold?.keepUntil ?? status.scheduledUntil,
        erasesOn: status.erasesOn,
        daysLeft: status.daysLeft,
        warning: status.warning,
        heldBecause: status.hold?.reason ?? null,
        erasedAt: status.erased ? status.erased.erasedAt.toISOString() : null,
      });
    }
    if (switches.has("json")) ctx.out(JSON.stringify(rows, null, 2));
    else {
      for (const r of rows) {
        if (r.erasedAt) ctx.out(`${r.study}: participant data erased on ${r.erasedAt.slice(0, 10)}.`);
        else if (!r.erasesOn) ctx.out(`${r.study}: no retention date set.`);
        else {
          const when =
            r.daysLeft! <= 0 ? `OVERDUE since ${r.erasesOn} (erased at the next run)` : `erased on ${r.erasesOn}, in ${r.daysLeft} day(s)`;
          const warn = r.warning === 30 || r.warning === 7 ? ` WARNING: ${r.warning} days or fewer.` : "";
          ctx.out(`${r.study}: kept until ${r.keptUntil}; ${when}.${warn}${r.heldBecause ? " Kept longer by an admin's decision." : ""}`);
        }
      }
    }
    return rows.some((r) => r.warning === 7 || r.warning === "due") ? 3 : 0;
  },
};

export const retentionRunCommand: Command = {
  name: "retention run",
  summary: "Erase the participant data of every study past its retention date (safe to run from cron)",
  usage: [
    "Usage: npm run cli -- retention run [--study <slug>] [--dry-run] [--today YYYY-MM-DD]",
    "",
    "Erases every participant's answers, transcripts and codings of each study whose retention date has",
    "passed and that no admin has kept longer, as a participant's erasure does; counts and the audit log",
    "stay. A study already erased, kept longer or not yet due is left alone, so running it again, or at",
    "the same time as the server's daily run, erases nothing twice. --dry-run lists what would go.",
  ].join("\n"),
  async run(args, ctx) {
    const { values, switches } = parseOptions(args, { values: ["study", "today"], switches: ["dry-run"] });
    const today = day(values.today);
    const { db } = await ctx.openDb();
    let studyId: string | undefined;
    if (values.study) {
      const row = await db.selectFrom("study").select("id").where("slug", "=", values.study).executeTakeFirst();
      if (!row) throw new CliError(`No study "${values.study}".`);
      studyId = row.id;
    }
    const dryRun = switches.has("dry-run");
    const results = await runRetention(db, { today, studyId, dryRun });
    if (results.length === 0) ctx.out("No study's data are due for erasure.");
    for (const r of results) {
      ctx.out(
        `${dryRun ? "Would erase" : "Erased"} ${r.slug} (due ${r.dueOn}): ${r.participants} participant(s), ${r.responses} response(s), ${r.answers} answer(s), ${r.segments} transcript turn(s).`,
      );
    }
    return 0;
  },
};

export const retentionCommands = [retentionStatusCommand, retentionRunCommand];
