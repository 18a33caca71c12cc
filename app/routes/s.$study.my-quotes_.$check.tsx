import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { flashPath, putFlash, takeFlash } from "~/participants/flash.server";
import { ErrorSummary, ParticipantPage, useParticipantPage } from "~/participants/components/ParticipantPage";
import { noStore, notFound, pageTitle, participantRequest, readForm } from "~/participants/page.server";
import { field } from "~/security/form-body.server";
import { myQuote, participantScope } from "~/quote-checks/participant.server";
import { answerQuoteCheck, QuoteAnswerError } from "~/quote-checks/answer.server";
import { QuoteFacts, QuoteStatus, QuoteWords } from "~/quote-checks/components/QuoteView";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Tandem" }];
export const headers = () => noStore;

const CHOICES = ["approve", "leave_out", "refuse"] as const;

/** One quote of the person's: the words, the theme, where it will appear, and their answer. */
export async function loader(args: LoaderFunctionArgs) {
  const { study, language, t, session } = await participantRequest(args);
  if (!session) throw redirect(`/s/${study.slug}/resume?to=quotes`, { headers: noStore });
  const db = args.context.db;
  const quote = await myQuote(db, await participantScope(db, study), session.participant.id, args.params.check ?? "", language);
  if (!quote) notFound();
  const flash = await takeFlash(db, args.request, { path: flashPath(args.request), secure: args.context.secureCookies });
  const errors = (flash.content?.errors ?? []).map((e) => ({ id: e.field, message: t(e.key) }));
  const title = pageTitle(t, "participant.quotes.checkTitle", study, language);
  return json(
    { slug: study.slug, title: errors.length ? `${t("participant.q.errorPrefix")} ${title}` : title, quote, errors },
    { headers: { ...noStore, ...flash.headers } },
  );
}

/** Post/redirect/get (ADR 065): an answer goes back to the list, "leave out words" on to choosing them. */
export async function action(args: ActionFunctionArgs) {
  const { study, session } = await participantRequest(args);
  if (!session) throw redirect(`/s/${study.slug}/resume?to=quotes`, { headers: noStore });
  const db = args.context.db;
  const secure = args.context.secureCookies;
  const checkId = args.params.check ?? "";
  const here = `/s/${study.slug}/my-quotes/${checkId}`;
  const choice = field(await readForm(args.request), "choice");
  const back = async (key: string) =>
    redirect(here, {
      status: 303,
      headers: { ...noStore, "Set-Cookie": await putFlash(db, { path: here, content: { errors: [{ field: "f-choice", key }] }, secure }) },
    });
  if (!(CHOICES as readonly string[]).includes(choice)) throw await back("participant.quotes.choose");
  if (choice === "leave_out") throw redirect(`${here}/words`, { status: 303, headers: noStore });
  const scope = await participantScope(db, study);
  try {
    await answerQuoteCheck(db, scope, {
      participantId: session.participant.id,
      checkId,
      decision: choice as "approve" | "refuse",
      via: "participant",
    });
  } catch (error) {
    if (error instanceof QuoteAnswerError) throw await back(`participant.quotes.error.${error.reason}`);
    throw error;
  }
  const list = `/s/${study.slug}/my-quotes`;
  const cookie = await putFlash(db, { path: list, content: { notice: { saved: choice } }, secure });
  throw redirect(list, { status: 303, headers: { ...noStore, "Set-Cookie": cookie } });
}

export default function CheckQuote() {
  const { data, t } = useParticipantPage<typeof loader>();
  const { quote } = data;
  const error = data.errors[0];
  return (
    <ParticipantPage slug={data.slug}>
      <ErrorSummary errors={data.errors} />
      <h1>{t("participant.quotes.checkTitle")}</h1>
      <QuoteWords quote={quote} />
      <QuoteFacts quote={quote} />
      <QuoteStatus quote={quote} />
      {quote.status === "refused" ? null : (
        <form method="post" noValidate>
          <div className={`field${error ? " field-error" : ""}`}>
            <fieldset>
              <legend>{t("participant.quotes.question")}</legend>
              {error ? <p className="error-message">{error.message}</p> : null}
              {CHOICES.map((choice, i) => (
                <div className="choice" key={choice}>
                  <input type="radio" id={i === 0 ? "f-choice" : `f-choice-${choice}`} name="choice" value={choice} />
                  <label htmlFor={i === 0 ? "f-choice" : `f-choice-${choice}`}>{t(`participant.quotes.choice.${choice}`)}</label>
                </div>
              ))}
            </fieldset>
          </div>
          <button className="button" type="submit">
            {t("participant.quotes.send")}
          </button>
        </form>
      )}
      <p>
        <a href={`/s/${data.slug}/my-quotes`}>{t("participant.quotes.back")}</a>
      </p>
    </ParticipantPage>
  );
}
