import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { agreementQuery, agreementReport, questionLabels, resolveDisagreement } from "~/coding/agreement.server";
import { isBlind, isFinished, setBlind } from "~/coding/codings.server";
import { DEFAULT_RESAMPLES, DEFAULT_SEED } from "~/coding/krippendorff";
import codingStyles from "~/coding/components/coding.css";
import { requireStudyMember } from "~/workspace/request.server";
import { readUnits } from "~/consent/units.server";
import { requestLanguage } from "~/i18n/request.server";
import { useT } from "~/i18n/react";
import { field, readFormBody } from "~/security/form-body.server";
import { CodingError } from "~/coding/codings.server";
import { AgreementFigures } from "~/coding/components/AgreementFigures";

export const headers = workspaceHeaders;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: codingStyles }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member, db, scope, base, userId } = await requireStudyMember(request, context, params, "data:read");
  const url = new URL(request.url);
  const q = await agreementQuery(db, scope, url.searchParams);
  // Comparing coders shows each one's decisions: in a blind study, only after the viewer has finished.
  const blind = await isBlind(db, scope.studyId);
  const hidden = blind && !(await isFinished(db, scope.studyId, userId));
  let report = null;
  let excerpts: Record<string, string> = {};
  if (q.chosen.length >= 2 && !hidden) {
    // Every unit at least two of the chosen coders coded, one session's segments, or one question's answers;
    // the intervals with the defaults the page states (the command line can change them).
    report = await agreementReport(db, scope, {
      coders: q.chosen,
      units: await q.units(),
      participantTurnsOnly: q.participantTurnsOnly,
      bootstrap: { resamples: DEFAULT_RESAMPLES, seed: DEFAULT_SEED },
    });
    const shown = new Set(report.disagreements.slice(0, 200).map((d) => d.unit));
    const texts = await readUnits(db, scope, "analysis", { keys: [...shown] });
    excerpts = Object.fromEntries([...texts.values()].map((u) => [u.key, u.text.length > 400 ? `${u.text.slice(0, 400)}…` : u.text]));
  }
  const sessions = await db
    .selectFrom("study_session")
    .select(["id", "label"])
    .where("study_id", "=", scope.studyId)
    .orderBy("held_on")
    .execute();
  const labels = await questionLabels(db, q.items, requestLanguage(request));
  return {
    base,
    coders: q.coders.map((c) => ({ coderId: c.coderId, name: c.name, finished: c.finished })),
    chosen: q.chosen,
    choice: q.choice,
    participantTurnsOnly: q.participantTurnsOnly,
    sessions,
    items: q.items.map((i) => ({
      ...i,
      ...(labels.get(`${i.instrumentId}/${i.itemId}`) ?? { instrumentLabel: i.instrumentId, itemLabel: i.itemId }),
    })),
    report,
    excerpts,
    blind,
    hidden,
    canResolve: member.can("coding:write"),
    canSetBlind: member.can("study:edit"),
    canExport: member.can("export:raw"),
    query: url.search,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  // Membership (and the CSRF check, which reads a clone of the body) before the form is read.
  const { member, db, scope, userId } = await requireStudyMember(request, context, params, "data:read");
  const form = await readFormBody(request);
  const intent = field(form, "intent");
  if (!member.can(intent === "blind" ? "study:edit" : "coding:write")) throw new Response("Forbidden", { status: 403 });
  if (intent === "blind") {
    const blind = field(form, "blind");
    if (blind !== "on" && blind !== "off") throw new Response("Bad request", { status: 400 });
    await setBlind(db, scope, userId, blind === "on");
    return { ok: true };
  }
  const decision = field(form, "decision");
  try {
    await resolveDisagreement(db, scope, userId, {
      unit: field(form, "unit"),
      themeId: field(form, "theme"),
      applied: decision === "applied" ? true : decision === "not_applied" ? false : null,
    });
  } catch (error) {
    // A unit or theme this study does not have (another organisation's, or no id at all).
    if (error instanceof CodingError) throw new Response("Not found", { status: 404 });
    throw error;
  }
  return { ok: true };
}

