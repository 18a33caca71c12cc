import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { workspaceHeaders } from "~/auth/headers";
import { useT } from "~/i18n/react";
import { StudyForm } from "~/studies/StudyForm";
import { availableInstrumentVersions, createStudy, studyInputFromForm, type StudyInput } from "~/studies/studies.server";
import { readFormBody } from "~/security/form-body.server";
import { requireOrganisationMember } from "~/workspace/request.server";
import { WITHDRAWAL_MODES } from "~/participants/withdrawal-modes";

export const headers = workspaceHeaders;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member } = await requireOrganisationMember(request, context, params, "study:create");
  return { instruments: await availableInstrumentVersions(member.db) };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { member } = await requireOrganisationMember(request, context, params, "study:create");
  const input = studyInputFromForm(await readFormBody(request));
  const result = await createStudy(member.db, { organisationId: member.organisation.id, actorUserId: member.session.userId, study: input });
  if (result.ok) return redirect(`/research/${member.organisation.slug}/studies/${result.slug}`);
  return json({ errors: result.errors, values: input }, { status: 400 });
}

export default function NewStudy() {
  const t = useT();
  const { instruments } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const values: Partial<StudyInput> = result?.values ?? {
    languages: ["en"],
    withdrawalModes: [...WITHDRAWAL_MODES],
    openTimepoints: ["once"],
  };
  return (
    <main id="main" className="ws-main">
      <h1>{t("workspace.studies.new")}</h1>
      <StudyForm values={values} instruments={instruments} errors={result?.errors} submitLabel={t("workspace.studyForm.create")} />
    </main>
  );
}
