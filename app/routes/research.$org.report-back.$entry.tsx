import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { getLanguage } from "~/i18n/languages";
import { useT } from "~/i18n/react";
import { editorEntry } from "~/report-back/editor.server";
import { ACTION_STATUSES, ASK_METHODS, EDITABLE_STATES } from "~/report-back/constants";
import {
  ReportBackError,
  addEntryQuote,
  addMilestone,
  markTextReviewed,
  postEntryUpdate,
  publishEntry,
  removeEntryQuote,
  removeMilestone,
  reviewEntry,
  saveEntryText,
  setEntryThemes,
  submitForReview,
  unpublishEntry,
  updateEntry,
} from "~/report-back/entries.server";
import { studyTitle } from "~/studies/titles";
import { readFormBody } from "~/security/form-body.server";
import { requireOrganisationMember } from "~/workspace/request.server";

export const headers = workspaceHeaders;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member } = await requireOrganisationMember(request, context, params, "publication:draft");
  const view = await editorEntry(member.db, member.organisation.id, params.entry ?? "");
  if (!view) throw new Response("Not found", { status: 404 });
  return { ...view, org: member.organisation.slug, me: member.session.userId, canPublish: member.can("publication:publish") };
}

/** Fields named `<name>_<language>` as a map by language. */
function byLanguage(form: FormData, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of form) if (key.startsWith(`${name}_`) && typeof value === "string") out[key.slice(name.length + 1)] = value;
  return out;
}

const intentSchema = z.enum([
  "facts",
  "text",
  "text-reviewed",
  "themes",
  "quote-add",
  "quote-remove",
  "milestone-add",
  "milestone-remove",
  "submit",
  "approve",
  "return",
  "publish",
  "unpublish",
  "update",
]);
const PUBLISHING = new Set(["publish", "unpublish", "update"]);

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { member } = await requireOrganisationMember(request, context, params, "publication:draft");
  const view = await editorEntry(member.db, member.organisation.id, params.entry ?? "");
  if (!view) throw new Response("Not found", { status: 404 });
  const form = await readFormBody(request);
  const intent = intentSchema.safeParse(form.get("intent"));
  if (!intent.success) return json({ error: "invalid" as const }, { status: 400 });
  // Only admin publishes: `publication:publish` in the one permission table.
  if (PUBLISHING.has(intent.data) && !member.can("publication:publish")) throw new Response("Forbidden", { status: 403 });
  const { db } = member;
  const org = member.organisation.id;
  const actor = { userId: member.session.userId };
  const id = view.entry.id;
  const str = (name: string) => String(form.get(name) ?? "");
  try {
    switch (intent.data) {
      case "facts":
        await updateEntry(db, org, actor, id, {
          askedOn: str("askedOn"),
          askedUntil: str("askedUntil"),
          methods: form.getAll("methods").map(String) as never,
          actionStatus: str("actionStatus") as never,
          progress: Number(str("progress") || 0),
          nextReviewOn: str("nextReviewOn"),
        });
        break;
      case "text":
        await saveEntryText(db, org, actor, id, str("language"), {
          title: str("title"),
          asked: str("asked"),
          did: str("did"),
          notDoingReason: str("notDoingReason"),
          decidedBy: str("decidedBy"),
        });
        break;
      case "text-reviewed":
        await markTextReviewed(db, org, actor, id, str("language"));
        break;
      case "themes": {
        const chosen = form.getAll("themeId").map(String);
        await setEntryThemes(db, org, actor, id, chosen.map((themeId) => ({ themeId, labels: byLanguage(form, `label_${themeId}`) })));
        break;
      }
      case "quote-add":
        await addEntryQuote(db, org, actor, id, str("codingId"));
        break;
      case "quote-remove":
        await removeEntryQuote(db, org, actor, id, str("quoteId"));
        break;
      case "milestone-add":
        await addMilestone(db, org, actor, id, { dueOn: str("dueOn"), labels: byLanguage(form, "label") });
        break;
      case "milestone-remove":
        await removeMilestone(db, org, actor, id, str("milestoneId"));
        break;
      case "submit":
        await submitForReview(db, org, actor, id);
        break;
      case "approve":
      case "return":
        await reviewEntry(db, org, actor, id, intent.data === "approve" ? "approve" : "return");
        break;
      case "publish":
        await publishEntry(db, org, actor, id, byLanguage(form, "note"));
        break;
      case "unpublish":
        await unpublishEntry(db, org, actor, id, byLanguage(form, "note"));
        break;
      case "update":
        await postEntryUpdate(db, org, actor, id, {
          actionStatus: str("actionStatus") as never,
          progress: Number(str("progress") || 0),
          nextReviewOn: str("nextReviewOn"),
          milestonesDone: form.getAll("milestoneDone").map(String),
          notes: byLanguage(form, "note"),
        });
        break;
    }
  } catch (error) {
    if (error instanceof ReportBackError) return json({ error: error.reason }, { status: 400 });
    if (error instanceof Error && error.name === "ZodError") return json({ error: "invalid" as const }, { status: 400 });
    throw error;
  }
  return redirect(`/research/${member.organisation.slug}/report-back/${view.entry.slug}`);
}

