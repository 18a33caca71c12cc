import type { ActionFunctionArgs } from "@remix-run/node";
import { NO_STORE } from "~/auth/headers";
import { exportQdpx } from "~/coding/qdpx.server";
import { requireStudyMember } from "~/workspace/request.server";

// A resource route: the whole study as a REFI-QDA project (redacted, erased participants absent), audited.
export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, scope, study, userId } = await requireStudyMember(request, context, params, "export:raw");
  const result = await exportQdpx(db, scope, { userId, via: "workspace" });
  return new Response(new Uint8Array(result.zip), {
    headers: {
      ...NO_STORE,
      "Content-Type": "application/zip",
      "Content-Disposition": `attachment; filename="${study.slug}.qdpx"`,
      "X-Content-Type-Options": "nosniff",
    },
  });
}

export async function loader() {
  throw new Response("Not found", { status: 404 });
}
