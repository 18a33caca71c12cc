import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "~/auth/components/CsrfInput";
import { workspaceHeaders } from "~/auth/headers";
import { redactionNames, setRedactionNames } from "~/coding/codings.server";
import codingStyles from "~/coding/components/coding.css";
import {
  addRedaction,
  decideRedaction,
  extendRedaction,
  RedactionError,
  redactedText,
  redactionsFor,
  suggestRedactions,
} from "~/coding/redactions.server";
import { extractWithContext } from "~/coding/spans";
import { requireStudyMember } from "~/workspace/request.server";
import { readUnits } from "~/consent/units.server";
import { useT } from "~/i18n/react";
import { field, intField, readFormBody } from "~/security/form-body.server";
import { ErrorSummary } from "~/workspace/components/ErrorSummary";

export const headers = workspaceHeaders;
export const links: LinksFunction = () => [{ rel: "stylesheet", href: codingStyles }];

const PAGE = 100;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member, db, scope, base } = await requireStudyMember(request, context, params, "data:read");
  const status = new URL(request.url).searchParams.get("status") ?? "suggested";
  const rows = await db
    .selectFrom("redaction")
    .select(["id", "segment_id", "response_id", "item_id", "start_cp", "end_cp", "kind", "status"])
    .where("study_id", "=", scope.studyId)
    .where("status", status === "all" ? "is not" : "=", status === "all" ? null : (status as "suggested"))
    .orderBy("id")
    .limit(PAGE)
    .execute();
  const keys = [...new Set(rows.map((r) => (r.segment_id ? `s:${r.segment_id}` : `a:${r.response_id}:${r.item_id}`)))];
  // Only units the gate still allows: an erased participant's redactions are gone with their words.
  const units = await readUnits(db, scope, "analysis", { keys });
  const stored = await redactionsFor(db, scope, keys);
  const items = rows.flatMap((r) => {
    const key = r.segment_id ? `s:${r.segment_id}` : `a:${r.response_id}:${r.item_id}`;
    const unit = units.get(key);
    if (!unit) return [];
    return [
      {
        id: r.id,
        unit: key,
        kind: r.kind,
        status: r.status,
        start: r.start_cp,
        end: r.end_cp,
        language: unit.language,
        ...extractWithContext(unit.text, { start: r.start_cp, end: r.end_cp }, 60),
        preview: redactedText(unit.text, stored.get(key)),
      },
    ];
  });
  return { base, status, items, names: (await redactionNames(db, scope.studyId)).join("\n"), canEdit: member.can("coding:write") };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { db, scope, userId } = await requireStudyMember(request, context, params, "coding:write");
  const form = await readFormBody(request);
  const intent = field(form, "intent");
  try {
    if (intent === "names") {
      await setRedactionNames(db, scope, field(form, "names").split(/\r?\n/));
      return { ok: "coding.redactions.namesSaved" };
    }
    if (intent === "suggest") {
      const n = await suggestRedactions(db, scope);
      return { ok: "coding.redactions.suggested", n };
    }
    if (intent === "confirm" || intent === "dismiss") {
      await decideRedaction(db, scope, userId, field(form, "id"), intent === "confirm" ? "confirmed" : "dismissed");
      return { ok: "coding.redactions.saved" };
    }
    if (intent === "extend") {
      await extendRedaction(db, scope, userId, field(form, "id"), { start: intField(form, "start"), end: intField(form, "end") });
      return { ok: "coding.redactions.saved" };
    }
    if (intent === "add") {
      await addRedaction(
        db,
        scope,
        userId,
        field(form, "unit"),
        { start: intField(form, "start"), end: intField(form, "end") },
        field(form, "kind") || "other",
      );
      return { ok: "coding.redactions.saved" };
    }
  } catch (error) {
    if (error instanceof RedactionError) {
      // An extent the text cannot hold is put right in the "from" box of the redaction it was sent for.
      const id = field(form, "id");
      return {
        error: `coding.redactions.errors.${error.reason}`,
        field: intent === "extend" && error.reason === "span" ? `start-${id}` : undefined,
      };
    }
    throw error;
  }
  return { error: "coding.redactions.errors.invalid" };
}