export default function Agreement() {
  const t = useT();
  const d = useLoaderData<typeof loader>();
  const coderName = Object.fromEntries(d.coders.map((c) => [c.coderId, c.name]));
  const themeName = Object.fromEntries((d.report?.themes ?? []).map((r) => [r.themeId, r.themeName]));
  return (
    <main id="main" className="ws-main">
      <h1>{t("coding.agreement.title")}</h1>
      <p className="ws-noprint">
        <Link to={`${d.base}/coding`}>{t("coding.nav.coding")}</Link>
      </p>
      <p className="ws-muted">{t("coding.agreement.intro")}</p>
      <section className="ws-panel" aria-labelledby="blind-h">
        <h2 id="blind-h">{t("coding.agreement.blindTitle")}</h2>
        <p>{t(d.blind ? "coding.agreement.blindIsOn" : "coding.agreement.blindIsOff")}</p>
        <p className="ws-hint">{t("coding.agreement.blindHint")}</p>
        {d.canSetBlind ? (
          <Form method="post" action={`${d.base}/coding/agreement${d.query}`}>
            <CsrfInput />
            <input type="hidden" name="intent" value="blind" />
            <input type="hidden" name="blind" value={d.blind ? "off" : "on"} />
            <button type="submit" className="ws-small">
              {t(d.blind ? "coding.agreement.blindTurnOff" : "coding.agreement.blindTurnOn")}
            </button>
          </Form>
        ) : null}
      </section>
      {d.hidden ? <p className="ws-panel">{t("coding.code.blind")}</p> : null}
      <Form method="get" className="ws-form">
        <fieldset>
          <legend>{t("coding.agreement.coders")}</legend>
          {d.coders.map((c) => (
            <div key={c.coderId} className="ws-check">
              <input type="checkbox" id={`c-${c.coderId}`} name="coder" value={c.coderId} defaultChecked={d.chosen.includes(c.coderId)} />
              <label htmlFor={`c-${c.coderId}`}>
                {c.name} ({t(c.finished ? "coding.agreement.finished" : "coding.agreement.notFinished")})
              </label>
            </div>
          ))}
        </fieldset>
        <label htmlFor="units">{t("coding.agreement.units")}</label>
        <select id="units" name="units" defaultValue={d.choice}>
          <option value="">{t("coding.agreement.allShared")}</option>
          {d.sessions.length > 0 ? (
            <optgroup label={t("coding.agreement.sessionsGroup")}>
              {d.sessions.map((s) => (
                <option key={s.id} value={`session:${s.id}`}>
                  {s.label}
                </option>
              ))}
            </optgroup>
          ) : null}
          {d.items.length > 0 ? (
            <optgroup label={t("coding.agreement.itemsGroup")}>
              {d.items.map((i) => (
                <option key={`${i.instrumentId}/${i.itemId}`} value={`item:${i.instrumentId}/${i.itemId}`}>
                  {t("coding.agreement.itemOption", { instrument: i.instrumentLabel, item: i.itemLabel, coders: i.coders })}
                </option>
              ))}
            </optgroup>
          ) : null}
        </select>
        <div className="ws-check">
          <input type="checkbox" id="turns" name="turns" value="participants" defaultChecked={d.participantTurnsOnly} />
          <label htmlFor="turns">{t("coding.agreement.participantTurnsOnly")}</label>
        </div>
        <button type="submit">{t("coding.agreement.compute")}</button>
      </Form>
      {d.report ? (
        <>
          <p>{t("coding.agreement.comparedCoders", { names: d.report.coderDetails.map((c) => c.name).join(", ") })}</p>
          <AgreementFigures report={d.report} coderName={coderName} />
          <p className="ws-hint">{t("coding.agreement.finishedHint")}</p>
          {d.canExport ? (
            <p className="ws-noprint">
              <a href={`${d.base}/coding/agreement.csv${d.query}`} download>
                {t("coding.agreement.downloadDecisions")}
              </a>
            </p>
          ) : null}
          <h2>{t("coding.agreement.toDiscuss")}</h2>
          {d.report.disagreements.length === 0 ? <p>{t("coding.agreement.noDisagreements")}</p> : null}
          {d.report.disagreements.slice(0, 200).map((dis) => (
            <section key={`${dis.unit}|${dis.themeId}`} className="coding-unit">
              <h3>{themeName[dis.themeId]}</h3>
              <p className="coding-text" dir="auto">
                {d.excerpts[dis.unit] ?? ""}
              </p>
              <ul>
                {Object.entries(dis.decisions).map(([coder, v]) => (
                  <li key={coder}>
                    {coderName[coder]}:{" "}
                    {t(v === null ? "coding.agreement.notCoded" : v ? "coding.agreement.applied" : "coding.agreement.notApplied")}
                  </li>
                ))}
              </ul>
              <p>
                {t("coding.agreement.resolution")}:{" "}
                {t(
                  dis.resolved === null
                    ? "coding.agreement.unresolved"
                    : dis.resolved
                      ? "coding.agreement.applied"
                      : "coding.agreement.notApplied",
                )}
              </p>
              {d.canResolve ? (
                <Form method="post" action={`${d.base}/coding/agreement${d.query}`} className="ws-row-form">
                  <CsrfInput />
                  <input type="hidden" name="unit" value={dis.unit} />
                  <input type="hidden" name="theme" value={dis.themeId} />
                  <button type="submit" name="decision" value="applied" className="ws-small">
                    {t("coding.agreement.resolveApplied")}
                  </button>
                  <button type="submit" name="decision" value="not_applied" className="ws-small">
                    {t("coding.agreement.resolveNotApplied")}
                  </button>
                  <button type="submit" name="decision" value="clear" className="ws-small">
                    {t("coding.agreement.clear")}
                  </button>
                </Form>
              ) : null}
            </section>
          ))}
        </>
      ) : d.chosen.length > 0 ? (
        <p>{t("coding.agreement.needTwo")}</p>
      ) : null}
    </main>
  );
}
