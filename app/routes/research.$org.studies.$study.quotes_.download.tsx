import type { ActionFunctionArgs } from "@remix-run/node";
import { runQuoteExport } from "~/coding/quote-form.server";
import { NO_STORE } from "~/auth/headers";

// A resource route: the quote export form posts here and the browser saves the file.
export async function action({ request, context, params }: ActionFunctionArgs) {
  const format = new URL(request.url).searchParams.get("format") === "md" ? "md" : "csv";
  const { body, slug } = await runQuoteExport(request, context, params, format);
  const date = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      ...NO_STORE,
      "Content-Type": format === "csv" ? "text/csv; charset=utf-8" : "text/markdown; charset=utf-8",
      "Content-Disposition": `attachment; filename="${slug}-quotes-${date}.${format}"`,
      "X-Content-Type-Options": "nosniff",
    },
  });
}

export async function loader() {
  throw new Response("Not found", { status: 404 });
}
