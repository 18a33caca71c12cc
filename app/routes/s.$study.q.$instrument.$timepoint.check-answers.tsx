import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { ParticipantPage, useParticipantPage } from "~/participants/components/ParticipantPage";
import { confirmAnswers, savedAnswers } from "~/participants/answers.server";
import { ParticipantError } from "~/participants/errors";
import { hasQuestions, pageHref, pagesOf, pageShown } from "~/participants/journey.server";
import { contactIn, noStore, notFound, participantRequest } from "~/participants/page.server";
import { questionPageView, type QuestionView } from "~/participants/question-view.server";
import { questionnaireUse } from "~/participants/study.server";

/**
 * "Check your answers" before a question set is finished (GOV.UK): every question shown to the
 * person, their answer or "Not answered", and a link to change it that comes back here.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Tandem" }];
export const headers = () => noStore;

async function resolve(args: LoaderFunctionArgs | ActionFunctionArgs) {
  const request = await participantRequest(args);
  const { study, session } = request;
  if (!session) throw redirect(`/s/${study.slug}/resume`, { headers: noStore });
  if (session.participant.withdrawn_on) throw redirect(`/s/${study.slug}/withdrawn`, { headers: noStore });
  const use = questionnaireUse(study, args.params.instrument ?? "", args.params.timepoint ?? "");
  if (!use || !study.settings.open_timepoints.includes(use.timepoint)) notFound();
  const pages = pagesOf(study, use);
  if (!hasQuestions(pages)) notFound();
  if (!session.participant.consented) throw redirect(`/s/${study.slug}/consent`, { headers: noStore });
  return { ...request, session, use, pages };
}

function answerText(q: QuestionView, t: (key: string) => string): { text: string; lang?: string; typed?: boolean } | null {
  if (q.saved === undefined) return null;
  if (q.type === "short_text" || q.type === "long_text" || q.type === "number") return { text: String(q.saved), typed: true };
  const chosen = (Array.isArray(q.saved) ? q.saved : [String(q.saved)]).map((v) => q.options.find((o) => o.value === v)?.label);
  const labels = chosen.filter((l): l is { text: string; lang?: string } => l !== undefined);
  if (labels.length === 0) return { text: t("participant.check.notAnswered") };
  return { text: labels.map((l) => l.text).join(", "), lang: labels.every((l) => l.lang) ? labels[0]!.lang : undefined };
}

export async function loader(args: LoaderFunctionArgs) {
  const { study, language, t, session, use, pages } = await resolve(args);
  const answers = await savedAnswers(args.context.db, session.participant.id, use);
  const contact = contactIn(study, language);
  const rows: { id: string; question: { text: string; lang?: string }; answer: ReturnType<typeof answerText>; change: string }[] = [];
  pages.forEach((page, index) => {
    if (!pageShown(page, answers)) return;
    const view = questionPageView({ study, language, t, use, pages, index, answers, contact });
    for (const item of view.items) {
      if (item.kind !== "question") continue;
      const q = item as QuestionView;
      const href = `${pageHref(study.slug, { instrumentId: use.version.id, timepoint: use.timepoint, pageId: page.id })}?return=check`;
      rows.push({ id: q.id, question: q.text, answer: answerText(q, t), change: `${href}#f-${q.id}` });
    }
  });
  const first = questionPageView({ study, language, t, use, pages, index: 0, answers, contact });
  return {
    slug: study.slug,
    // Titles stay in the browser's history: the page's name, never the study's or an answer.
    title: t("participant.check.title"),
    instrumentTitle: first.instrumentTitle,
    rows,
    notAnswered: t("participant.check.notAnswered"),
  };
}

export async function action(args: ActionFunctionArgs) {
  const { study, language, session, use } = await resolve(args);
  try {
    await confirmAnswers(args.context.db, { study, use, participantId: session.participant.id, language });
  } catch (error) {
    if (error instanceof ParticipantError && error.reason === "withdrawn")
      throw redirect(`/s/${study.slug}/withdrawn`, { status: 303, headers: noStore });
    throw error;
  }
  throw redirect(`/s/${study.slug}/next`, { status: 303, headers: noStore });
}

export default function CheckAnswers() {
  const { data, t } = useParticipantPage<typeof loader>();
  return (
    <ParticipantPage slug={data.slug}>
      <p className="progress" {...(data.instrumentTitle.lang ? { lang: data.instrumentTitle.lang } : {})}>
        {data.instrumentTitle.text}
      </p>
      <h1>{t("participant.check.title")}</h1>
      <p>{t("participant.check.intro")}</p>
      <dl className="summary-list">
        {data.rows.map((row) => (
          <div className="summary-row" key={row.id}>
            <dt {...(row.question.lang ? { lang: row.question.lang } : {})}>{row.question.text}</dt>
            <dd
              {...(row.answer?.lang ? { lang: row.answer.lang } : {})}
              {...(row.answer?.typed ? { dir: "auto" } : {})}
              className={row.answer ? "answer" : "answer hint"}
            >
              {row.answer ? row.answer.text : data.notAnswered}
            </dd>
            <dd className="change">
              <a href={row.change}>
                {t("participant.check.change")}
                <span className="visually-hidden"> {t("participant.check.changeWhat", { question: row.question.text })}</span>
              </a>
            </dd>
          </div>
        ))}
      </dl>
      <form method="post">
        {/* The journey's primary button carries the same intent on every page ("save" and go on). */}
        <button className="button" type="submit" name="_intent" value="save">
          {t("participant.check.confirm")}
        </button>
      </form>
    </ParticipantPage>
  );
}
