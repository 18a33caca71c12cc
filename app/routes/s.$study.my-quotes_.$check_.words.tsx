import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { flashPath, putFlash, takeFlash } from "~/participants/flash.server";
import { ErrorSummary, ParticipantPage, useParticipantPage } from "~/participants/components/ParticipantPage";
import { noStore, notFound, pageTitle, participantRequest, readForm } from "~/participants/page.server";
import { myQuote, participantScope } from "~/quote-checks/participant.server";
import { answerQuoteCheck, QuoteAnswerError } from "~/quote-checks/answer.server";
import { QuoteWords } from "~/quote-checks/components/QuoteView";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Tandem" }];
export const headers = () => noStore;

/**
 * "Use it, but leave out some words": each word of the quote a checkbox (no script: the choice of
 * words is its own page, ADR 014). The words reach the researchers as redactions to accept.
 */
export async function loader(args: LoaderFunctionArgs) {
  const { study, language, t, session } = await participantRequest(args);
  if (!session) throw redirect(`/s/${study.slug}/resume?to=quotes`, { headers: noStore });
  const db = args.context.db;
  const quote = await myQuote(db, await participantScope(db, study), session.participant.id, args.params.check ?? "", language);
  if (!quote || quote.status === "refused") notFound();
  const flash = await takeFlash(db, args.request, { path: flashPath(args.request), secure: args.context.secureCookies });
  const errors = (flash.content?.errors ?? []).map((e) => ({ id: e.field, message: t(e.key) }));
  const title = pageTitle(t, "participant.quotes.wordsTitle", study, language);
  return json(
    { slug: study.slug, title: errors.length ? `${t("participant.q.errorPrefix")} ${title}` : title, quote, errors },
    { headers: { ...noStore, ...flash.headers } },
  );
}

export async function action(args: ActionFunctionArgs) {
  const { study, session } = await participantRequest(args);
  if (!session) throw redirect(`/s/${study.slug}/resume?to=quotes`, { headers: noStore });
  const db = args.context.db;
  const secure = args.context.secureCookies;
  const here = `/s/${study.slug}/my-quotes/${args.params.check ?? ""}/words`;
  const words = (await readForm(args.request))
    .getAll("word")
    .flatMap((v) => (typeof v === "string" && /^\d{1,5}$/.test(v) ? [Number(v)] : []));
  try {
    await answerQuoteCheck(db, await participantScope(db, study), {
      participantId: session.participant.id,
      checkId: args.params.check ?? "",
      decision: "leave_out",
      words,
      via: "participant",
    });
  } catch (error) {
    if (!(error instanceof QuoteAnswerError)) throw error;
    const cookie = await putFlash(db, {
      path: here,
      content: { errors: [{ field: "f-words", key: `participant.quotes.error.${error.reason}` }] },
      secure,
    });
    throw redirect(here, { status: 303, headers: { ...noStore, "Set-Cookie": cookie } });
  }
  const list = `/s/${study.slug}/my-quotes`;
  const cookie = await putFlash(db, { path: list, content: { notice: { saved: "leave_out" } }, secure });
  throw redirect(list, { status: 303, headers: { ...noStore, "Set-Cookie": cookie } });
}

export default function LeaveOutWords() {
  const { data, t } = useParticipantPage<typeof loader>();
  const { quote } = data;
  const error = data.errors[0];
  const words = quote.pieces.filter((p) => !p.space && !p.leftOut);
  return (
    <ParticipantPage slug={data.slug}>
      <ErrorSummary errors={data.errors} />
      <h1>{t("participant.quotes.wordsTitle")}</h1>
      <QuoteWords quote={quote} />
      <form method="post" noValidate>
        <div className={`field${error ? " field-error" : ""}`}>
          <fieldset>
            <legend>{t("participant.quotes.wordsLegend")}</legend>
            <p className="hint">{t("participant.quotes.wordsHint")}</p>
            {error ? <p className="error-message">{error.message}</p> : null}
            <ul className="word-choices" lang={quote.language} dir="auto">
              {words.map((word, i) => (
                <li className="choice" key={word.index}>
                  <input type="checkbox" id={i === 0 ? "f-words" : `w-${word.index}`} name="word" value={word.index} />
                  <label htmlFor={i === 0 ? "f-words" : `w-${word.index}`}>{word.text}</label>
                </li>
              ))}
            </ul>
          </fieldset>
        </div>
        <button className="button" type="submit">
          {t("participant.quotes.leaveOut")}
        </button>
      </form>
      <p>
        <a href={`/s/${data.slug}/my-quotes/${quote.id}`}>{t("participant.quotes.backOne")}</a>
      </p>
    </ParticipantPage>
  );
}
