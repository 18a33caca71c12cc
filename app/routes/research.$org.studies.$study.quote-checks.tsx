import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { useI18n } from "~/i18n/react";
import { FieldworkError } from "~/fieldwork/components/FieldworkError";
import { readFormBody } from "~/security/form-body.server";
import { pageLanguage } from "~/i18n/catalogues.server";
import { requireStudyMember } from "~/workspace/request.server";
import { assistedAnswer, assistedQuotes } from "~/quote-checks/assisted.server";
import { QUOTE_DECISIONS, type QuoteDecision } from "~/quote-checks/answer.server";
import { checkSummary } from "~/quote-checks/summary.server";
import { CheckSummaryPanel } from "~/quote-checks/components/CheckSummaryPanel";
import { AssistedQuoteForm } from "~/quote-checks/components/AssistedQuoteForm";

export const headers = workspaceHeaders;

/**
 * Quote checks in person (docs/decisions/078-quote-checks.md): where the study's checks stand, and a
 * facilitator taking someone through theirs with their code, as assisted entry does (audited).
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { db, scope } = await requireStudyMember(request, context, params, "fieldwork:record");
  return { summary: await checkSummary(db, scope) };
}

const formSchema = z.object({
  intent: z.enum(["find", "answer"]),
  _code: z.string().trim().min(1).max(40),
  check: z.string().max(40).default(""),
  choice: z.enum(QUOTE_DECISIONS as [QuoteDecision, ...QuoteDecision[]]).optional(),
});

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { member, db, scope, userId } = await requireStudyMember(request, context, params, "fieldwork:record");
  const form = await readFormBody(request);
  const parsed = formSchema.safeParse(Object.fromEntries([...form].filter(([k]) => k !== "word")));
  if (!parsed.success) return json({ ok: false as const, error: "invalid_code", code: "", answered: null, person: null }, { status: 400 });
  const { intent, _code: code } = parsed.data;
  const codeHashKey = member.context.secrets.codeHashKey;
  let answered: QuoteDecision | null = null;
  if (intent === "answer") {
    if (!parsed.data.choice) return json({ ok: false as const, error: "quote_choose", code, answered, person: null }, { status: 400 });
    const words = form.getAll("word").flatMap((v) => (typeof v === "string" && /^\d{1,5}$/.test(v) ? [Number(v)] : []));
    const result = await assistedAnswer(db, scope, {
      code,
      codeHashKey,
      checkId: parsed.data.check,
      decision: parsed.data.choice,
      words,
      actorUserId: userId,
    });
    if (!result.ok) return json({ ok: false as const, error: result.error, code, answered, person: null }, { status: 400 });
    answered = result.value;
  }
  const person = await assistedQuotes(db, scope, { code, codeHashKey, language: pageLanguage(request), actorUserId: userId });
  if (!person.ok) return json({ ok: false as const, error: person.error, code: "", answered, person: null }, { status: 400 });
  return json({ ok: true as const, error: null, code, answered, person: person.value });
}

export default function QuoteChecks() {
  const { t } = useI18n();
  const { summary } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const person = result?.person ?? null;
  return (
    <main id="main" className="ws-main">
      <h1>{t("workspace.quoteChecks.title")}</h1>
      <p>{t("workspace.quoteChecks.intro")}</p>
      <CheckSummaryPanel summary={summary} />
      <FieldworkError result={result ?? undefined} field="_code" />
      {result?.answered ? (
        <p className="ws-panel" role="status">
          {t(`participant.quotes.saved.${result.answered}`)}
        </p>
      ) : null}
      <Form method="post" className="ws-form">
        <CsrfInput />
        <input type="hidden" name="intent" value="find" />
        <label htmlFor="_code">{t("workspace.fieldwork.code")}</label>
        <input
          id="_code"
          name="_code"
          autoComplete="off"
          spellCheck={false}
          required
          className="ws-code-input"
          defaultValue={result?.code ?? ""}
        />
        <button type="submit">{t("workspace.quoteChecks.find")}</button>
      </Form>
      {person ? (
        <>
          <h2>{t("participant.quotes.toCheck", { count: person.toCheck.length })}</h2>
          {person.toCheck.map((quote) => (
            <AssistedQuoteForm key={quote.id} quote={quote} code={result!.code} />
          ))}
          {person.checked.length > 0 ? <h2>{t("participant.quotes.checked")}</h2> : null}
          {person.checked.map((quote) => (
            <AssistedQuoteForm key={quote.id} quote={quote} code={result!.code} />
          ))}
        </>
      ) : null}
    </main>
  );
}