export default function ReportBackEditor() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { entry } = data;
  const editable = (EDITABLE_STATES as readonly string[]).includes(entry.state);
  const themeName = new Map(data.themes.map((th) => [th.id, th.name]));
  const linked = new Set(data.linkedThemes.map((l) => l.themeId));
  const publicUrl = `/o/${data.org}/you-said-we-did/${entry.slug}`;
  return (
    <main id="main" className="ws-main">
      <p>
        <Link to={`/research/${data.org}/report-back`}>{t("reportback.allReports")}</Link>
      </p>
      <p className="ws-muted">{t("reportback.study", { title: studyTitle(entry.studyTitles, "en") })}</p>
      <h1>{data.texts.en?.title || entry.slug}</h1>
      <p>
        {t("reportback.editor.state")}: <strong className="ws-status">{t(`reportback.editor.states.${entry.state}`)}</strong>
        {" "}
        · <Link to="preview">{t("reportback.editor.preview")}</Link>
        {entry.state === "published" ? (
          <>
            {" "}
            · <a href={publicUrl}>{t("reportback.editor.publicPage")}</a>
          </>
        ) : null}
      </p>
      {result && "error" in result ? (
        <div className="ws-error-summary" role="alert">
          <h2>{t("common.errorSummaryTitle")}</h2>
          <p>{t(`reportback.editor.errors.${result.error}`)}</p>
        </div>
      ) : null}

      <section aria-labelledby="rb-workflow" className="ws-panel">
        <h2 id="rb-workflow">{t("reportback.editor.workflow")}</h2>
        {entry.state === "draft" || entry.state === "unpublished" ? (
          <Form method="post">
            <CsrfInput />
            <button className="button" name="intent" value="submit">
              {t("reportback.editor.submit")}
            </button>
          </Form>
        ) : null}
        {entry.state === "in_review" ? (
          entry.submittedBy === data.me || entry.updatedBy === data.me ? (
            <p>{t("reportback.editor.waitingForReview")}</p>
          ) : (
            <Form method="post" className="ws-inline-form">
              <CsrfInput />
              <button className="button" name="intent" value="approve">
                {t("reportback.editor.approve")}
              </button>
              <button className="button button-secondary" name="intent" value="return">
                {t("reportback.editor.return")}
              </button>
            </Form>
          )
        ) : null}
        {entry.state === "approved" ? (
          data.canPublish ? (
            <Form method="post">
              <CsrfInput />
              {entry.firstPublishedAt ? <NoteFields languages={entry.languages} label={t("reportback.editor.changeNote")} /> : null}
              <button className="button" name="intent" value="publish">
                {t("reportback.editor.publish")}
              </button>
            </Form>
          ) : (
            <p>{t("reportback.editor.waitingForAdmin")}</p>
          )
        ) : null}
        {entry.state === "published" && data.canPublish ? (
          <>
            <Form method="post" className="ws-form">
              <CsrfInput />
              <h3>{t("reportback.editor.postUpdate")}</h3>
              <StatusFields status={entry.actionStatus} progress={entry.progress} nextReviewOn={entry.nextReviewOn} />
              {data.milestones.some((m) => !m.doneOn) ? (
                <fieldset>
                  <legend>{t("reportback.editor.milestonesReached")}</legend>
                  {data.milestones
                    .filter((m) => !m.doneOn)
                    .map((m) => (
                      <div className="ws-check" key={m.id}>
                        <input type="checkbox" id={`done-${m.id}`} name="milestoneDone" value={m.id} />
                        <label htmlFor={`done-${m.id}`}>
                          {m.labels.en ?? Object.values(m.labels)[0]} ({m.dueOn})
                        </label>
                      </div>
                    ))}
                </fieldset>
              ) : null}
              <NoteFields languages={entry.languages} label={t("reportback.editor.changeNote")} />
              <button className="button" name="intent" value="update">
                {t("reportback.editor.postUpdate")}
              </button>
            </Form>
            <Form method="post" className="ws-form">
              <CsrfInput />
              <NoteFields languages={entry.languages} label={t("reportback.editor.unpublishNote")} prefix="un" />
              <button className="button button-warning" name="intent" value="unpublish">
                {t("reportback.editor.unpublish")}
              </button>
            </Form>
          </>
        ) : null}
      </section>

      {editable ? (
        <>
          <section aria-labelledby="rb-facts">
            <h2 id="rb-facts">{t("reportback.weAsked")}</h2>
            <Form method="post" className="ws-form">
              <CsrfInput />
              <input type="hidden" name="intent" value="facts" />
              <label htmlFor="askedOn">{t("reportback.editor.askedOn")}</label>
              <input id="askedOn" name="askedOn" type="date" defaultValue={entry.askedOn ?? ""} />
              <label htmlFor="askedUntil">{t("reportback.editor.askedUntil")}</label>
              <input id="askedUntil" name="askedUntil" type="date" defaultValue={entry.askedUntil ?? ""} />
              <fieldset>
                <legend>{t("reportback.editor.methods")}</legend>
                {ASK_METHODS.map((m) => (
                  <div className="ws-check" key={m}>
                    <input type="checkbox" id={`method-${m}`} name="methods" value={m} defaultChecked={entry.methods.includes(m)} />
                    <label htmlFor={`method-${m}`}>{t(`reportback.method.${m}`)}</label>
                  </div>
                ))}
              </fieldset>
              <StatusFields status={entry.actionStatus} progress={entry.progress} nextReviewOn={entry.nextReviewOn} />
              <button className="button">{t("reportback.editor.save")}</button>
            </Form>
          </section>

          <section aria-labelledby="rb-texts">
            <h2 id="rb-texts">{t("reportback.editor.texts")}</h2>
            {entry.languages.map((code) => {
              const text = data.texts[code];
              const l = getLanguage(code);
              return (
                <Form method="post" className="ws-form" key={code}>
                  <CsrfInput />
                  <input type="hidden" name="language" value={code} />
                  <h3>
                    {l.englishName} ({l.endonym}) ·{" "}
                    <span className="ws-muted">{text ? t(`reportback.editor.review.${text.reviewStatus}`) : t("reportback.editor.review.missing")}</span>
                  </h3>
                  {(["title", "asked", "did", "notDoingReason", "decidedBy"] as const).map((field) => (
                    <div key={field}>
                      <label htmlFor={`${field}-${code}`}>{t(`reportback.editor.fields.${field}`)}</label>
                      {field === "title" || field === "decidedBy" ? (
                        <input id={`${field}-${code}`} name={field} type="text" lang={code} dir={l.dir} defaultValue={text?.[field] ?? ""} required={field === "title"} />
                      ) : (
                        <textarea id={`${field}-${code}`} name={field} lang={code} dir={l.dir} defaultValue={text?.[field] ?? ""} rows={3} />
                      )}
                    </div>
                  ))}
                  <button className="button" name="intent" value="text">
                    {t("reportback.editor.save")}
                  </button>
                  {text && text.reviewStatus === "draft" ? (
                    <>
                      <button className="button button-secondary" name="intent" value="text-reviewed" formNoValidate>
                        {t("reportback.editor.markReviewed")}
                      </button>
                      {text.updatedBy === data.me ? <p className="ws-muted">{t("reportback.editor.checkedBySomeoneElse")}</p> : null}
                    </>
                  ) : null}
                </Form>
              );
            })}
          </section>

          <section aria-labelledby="rb-themes">
            <h2 id="rb-themes">{t("reportback.youSaid")}</h2>
            <Form method="post" className="ws-form">
              <CsrfInput />
              <input type="hidden" name="intent" value="themes" />
              {data.themes.map((th) => {
                const labels = data.linkedThemes.find((l) => l.themeId === th.id)?.labels ?? {};
                return (
                  <fieldset key={th.id}>
                    <div className="ws-check">
                      <input type="checkbox" id={`theme-${th.id}`} name="themeId" value={th.id} defaultChecked={linked.has(th.id)} />
                      <label htmlFor={`theme-${th.id}`}>
                        {th.name} <span className="ws-muted">({t("reportback.editor.peopleCount", { count: th.people })})</span>
                      </label>
                    </div>
                    {entry.languages.map((code) => (
                      <div key={code}>
                        <label htmlFor={`label-${th.id}-${code}`} className="ws-small">
                          {t("reportback.editor.publicLabel", { language: getLanguage(code).englishName })}
                        </label>
                        <input
                          id={`label-${th.id}-${code}`}
                          name={`label_${th.id}_${code}`}
                          type="text"
                          lang={code}
                          dir={getLanguage(code).dir}
                          defaultValue={labels[code] ?? ""}
                        />
                      </div>
                    ))}
                  </fieldset>
                );
              })}
              <button className="button">{t("reportback.editor.save")}</button>
            </Form>

            {data.linkedThemes.map(({ themeId }) => (
              <div key={themeId} className="ws-panel">
                <h3>{themeName.get(themeId)}</h3>
                <h4>{t("reportback.editor.quotesUsed")}</h4>
                <ul className="ws-list">
                  {data.quotes
                    .filter((q) => q.themeId === themeId)
                    .map((q) => (
                      <li key={q.id} className={`rb-quote-${q.state}`}>
                        {q.state === "shown" ? (
                          <q lang={q.language ?? undefined}>{q.text}</q>
                        ) : (
                          <strong>{t(`reportback.editor.quoteGone.${q.state}`)}</strong>
                        )}
                        <Form method="post" className="ws-inline-form">
                          <CsrfInput />
                          <input type="hidden" name="quoteId" value={q.id} />
                          <button className="button button-secondary" name="intent" value="quote-remove">
                            {t("reportback.editor.removeQuote")}
                          </button>
                        </Form>
                      </li>
                    ))}
                </ul>
                <h4>{t("reportback.editor.quotesAvailable")}</h4>
                <ul className="ws-list">
                  {(data.candidates[themeId] ?? []).map((q) => (
                    <li key={q.codingId}>
                      <q lang={q.language}>{q.text}</q>
                      <Form method="post" className="ws-inline-form">
                        <CsrfInput />
                        <input type="hidden" name="codingId" value={q.codingId} />
                        <button className="button button-secondary" name="intent" value="quote-add">
                          {t("reportback.editor.useQuote")}
                        </button>
                      </Form>
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </section>

          <section aria-labelledby="rb-milestones">
            <h2 id="rb-milestones">{t("reportback.milestones")}</h2>
            <ul className="ws-list">
              {data.milestones.map((m) => (
                <li key={m.id}>
                  {m.dueOn} – {m.labels.en ?? Object.values(m.labels)[0]} {m.doneOn ? `(${m.doneOn})` : null}
                  <Form method="post" className="ws-inline-form">
                    <CsrfInput />
                    <input type="hidden" name="milestoneId" value={m.id} />
                    <button className="button button-secondary" name="intent" value="milestone-remove">
                      {t("reportback.editor.remove")}
                    </button>
                  </Form>
                </li>
              ))}
            </ul>
            <Form method="post" className="ws-form">
              <CsrfInput />
              <input type="hidden" name="intent" value="milestone-add" />
              <label htmlFor="dueOn">{t("reportback.editor.dueOn")}</label>
              <input id="dueOn" name="dueOn" type="date" required />
              {entry.languages.map((code) => (
                <div key={code}>
                  <label htmlFor={`milestone-${code}`}>{t("reportback.editor.milestoneLabel", { language: getLanguage(code).englishName })}</label>
                  <input id={`milestone-${code}`} name={`label_${code}`} type="text" lang={code} dir={getLanguage(code).dir} />
                </div>
              ))}
              <button className="button">{t("reportback.editor.addMilestone")}</button>
            </Form>
          </section>
        </>
      ) : (
        <>
          <p>{t("reportback.editor.publishedNotEditable")}</p>
          <section aria-labelledby="rb-used">
            <h2 id="rb-used">{t("reportback.editor.quotesUsed")}</h2>
            {data.linkedThemes.map(({ themeId }) => (
              <div key={themeId} className="ws-panel">
                <h3>{themeName.get(themeId)}</h3>
                <ul className="ws-list">
                  {data.quotes
                    .filter((q) => q.themeId === themeId)
                    .map((q) => (
                      <li key={q.id}>
                        {q.state === "shown" ? <q lang={q.language ?? undefined}>{q.text}</q> : <strong>{t(`reportback.editor.quoteGone.${q.state}`)}</strong>}
                      </li>
                    ))}
                </ul>
              </div>
            ))}
          </section>
        </>
      )}
    </main>
  );
}

function StatusFields(props: { status: string; progress: number; nextReviewOn: string | null }) {
  const t = useT();
  return (
    <>
      <label htmlFor="actionStatus">{t("reportback.status.label")}</label>
      <select id="actionStatus" name="actionStatus" defaultValue={props.status}>
        {ACTION_STATUSES.map((s) => (
          <option key={s} value={s}>
            {t(`reportback.status.${s}`)}
          </option>
        ))}
      </select>
      <label htmlFor="progress">{t("reportback.editor.progress")}</label>
      <input id="progress" name="progress" type="number" min={0} max={100} defaultValue={props.progress} />
      <label htmlFor="nextReviewOn">{t("reportback.editor.nextReviewOn")}</label>
      <input id="nextReviewOn" name="nextReviewOn" type="date" defaultValue={props.nextReviewOn ?? ""} />
    </>
  );
}

function NoteFields(props: { languages: string[]; label: string; prefix?: string }) {
  return (
    <>
      {props.languages.map((code) => {
        const l = getLanguage(code);
        const id = `${props.prefix ?? ""}note-${code}`;
        return (
          <div key={code}>
            <label htmlFor={id}>
              {props.label} ({l.englishName})
            </label>
            <textarea id={id} name={`note_${code}`} lang={code} dir={l.dir} rows={2} />
          </div>
        );
      })}
    </>
  );
}
