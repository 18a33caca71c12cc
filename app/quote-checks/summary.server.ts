/**
 * Where a study's quote checks stand, for the workspace (docs/decisions/078-quote-checks.md): counts
 * of checks by state, never words, never who. Silence past its day is recorded first (and audited),
 * so the counts and the audit log agree.
 */
import type { DB } from "../../db/index";
import type { QuoteCheckStatus } from "../../db/tables/quote-checks";
import { recordSilence, todayIso } from "../consent/quote-checks.server";
import { requireStudy, type StudyScope } from "../consent/scope.server";
import { parseStudySettings } from "../studies/settings";

export interface CheckSummary {
  enabled: boolean;
  waitDays: number;
  counts: Record<QuoteCheckStatus, number>;
  /** Lapsed checks whose person's consent form lets silence publish. */
  lapsedPublished: number;
}

export async function checkSummary(db: DB, scope: StudyScope): Promise<CheckSummary> {
  const study = await requireStudy(db, scope);
  const settings = parseStudySettings(study.settings).quote_check;
  await recordSilence(db, scope, todayIso());
  const rows = await db
    .selectFrom("quote_check")
    .select(["status", "silence", (eb) => eb.fn.countAll<string>().as("n")])
    .where("study_id", "=", scope.studyId)
    .groupBy(["status", "silence"])
    .execute();
  const counts: Record<QuoteCheckStatus, number> = { awaiting: 0, approved: 0, changed: 0, refused: 0, lapsed: 0 };
  let lapsedPublished = 0;
  for (const r of rows) {
    counts[r.status] += Number(r.n);
    if (r.status === "lapsed" && r.silence === "publish") lapsedPublished += Number(r.n);
  }
  return { enabled: settings.enabled, waitDays: settings.wait_days, counts, lapsedPublished };
}
