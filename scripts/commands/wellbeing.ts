import { writeFileSync } from "node:fs";
import { defaultDataDir, type DB } from "../../db/index";
import { loadSecrets } from "../../app/security/secrets.server";
import { CohortProblem, createCohort, findCohortByName, joinCohort } from "../../app/wellbeing/cohorts.server";
import { wellbeingCsv } from "../../app/wellbeing/export.server";
import { measureComparison, WellbeingReportError } from "../../app/wellbeing/report.server";
import { studyScopeBySlug } from "../../app/studies/lookup.server";
import { CliError, parseOptions, requireOption, type Command, type CommandContext } from "./types";

async function studyBySlug(db: DB, slug: string) {
  const scope = await studyScopeBySlug(db, slug);
  if (!scope) throw new CliError(`No study "${slug}".`);
  return scope;
}

async function cohortId(db: DB, scope: { studyId: string; organisationId: string }, name: string | undefined) {
  if (name === undefined) return undefined;
  const cohort = await findCohortByName(db, scope, name);
  if (!cohort) throw new CliError(`The study has no cohort "${name}".`);
  return cohort.id;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
function optionalDate(value: string | undefined, flag: string) {
  if (value !== undefined && !DATE.test(value)) throw new CliError(`--${flag} must be a date, YYYY-MM-DD.`);
  return value ?? null;
}

/** Figures to print for people; --json prints them exactly and unrounded for scripts and checks. */
function printComparison(out: CommandContext["out"], c: Awaited<ReturnType<typeof measureComparison>>) {
  const f = (v: number | null, digits = 2) => (v === null ? "—" : v.toFixed(digits));
  out(`${c.measure}: ${c.n_pairs} pairs (${c.n_pre} with a pre score, ${c.n_post} with a post score)`);
  out(`  mean pre ${f(c.mean_pre)} (SD ${f(c.sd_pre)}), mean post ${f(c.mean_post)} (SD ${f(c.sd_post)})`);
  out(`  mean change ${f(c.mean_change)} (95% CI ${f(c.ci95_low)} to ${f(c.ci95_high)}); d_z ${f(c.d_z)}`);
  out(`  paired t ${f(c.t, 3)}, df ${c.df ?? "—"}, p ${f(c.p_t, 4)}`);
  out(
    `  Wilcoxon V ${c.wilcoxon_v ?? "—"}, p ${f(c.p_wilcoxon, 4)} (${c.wilcoxon_exact === null ? "—" : c.wilcoxon_exact ? "exact" : "normal approximation"})`,
  );
  out(`  improved ${c.improved}, unchanged ${c.unchanged}, worsened ${c.worsened}`);
}

const reportWellbeing: Command = {
  name: "report wellbeing",
  summary: "Pre/post comparison of one measure (all cohorts, or one)",
  usage: `npm run cli -- report wellbeing --study <slug> --measure <measure-id> [--cohort <name>] [--pre pre] [--post post] [--json]

  --json   one JSON object with exactly: measure, n_pre, n_post, n_pairs, mean_pre, mean_post, sd_pre,
           sd_post, mean_change, ci95_low, ci95_high, t, df, p_t, wilcoxon_v, p_wilcoxon,
           wilcoxon_exact, d_z, improved, unchanged, worsened (unrounded; null when not computable).
  Withdrawn participants who chose erasure are not counted; "stop and keep" participants are.`,
  async run(args, ctx) {
    const { values, switches } = parseOptions(args, { values: ["study", "measure", "cohort", "pre", "post"], switches: ["json"] });
    const { db } = await ctx.openDb();
    const scope = await studyBySlug(db, requireOption(values, "study"));
    try {
      const comparison = await measureComparison(db, {
        ...scope,
        measureId: requireOption(values, "measure"),
        cohortId: await cohortId(db, scope, values.cohort),
        pre: values.pre,
        post: values.post,
      });
      if (switches.has("json")) ctx.out(JSON.stringify(comparison));
      else printComparison(ctx.out, comparison);
      return 0;
    } catch (error) {
      if (error instanceof WellbeingReportError) throw new CliError(error.message);
      throw error;
    }
  },
};

const exportWellbeing: Command = {
  name: "export wellbeing",
  summary: "Wellbeing CSV: one row per participant and timepoint (audited)",
  usage: `npm run cli -- export wellbeing --study <slug> [--measure <measure-id>] [--cohort <name>] [--out <file.csv>]

  Writes to --out, or to standard output. Participants appear under a pseudonym, never their code;
  free-text answers are not included. The export is recorded in the audit log.`,
  async run(args, ctx) {
    const { values } = parseOptions(args, { values: ["study", "measure", "cohort", "out"] });
    const { db } = await ctx.openDb();
    const scope = await studyBySlug(db, requireOption(values, "study"));
    const result = await wellbeingCsv(db, {
      ...scope,
      measureId: values.measure,
      cohortId: await cohortId(db, scope, values.cohort),
      via: "cli",
    }).catch((error: Error) => {
      throw new CliError(error.message);
    });
    if (values.out) {
      writeFileSync(values.out, result.csv);
      ctx.out(`Wrote ${result.rows} rows to ${values.out}.`);
    } else {
      ctx.out(result.csv.replace(/\r\n$/, ""));
    }
    return 0;
  },
};

const cohortCreate: Command = {
  name: "cohort create",
  summary: "Add a peer-support cohort to a study",
  usage: "npm run cli -- cohort create --study <slug> --name <name> [--starts YYYY-MM-DD] [--ends YYYY-MM-DD]",
  async run(args, ctx) {
    const { values } = parseOptions(args, { values: ["study", "name", "starts", "ends"] });
    const { db } = await ctx.openDb();
    const scope = await studyBySlug(db, requireOption(values, "study"));
    try {
      await createCohort(db, scope, {
        name: requireOption(values, "name"),
        startsOn: optionalDate(values.starts, "starts"),
        endsOn: optionalDate(values.ends, "ends"),
      });
    } catch (error) {
      if (error instanceof CohortProblem) throw new CliError(`Could not create the cohort: ${error.problem.kind.replace(/_/g, " ")}.`);
      throw error;
    }
    ctx.out(`Cohort "${values.name}" added to ${scope.slug}.`);
    return 0;
  },
};

const cohortJoin: Command = {
  name: "cohort join",
  summary: "Put the participant with a code in a cohort",
  usage: `npm run cli -- cohort join --study <slug> --cohort <name> --code <participant code> [--on YYYY-MM-DD]

  Needs the same TANDEM_SECRET (or data folder) as the server, which hashes codes with it.`,
  async run(args, ctx) {
    const { values } = parseOptions(args, { values: ["study", "cohort", "code", "on"] });
    const { db, kind } = await ctx.openDb();
    const scope = await studyBySlug(db, requireOption(values, "study"));
    const cohort = await cohortId(db, scope, requireOption(values, "cohort"));
    const secrets = loadSecrets({ dataDir: defaultDataDir(), usingPostgres: kind === "postgres" });
    const result = await joinCohort(
      db,
      scope,
      {
        cohortId: cohort!,
        code: requireOption(values, "code"),
        joinedOn: optionalDate(values.on, "on") ?? new Date().toISOString().slice(0, 10),
      },
      secrets.codeHashKey,
    );
    if (!result.ok) throw new CliError(`That code cannot join the cohort (${result.reason}).`);
    ctx.out(result.moved ? `Moved to "${values.cohort}".` : `In "${values.cohort}".`);
    return 0;
  },
};

export const wellbeingCommands: Command[] = [reportWellbeing, exportWellbeing, cohortCreate, cohortJoin];
