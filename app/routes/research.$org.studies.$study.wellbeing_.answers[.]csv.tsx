import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { wellbeingCsv } from "~/wellbeing/export.server";
import { readFormBody } from "~/security/form-body.server";
import { requireStudyMember } from "~/workspace/request.server";

const exportSchema = z.object({
  measure: z.string().max(100).optional(),
  cohort: z.string().uuid().optional().or(z.literal("")),
  csrf: z.string().optional(),
});

/**
 * The wellbeing CSV (one row per participant and timepoint). Only a POST carrying the session's
 * CSRF token, so no prefetch, crawler or link from elsewhere can start an audited export; there is
 * no loader, so a GET is refused.
 */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const form = await readFormBody(request.clone());
  const { member, study } = await requireStudyMember(request, context, params, "export:raw");
  const parsed = exportSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) throw new Response("Bad request", { status: 400 });
  const scope = { organisationId: member.organisation.id, studyId: study.id };
  const cohort = parsed.data.cohort
    ? await member.db
        .selectFrom("cohort")
        .select("id")
        .where("id", "=", parsed.data.cohort)
        .where("study_id", "=", study.id)
        .executeTakeFirst()
    : undefined;
  const result = await wellbeingCsv(member.db, {
    ...scope,
    measureId: parsed.data.measure || undefined,
    cohortId: cohort?.id ?? null,
    actorUserId: member.session.userId,
    via: "workspace",
  });
  return new Response(result.csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${result.filename}"`,
      "Cache-Control": "no-store",
    },
  });
}
