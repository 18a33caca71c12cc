import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { flashPath, putFlash, takeFlash, type FlashContent } from "~/participants/flash.server";
import { z } from "zod";
import { useT } from "~/i18n/react";
import { ErrorSummary, ParticipantPage } from "~/participants/components/ParticipantPage";
import { noStore, pageTitle, participantRequest, readForm } from "~/participants/page.server";
import { today } from "~/participants/study.server";
import { currentCohort, joinableCohorts, joinCohortAsParticipant } from "~/wellbeing/cohorts.server";

/**
 * A participant joins their peer-support group with their code (issue 6: "participants join a
 * cohort with their code"): signed in by code, they choose the group their facilitator named.
 * Plain form, no JavaScript needed.
 */
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Tandem" }];
export const headers = () => noStore;

const JoinForm = z.object({ cohort: z.string().uuid() });

export async function loader(args: LoaderFunctionArgs) {
  const { study, language, t, session } = await participantRequest(args);
  if (!session) throw redirect(`/s/${study.slug}/resume?to=group`, { headers: noStore });
  const db = args.context.db;
  // Post/redirect/get (ADR 065): what joining did, or why not, is shown once after the redirect.
  const flash = await takeFlash(db, args.request, { path: flashPath(args.request), secure: args.context.secureCookies });
  const notice = flash.content?.notice ?? {};
  const current = await currentCohort(db, session.participant.id);
  const result =
    typeof notice.error === "string"
      ? { ok: false as const, error: t(notice.error) }
      : notice.joined === true && current
        ? { ok: true as const, id: current.id, name: current.name, already: notice.already === true }
        : null;
  const title = pageTitle(t, "participant.group.title", study, language);
  return json(
    {
      slug: study.slug,
      title: result && !result.ok ? `${t("participant.q.errorPrefix")} ${title}` : title,
      current,
      groups: (await joinableCohorts(db, study.id, today())).map((g) => ({ id: g.id, name: g.name })),
      withdrawn: session.participant.withdrawn_on !== null,
      result,
    },
    { headers: { ...noStore, ...flash.headers } },
  );
}

export async function action(args: ActionFunctionArgs) {
  const { study, session } = await participantRequest(args);
  if (!session) throw redirect(`/s/${study.slug}/resume?to=group`, { headers: noStore });
  const parsed = JoinForm.safeParse({ cohort: (await readForm(args.request)).get("cohort") });
  let content: FlashContent;
  if (!parsed.success) content = { notice: { error: "participant.group.choose" } };
  else {
    const result = await joinCohortAsParticipant(args.context.db, {
      studyId: study.id,
      participantId: session.participant.id,
      cohortId: parsed.data.cohort,
      on: today(),
    });
    content = result.ok
      ? { notice: { joined: true, already: result.already } }
      : { notice: { error: result.reason === "withdrawn" ? "participant.group.withdrawn" : "participant.group.notJoinable" } };
  }
  const cookie = await putFlash(args.context.db, { path: flashPath(args.request), content, secure: args.context.secureCookies });
  throw redirect(`/s/${study.slug}/group`, { status: 303, headers: { ...noStore, "Set-Cookie": cookie } });
}

export default function GroupPage() {
  const data = useLoaderData<typeof loader>();
  const result = data.result;
  const t = useT();
  const error = result && !result.ok ? result.error : null;
  const current = result?.ok ? { id: result.id, name: result.name } : data.current;
  return (
    <ParticipantPage slug={data.slug}>
      {/* The summary links to the first choice, or to the sentence saying why there is none. */}
      <ErrorSummary
        errors={error ? [{ id: !data.withdrawn && data.groups[0] ? `g-${data.groups[0].id}` : "groups", message: error }] : []}
      />
      {result?.ok ? (
        <div className="panel panel-success" role="status">
          {t(result.already ? "participant.group.already" : "participant.group.joined", { group: result.name })}
        </div>
      ) : null}
      <h1>{t("participant.group.title")}</h1>
      {current && !result?.ok ? <p>{t("participant.group.current", { group: current.name })}</p> : null}
      {data.withdrawn ? (
        <p id="groups">{t("participant.group.withdrawn")}</p>
      ) : data.groups.length === 0 ? (
        <p id="groups">{t("participant.group.none")}</p>
      ) : (
        <form method="post" noValidate>
          <div className={`field${error ? " field-error" : ""}`}>
            <fieldset aria-describedby={error ? "group-hint group-error" : "group-hint"}>
              <legend>{t("participant.group.legend")}</legend>
              <p className="hint" id="group-hint">
                {t("participant.group.hint")}
              </p>
              {error ? (
                <p className="error-message" id="group-error">
                  {error}
                </p>
              ) : null}
              {data.groups.map((g) => (
                <div className="choice" key={g.id}>
                  <input type="radio" id={`g-${g.id}`} name="cohort" value={g.id} defaultChecked={g.id === current?.id} />
                  {/* A group's name is what the facilitator called it, in whatever language: shown as typed. */}
                  <label htmlFor={`g-${g.id}`} dir="auto">
                    {g.name}
                  </label>
                </div>
              ))}
            </fieldset>
          </div>
          <button className="button" type="submit">
            {t("participant.group.join")}
          </button>
        </form>
      )}
      <p>
        <a href={`/s/${data.slug}/next`}>{t("participant.backToQuestions")}</a>
      </p>
    </ParticipantPage>
  );
}
