import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { workspaceHeaders } from "~/auth/headers";
import { useT } from "~/i18n/react";
import { StudyForm } from "~/studies/StudyForm";
import { availableInstrumentVersions, studyInputFromForm, studyInputFromStudy, updateStudy } from "~/studies/studies.server";
import { readFormBody } from "~/security/form-body.server";
import { requireStudyMember } from "~/workspace/request.server";

export const headers = workspaceHeaders;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member, study } = await requireStudyMember(request, context, params, "study:edit");
  return {
    values: studyInputFromStudy(study),
    slugLocked: study.status !== "draft",
    instruments: await availableInstrumentVersions(member.db),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { member, study } = await requireStudyMember(request, context, params, "study:edit");
  const input = studyInputFromForm(await readFormBody(request));
  const result = await updateStudy(member.db, {
    organisationId: member.organisation.id,
    studyId: study.id,
    actorUserId: member.session.userId,
    study: input,
  });
  if (result.ok) return redirect(`/research/${member.organisation.slug}/studies/${result.slug}`);
  return json({ errors: result.errors, values: input }, { status: 400 });
}

export default function EditStudy() {
  const t = useT();
  const { values, slugLocked, instruments } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <main id="main" className="ws-main">
      <h1>{t("workspace.studyForm.editTitle")}</h1>
      <StudyForm
        values={result?.values ?? values}
        instruments={instruments}
        errors={result?.errors}
        submitLabel={t("workspace.studyForm.save")}
        slugLocked={slugLocked}
      />
    </main>
  );
}
