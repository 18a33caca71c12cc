import { exportQuotes, type QuoteFormat } from "./quotes.server";
import { requireStudyMember } from "../workspace/request.server";
import type { AppLoadContext } from "@remix-run/node";
import { field, readFormBody } from "../security/form-body.server";

/** Parses the quote export form and runs the (audited) export. Shared by the page and the download route. */
export async function runQuoteExport(
  request: Request,
  context: AppLoadContext,
  params: { org?: string; study?: string },
  format: QuoteFormat,
) {
  const { db, scope, study, userId } = await requireStudyMember(request, context, params, "export:raw");
  const form = await readFormBody(request);
  const themeIds = form.getAll("theme").filter((v): v is string => typeof v === "string" && /^[0-9a-f-]{36}$/i.test(v));
  const translationLanguage = field(form, "translation") || "en";
  const result = await exportQuotes(
    db,
    scope,
    { userId, via: "workspace" },
    { themeIds, translationLanguage, includeSubThemes: field(form, "sub") !== "no" },
    format,
  );
  return { ...result, slug: study.slug };
}
