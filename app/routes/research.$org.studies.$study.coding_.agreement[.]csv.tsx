import type { LoaderFunctionArgs } from "@remix-run/node";
import { agreementDecisionsCsv, agreementQuery } from "~/coding/agreement.server";
import { isBlind, isFinished } from "~/coding/codings.server";
import { requireStudyMember } from "~/workspace/request.server";

/**
 * The agreement page's decisions as CSV: every chosen coder's decision (applied, not applied, not
 * coded) on every unit and theme behind the figures the page shows, from the same address, so that
 * anyone can recompute them (docs/decisions/070-agreement-figures.md). A plain link, so it works
 * without JavaScript; audited as an export by the domain function.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, scope, study, userId } = await requireStudyMember(request, context, params, "export:raw");
  const q = await agreementQuery(db, scope, new URL(request.url).searchParams);
  if (q.chosen.length < 2) throw new Response("Choose two or more coders", { status: 404 });
  // As on the page: in a blind study, each coder's decisions only after the viewer has finished.
  if ((await isBlind(db, scope.studyId)) && !(await isFinished(db, scope.studyId, userId))) throw new Response("Not yet", { status: 403 });
  const { csv } = await agreementDecisionsCsv(
    db,
    scope,
    { userId, via: "workspace" },
    { coders: q.chosen, units: await q.units(), participantTurnsOnly: q.participantTurnsOnly, filter: q.filter },
  );
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${study.slug}-agreement-decisions.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
