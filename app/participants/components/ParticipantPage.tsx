import type { ReactNode } from "react";
import { useT } from "../../i18n/react";

/** GOV.UK "Exit this page" goes to a neutral, common site; so do we. */
export const QUICK_EXIT_URL = "https://www.bbc.co.uk/weather";

/**
 * The frame of every participant page: Take a break, Stop, Support and Leave this site quickly at
 * the top; withdrawal and consent choices at the foot. Plain links, so no JavaScript is needed.
 */
export function ParticipantPage(props: { slug: string; children: ReactNode; withdrawLinks?: boolean }) {
  const t = useT();
  const base = `/s/${props.slug}`;
  return (
    <>
      <a className="skip-link" href="#main">
        {t("common.skipToContent")}
      </a>
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
          </ul>
        </nav>
        <a className="quick-exit" href={QUICK_EXIT_URL} rel="noreferrer">
          {t("participant.bar.leave")}
        </a>
      </header>
      <main id="main" className="page">
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
    <div className="error-summary" role="alert" aria-labelledby="error-summary-title" tabIndex={-1}>
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

export function SupportList(props: { support: { name: string; description: string; contact: string }[] }) {
  return (
    <ul className="support-list">
      {props.support.map((s) => (
        <li key={s.name} className="support">
          <h3>{s.name}</h3>
          <p>{s.description}</p>
          <p>
            <strong>{s.contact}</strong>
          </p>
        </li>
      ))}
    </ul>
  );
}
