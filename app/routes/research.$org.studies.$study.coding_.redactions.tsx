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
/** Characters of a turn or answer shown under its heading; each suggestion also shows its own context. */
const EXCERPT = 300;
const KINDS = ["email", "phone", "url", "uk_postcode", "date_of_birth", "home_office_reference", "port_reference", "name", "left_out"];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { member, db, scope, base } = await requireStudyMember(request, context, params, "data:read");
  const status = new URL(request.url).searchParams.get("status") ?? "suggested";
  const rows = await db
    .selectFrom("redaction")
    .select(["id", "segment_id", "response_id", "item_id", "start_cp", "end_cp", "kind", "status"])
    .where("study_id", "=", scope.studyId)
    .where("status", status === "all" ? "is not" : "=", status === "all" ? null : (status as "suggested"))
    // A unit's suggestions together, in reading order: the page shows them per turn or answer.
    .orderBy("segment_id")
    .orderBy("response_id")
    .orderBy("item_id")
    .orderBy("start_cp")
    .limit(PAGE)
    .execute();
  const keys = [...new Set(rows.map((r) => (r.segment_id ? `s:${r.segment_id}` : `a:${r.response_id}:${r.item_id}`)))];
  // Only units the gate still allows: an erased participant's redactions are gone with their words.
  const units = await readUnits(db, scope, "analysis", { keys });
  const stored = await redactionsFor(db, scope, keys);
  const groups = keys.flatMap((key) => {
    const unit = units.get(key);
    if (!unit) return [];
    const chars = [...unit.text];
    const items = rows
      .filter((r) => (r.segment_id ? `s:${r.segment_id}` : `a:${r.response_id}:${r.item_id}`) === key)
      .map((r) => ({
        id: r.id,
        kind: r.kind,
        status: r.status,
        start: r.start_cp,
        end: r.end_cp,
        ...extractWithContext(unit.text, { start: r.start_cp, end: r.end_cp }, 60),
      }));
    const preview = redactedText(unit.text, stored.get(key));
    return [
      {
        unit: key,
        source: unit.source,
        session: unit.sessionLabel,
        heldOn: unit.heldOn,
        position: unit.position,
        itemId: unit.itemId,
        language: unit.language,
        excerpt: chars.length > EXCERPT ? `${chars.slice(0, EXCERPT).join("")}…` : unit.text,
        preview: preview.length > EXCERPT ? `${[...preview].slice(0, EXCERPT).join("")}…` : preview,
        items,
      },
    ];
  });
  return { base, status, groups, names: (await redactionNames(db, scope.studyId)).join("\n"), canEdit: member.can("coding:write") };
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
            <p className="ws-hint">{t("coding.redactions.namesScripts")}</p>
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
      {d.groups.length === 0 ? <p>{t("coding.redactions.none")}</p> : null}
      {d.groups.map((g) => (
        <section key={g.unit} className="coding-unit" data-testid="redaction-unit" aria-labelledby={`unit-${g.unit}`}>
          <h2 id={`unit-${g.unit}`}>
            {g.source === "segment"
              ? t("coding.redactions.turnHeading", { position: g.position ?? "—", session: g.session ?? "—", heldOn: g.heldOn ?? "—" })
              : t("coding.redactions.answerHeading", { item: g.itemId ?? "—" })}{" "}
            · {t("coding.redactions.inThisText", { n: g.items.length })}
          </h2>
          <p className="coding-text" lang={g.language} dir="auto" data-testid="redaction-unit-excerpt">
            {g.excerpt}
          </p>
          <p className="ws-hint">
            {t("coding.redactions.exported")} <q dir="auto">{g.preview}</q>
          </p>
          <ul style={{ listStyle: "none", padding: 0 }}>
            {g.items.map((r) => (
              <li key={r.id} data-testid="redaction-suggestion">
                <h3>
                  {t(`coding.redactions.kind_${KINDS.includes(r.kind) ? r.kind : "other"}`)} · {t(`coding.redactions.status_${r.status}`)}
                </h3>
                <p className="coding-text" lang={g.language} dir="auto">
                  <span className="ws-muted">{r.before}</span>
                  <mark className="coding-mark">{r.extract}</mark>
                  <span className="ws-muted">{r.after}</span>
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
              </li>
            ))}
          </ul>
        </section>
      ))}
    </main>
  );
}
