import { exportQuotes, type QuoteFormat } from "./quotes.server";
import { requireStudyMember } from "../workspace/request.server";
import type { AppLoadContext } from "@remix-run/node";
import { field, readFormBody } from "../security/form-body.server";
import { askAboutExportQuotes } from "../quote-checks/ask.server";

/** The quote export form's choices: themes (ids), the translation's language, and sub-themes. */
function quoteFilter(form: FormData) {
  const themeIds = form.getAll("theme").filter((v): v is string => typeof v === "string" && /^[0-9a-f-]{36}$/i.test(v));
  return { themeIds, translationLanguage: field(form, "translation") || "en", includeSubThemes: field(form, "sub") !== "no" };
}

/** Parses the quote export form and runs the (audited) export. Shared by the page and the download route. */
export async function runQuoteExport(
  request: Request,
  context: AppLoadContext,
  params: { org?: string; study?: string },
  format: QuoteFormat,
) {
  const { db, scope, study, userId } = await requireStudyMember(request, context, params, "export:raw");
  const form = await readFormBody(request);
  const result = await exportQuotes(db, scope, { userId, via: "workspace" }, quoteFilter(form), format);
  return { ...result, slug: study.slug };
}

/**
 * The quotes page's form: the print-ready export, or (`intent=ask`, in a study that checks quotes)
 * asking the people quoted to check the quotes an export of these themes would hold (ADR 078).
 */
export async function runQuotesPageForm(request: Request, context: AppLoadContext, params: { org?: string; study?: string }) {
  const { db, scope, userId } = await requireStudyMember(request, context, params, "export:raw");
  const form = await readFormBody(request);
  if (field(form, "intent") === "ask") return { asked: await askAboutExportQuotes(db, scope, { userId }, quoteFilter(form)) };
  return { quotes: (await exportQuotes(db, scope, { userId, via: "workspace" }, quoteFilter(form), "print")).quotes };
}
