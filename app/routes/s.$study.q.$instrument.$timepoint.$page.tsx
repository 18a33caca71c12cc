import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { ErrorSummary, ParticipantPage, useParticipantPage } from "~/participants/components/ParticipantPage";
import { QuestionField } from "~/participants/components/QuestionField";
import { Blocks } from "~/participants/components/Blocks";
import { savedAnswers, savePage, type RawAnswers } from "~/participants/answers.server";
import { ParticipantError } from "~/participants/errors";
import {
  checkHref,
  hasConditions,
  hasQuestions,
  nearestShownPage,
  pageHref,
  pagesOf,
  pageShown,
  studyProgress,
  type JourneyPage,
} from "~/participants/journey.server";
import { flashPath, putFlash, samePage, takeFlash } from "~/participants/flash.server";
import { contactIn, noStore, notFound, participantRequest, readForm } from "~/participants/page.server";
import { questionPageView, type QuestionView } from "~/participants/question-view.server";
import { questionnaireUse, type StudyUse } from "~/participants/study.server";
import type { AnswerValue } from "~/instruments/messages";

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
  const index = pages.findIndex((p) => p.id === args.params.page);
  if (index < 0) notFound();
  if (!session.participant.consented) throw redirect(`/s/${study.slug}/consent`, { headers: noStore });
  return { ...request, session, use, pages, index };
}

export async function loader(args: LoaderFunctionArgs) {
  const { study, language, t, session, use, pages, index } = await resolve(args);
  const db = args.context.db;
  const answers = await savedAnswers(db, session.participant.id, use);
  // A page whose questions are all hidden by earlier answers (reached by an old link or the back
  // button) passes straight on, so nobody meets an empty page.
  if (!pageShown(pages[index]!, answers)) throw redirect(followingHref(study.slug, use, pages, index, answers), { headers: noStore });
  const flash = await takeFlash(db, args.request, { path: flashPath(args.request), secure: args.context.secureCookies });
  const progress = await studyProgress(db, study, session.participant.id, { use, pageId: pages[index]!.id, answers });
  const view = questionPageView({ study, language, t, use, pages, index, answers, contact: contactIn(study, language), progress });
  // Each message names its question in the summary (read first, away from the question itself).
  const errors = (flash.content?.errors ?? []).map((e) => {
    const question = view.items.find((i): i is QuestionView => i.kind === "question" && i.id === e.about);
    const message = t(e.key);
    return {
      id: question ? e.field : view.firstFieldId,
      item: e.about,
      message,
      summary: question ? t("participant.error.named", { message, subject: question.text.text }) : message,
    };
  });
  return json(
    {
      ...view,
      title: errors.length > 0 ? `${t("participant.q.errorPrefix")} ${view.title}` : view.title,
      errors,
      values: flash.content?.values ?? null,
    },
    { headers: { ...noStore, ...flash.headers } },
  );
}

export async function action(args: ActionFunctionArgs) {
  const { study, language, session, use, pages, index } = await resolve(args);
  const body = await readForm(args.request);
  const raw: RawAnswers = {};
  for (const name of new Set(body.keys())) {
    if (name.startsWith("_")) continue;
    raw[name] = body.getAll(name).filter((v): v is string => typeof v === "string");
    if ((raw[name] as string[]).length === 1) raw[name] = (raw[name] as string[])[0];
  }
  const skip = body.get("_intent") === "skip";
  try {
    const result = await savePage(args.context.db, {
      study,
      use,
      participantId: session.participant.id,
      pageId: pages[index]!.id,
      raw,
      skip,
      language,
    });
    if (!result.ok) {
      // Post/redirect/get: the errors and what was typed go to this page's next GET, once.
      const values = Object.fromEntries(Object.entries(raw).filter((e): e is [string, string | string[]] => e[1] !== undefined));
      const errors = Object.entries(result.errors).map(([id, error]) => ({
        field: `f-${id}`,
        key: `participant.error.${error}`,
        about: id,
      }));
      const cookie = await putFlash(args.context.db, {
        path: flashPath(args.request),
        content: { errors, values },
        secure: args.context.secureCookies,
      });
      throw redirect(samePage(args.request), { status: 303, headers: { ...noStore, "Set-Cookie": cookie } });
    }
  } catch (error) {
    if (error instanceof ParticipantError && error.reason === "withdrawn")
      throw redirect(`/s/${study.slug}/withdrawn`, { headers: noStore });
    throw error;
  }
  // A change made from "Check your answers" goes back there.
  if (new URL(args.request.url).searchParams.get("return") === "check") {
    throw redirect(checkHref(study.slug, { instrumentId: use.version.id, timepoint: use.timepoint }), { status: 303, headers: noStore });
  }
  const answers = hasConditions(pages) ? await savedAnswers(args.context.db, session.participant.id, use) : {};
  throw redirect(followingHref(study.slug, use, pages, index, answers), { status: 303, headers: noStore });
}

/** The next page shown given the answers; after the last, "Check your answers" (or what is next). */
function followingHref(slug: string, use: StudyUse, pages: JourneyPage[], index: number, answers: Record<string, AnswerValue>) {
  const following = nearestShownPage(pages, index, answers, 1);
  if (following !== undefined)
    return pageHref(slug, { instrumentId: use.version.id, timepoint: use.timepoint, pageId: pages[following]!.id });
  return hasQuestions(pages) ? checkHref(slug, { instrumentId: use.version.id, timepoint: use.timepoint }) : `/s/${slug}/next`;
}

export default function QuestionPage() {
  const { data, t } = useParticipantPage<typeof loader>();
  const errors = data.errors;
  return (
    <ParticipantPage slug={data.slug}>
      <ErrorSummary errors={errors.map((e) => ({ id: e.id, message: e.summary }))} />
      <p className="progress">
        <span {...(data.instrumentTitle.lang ? { lang: data.instrumentTitle.lang } : {})}>{data.instrumentTitle.text}</span>
        {" · "}
        {t("participant.q.progress", { page: data.pageNumber, total: data.pageCount })}
      </p>
      <h1 {...(data.heading.lang ? { lang: data.heading.lang } : {})}>{data.heading.text}</h1>
      <Blocks blocks={data.intro} />
      {data.questionCount > 0 ? <p className="hint">{t("participant.q.optional")}</p> : null}
      <form method="post" noValidate>
        {data.items.map((item) =>
          item.kind === "block" ? (
            <Blocks key={item.id} blocks={[item.block]} />
          ) : (
            <QuestionField
              key={item.id}
              question={item as unknown as QuestionView}
              error={errors.find((e) => e.item === item.id)?.message}
              submitted={data.values?.[item.id]}
            />
          ),
        )}
        <div className="actions">
          <button className="button" type="submit" name="_intent" value="save">
            {t(data.questionCount > 0 ? "participant.q.save" : "common.continue")}
          </button>
          {data.questionCount > 0 ? (
            <button className="button button-secondary" type="submit" name="_intent" value="skip">
              {t(data.questionCount === 1 ? "participant.q.skipOne" : "participant.q.skip")}
            </button>
          ) : null}
        </div>
      </form>
      {data.previous ? (
        <p>
          <a href={data.previous}>{t("participant.q.previous")}</a>
        </p>
      ) : null}
      {data.attributions.map((a) => (
        <p key={a.text} className="attribution" {...(a.lang ? { lang: a.lang } : {})}>
          {a.text}
        </p>
      ))}
    </ParticipantPage>
  );
}
