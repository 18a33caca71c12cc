import { useT } from "../../i18n/react";

/** How to keep a visit from the next person who uses the phone: on the first page and the support page. */
export function PrivacyTips() {
  const t = useT();
  return (
    <section className="privacy-tips" aria-labelledby="privacy-tips-title">
      <h2 id="privacy-tips-title">{t("participant.privacy.title")}</h2>
      <ul>
        <li>{t("participant.privacy.private")}</li>
        <li>{t("participant.privacy.history")}</li>
        <li>{t("participant.privacy.exit")}</li>
      </ul>
    </section>
  );
}
