import type { ReactNode } from "react";
import { useLoaderData, useLocation } from "@remix-run/react";
import { useT } from "../../i18n/react";
import { useNonce } from "../../security/nonce";
import { ContactText } from "./ContactText";

export { QUICK_EXIT_URL } from "../quick-exit";

/** The label of the quick exit in one language (the first page shows it in every offered language). */
export interface ExitLabel {
  code: string;
  dir: "ltr" | "rtl";
  text: string;
}

/**
 * The frame of every participant page: Leave this site quickly (kept in view while scrolling, by CSS),
 * then Take a break, Stop, Support and Language at the top; withdrawal and consent choices at the foot.
 * Plain links and forms, so no JavaScript is needed; /quick-exit.js only adds "Shift three times
 * exits" (docs/decisions/064-quick-exit-and-participant-language.md).
 */
export function ParticipantPage(props: {
  slug: string;
  /** The page's heading, when it comes first: the page's <h1>. */
  title?: ReactNode;
  children: ReactNode;
  withdrawLinks?: boolean;
  exitLabels?: ExitLabel[];
}) {
  const t = useT();
  const nonce = useNonce();
  const location = useLocation();
  const base = `/s/${props.slug}`;
  // "Language" comes back here after the choice (the chooser checks `next` is a page of this study).
  const here = location.pathname + location.search;
  const languageHref = location.pathname === base || location.pathname === `${base}/` ? base : `${base}?next=${encodeURIComponent(here)}`;
  return (
    <>
      <a className="skip-link" href="#main">
        {t("common.skipToContent")}
      </a>
      <form className="exit-bar" method="post" action={`${base}/exit`} id="quick-exit">
        <button className="quick-exit" type="submit">
          {props.exitLabels
            ? props.exitLabels.map((l) => (
                <span key={l.code} lang={l.code} dir={l.dir}>
                  {l.text}
                </span>
              ))
            : t("participant.bar.leave")}
        </button>
        <script src="/quick-exit.js" nonce={nonce} defer />
      </form>
      <header className="top-bar">
        <nav aria-label={t("participant.bar.label")}>
          <ul>
            <li>
              <a href={`${base}/break`}>{t("participant.bar.break")}</a>
            </li>
            <li>
              <a href={`${base}/stop`}>{t("participant.bar.stop")}</a>
            </li>
            <li>
              <a href={`${base}/support`}>{t("participant.bar.support")}</a>
            </li>
            <li>
              <a href={languageHref}>{t("participant.bar.language")}</a>
            </li>
          </ul>
        </nav>
      </header>
      <main id="main" className="page">
        {props.title ? <h1>{props.title}</h1> : null}
        {props.children}
      </main>
      {props.withdrawLinks === false ? null : (
        <footer className="page site-footer">
          <ul>
            <li>
              <a href={`${base}/withdraw`}>{t("participant.footer.withdraw")}</a>
            </li>
            <li>
              <a href={`${base}/consent-choices`}>{t("participant.footer.choices")}</a>
            </li>
          </ul>
        </footer>
      )}
    </>
  );
}

/** A participant page's loader data and its translator: what every page component starts with. */
export function useParticipantPage<T>() {
  return { data: useLoaderData<T>(), t: useT() };
}

export interface FieldError {
  /** The id of the field (the summary links to it). */
  id: string;
  message: string;
}

/** GOV.UK error summary: first on the page, each message a link to its field. */
export function ErrorSummary(props: { errors: FieldError[] }) {
  const t = useT();
  if (props.errors.length === 0) return null;
  return (
    // autoFocus is server-rendered (autofocus=""): without JavaScript the browser focuses the summary
    // on load, so a screen reader starts there and keyboard users tab on from it.
    // eslint-disable-next-line jsx-a11y/no-autofocus -- the GOV.UK error summary pattern, as said above
    <div className="error-summary" id="error-summary" role="alert" aria-labelledby="error-summary-title" tabIndex={-1} autoFocus>
      <h2 id="error-summary-title">{t("common.errorSummaryTitle")}</h2>
      <ul>
        {props.errors.map((e) => (
          <li key={e.id}>
            <a href={`#${e.id}`}>{e.message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * The study's support services. `heading` is the level of each service's name: h2 where the list sits
 * right under the page's h1 (/support), h3 under a "Support" h2 (axe heading-order: no level skipped).
 */
export function SupportList(props: { support: { name: string; description: string; contact: string }[]; heading?: "h2" | "h3" }) {
  const Name = props.heading ?? "h3";
  return (
    <ul className="support-list">
      {props.support.map((s) => (
        <li key={s.name} className="support">
          <Name>{s.name}</Name>
          <p>{s.description}</p>
          <p>
            <strong>
              <ContactText text={s.contact} />
            </strong>
          </p>
        </li>
      ))}
    </ul>
  );
}