export default function Redactions() {
  const t = useT();
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <main id="main" className="ws-main">
      <h1>{t("coding.redactions.title")}</h1>
      <p className="ws-noprint">
        <Link to={`${d.base}/coding`}>{t("coding.nav.coding")}</Link>
      </p>
      <p className="ws-muted">{t("coding.redactions.intro")}</p>
      {result && "error" in result ? (
        <ErrorSummary errors={[{ field: "field" in result ? result.field : undefined, message: t(result.error!) }]} />
      ) : null}
      {result && !("error" in result) ? (
        <div className="ws-panel" role="status">
          <p>{t(result.ok!, { n: "n" in result ? (result.n ?? 0) : 0 })}</p>
        </div>
      ) : null}
      {d.canEdit ? (
        <>
          <Form method="post" className="ws-form ws-narrow">
            <CsrfInput />
            <input type="hidden" name="intent" value="names" />
            <label htmlFor="names">{t("coding.redactions.names")}</label>
            <p className="ws-hint">{t("coding.redactions.namesHint")}</p>
            <textarea id="names" name="names" rows={4} defaultValue={d.names} style={{ width: "100%" }} />
            <button type="submit">{t("coding.redactions.saveNames")}</button>
          </Form>
          <Form method="post">
            <CsrfInput />
            <input type="hidden" name="intent" value="suggest" />
            <button type="submit">{t("coding.redactions.check")}</button>
          </Form>
        </>
      ) : null}
      <nav className="coding-pager" aria-label={t("coding.redactions.filter")}>
        {(["suggested", "confirmed", "added", "dismissed", "all"] as const).map((s) => (
          <Link key={s} to={`?status=${s}`} aria-current={d.status === s ? "page" : undefined}>
            {t(`coding.redactions.status_${s}`)}
          </Link>
        ))}
      </nav>
      {d.items.length === 0 ? <p>{t("coding.redactions.none")}</p> : null}
      {d.items.map((r) => (
        <section key={r.id} className="coding-unit">
          <h2>
            {t(
              `coding.redactions.kind_${["email", "phone", "url", "uk_postcode", "date_of_birth", "home_office_reference", "port_reference", "name"].includes(r.kind) ? r.kind : "other"}`,
            )}{" "}
            · {t(`coding.redactions.status_${r.status}`)}
          </h2>
          <p className="coding-text" lang={r.language} dir="auto">
            <span className="ws-muted">{r.before}</span>
            <mark className="coding-mark">{r.extract}</mark>
            <span className="ws-muted">{r.after}</span>
          </p>
          <p className="ws-hint">
            {t("coding.redactions.exported")} <q dir="auto">{r.preview.length > 300 ? `${r.preview.slice(0, 300)}…` : r.preview}</q>
          </p>
          {d.canEdit ? (
            <div className="coding-apply">
              <Form method="post" className="ws-row-form">
                <CsrfInput />
                <input type="hidden" name="id" value={r.id} />
                <button type="submit" name="intent" value="confirm" className="ws-small">
                  {t("coding.redactions.confirm")}
                </button>
                <button type="submit" name="intent" value="dismiss" className="ws-small">
                  {t("coding.redactions.dismiss")}
                </button>
              </Form>
              <Form method="post" className="ws-row-form">
                <CsrfInput />
                <input type="hidden" name="intent" value="extend" />
                <input type="hidden" name="id" value={r.id} />
                <label>
                  {t("coding.code.from")}{" "}
                  <input id={`start-${r.id}`} name="start" type="number" min={0} defaultValue={r.start} style={{ width: "5rem" }} />
                </label>
                <label>
                  {t("coding.code.to")}{" "}
                  <input id={`end-${r.id}`} name="end" type="number" min={1} defaultValue={r.end} style={{ width: "5rem" }} />
                </label>
                <button type="submit" className="ws-small">
                  {t("coding.redactions.extend")}
                </button>
              </Form>
            </div>
          ) : null}
        </section>
      ))}
    </main>
  );
}
