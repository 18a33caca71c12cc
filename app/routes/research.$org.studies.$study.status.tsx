import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { workspaceHeaders } from "~/auth/headers";
import { useT } from "~/i18n/react";
import { setStudyStatus } from "~/studies/studies.server";
import { readFormBody } from "~/security/form-body.server";
import { requireStudyMember } from "~/workspace/request.server";
import { ErrorSummary } from "~/workspace/components/ErrorSummary";

export const headers = workspaceHeaders;

// Opening and closing, posted from the study's overview page. After a refused change the page
// says why; reached by GET it only links back.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member, study } = await requireStudyMember(request, context, params, "study:status");
  return { base: `/research/${member.organisation.slug}/studies/${study.slug}` };
}

const statusSchema = z.object({ status: z.enum(["open", "closed"]) });

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { member, study } = await requireStudyMember(request, context, params, "study:status");
  const parsed = statusSchema.safeParse(Object.fromEntries(await readFormBody(request)));
  if (!parsed.success) return json({ error: "invalid" }, { status: 400 });
  const result = await setStudyStatus(member.db, {
    organisationId: member.organisation.id,
    studyId: study.id,
    status: parsed.data.status,
    actorUserId: member.session.userId,
  });
  if (!result.ok) return json({ error: result.error }, { status: 400 });
  return redirect(`/research/${member.organisation.slug}/studies/${study.slug}`);
}

export default function StudyStatusProblem() {
  const t = useT();
  const result = useActionData<typeof action>();
  const { base } = useLoaderData<typeof loader>();
  return (
    <main id="main" className="ws-main">
      {result && "error" in result ? <ErrorSummary errors={[{ message: t(`workspace.study.errors.${result.error}`) }]} /> : null}
      <p>
        <Link to={base}>{t("workspace.study.back")}</Link>
      </p>
    </main>
  );
}
