import type { ActionFunctionArgs } from "@remix-run/node";
import { exportDownload, isExportFile } from "~/coding/export-downloads.server";
import { field, readFormBody } from "~/security/form-body.server";
import { requireStudyMember } from "~/workspace/request.server";

// A resource route: each form on the Exports page posts here (with the CSRF token) and the browser
// saves the file. The export is audited by the domain function with its filter and row count.
export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, scope, study, userId } = await requireStudyMember(request, context, params, "export:raw");
  if (!isExportFile(params.file)) throw new Response("Not found", { status: 404 });
  // Labels for the statistics files: one of the study's languages, or English.
  const language = field(await readFormBody(request), "language") || undefined;
  if (language !== undefined && language !== "en" && !study.languages.includes(language))
    throw new Response("This study has no such language.", { status: 400 });
  return exportDownload(db, scope, study.slug, { userId, via: "workspace" }, params.file, { language });
}

export async function loader() {
  throw new Response("Not found", { status: 404 });
}
