import type { MetaFunction } from "@remix-run/node";
import { useT } from "~/i18n/react";

export const meta: MetaFunction = () => [{ title: "Tandem" }];

export default function Home() {
  const t = useT();
  return (
    <main id="main" className="page">
      <h1>{t("common.home.title")}</h1>
      <p>{t("common.home.body")}</p>
      <p>
        <a href="/research/sign-in">{t("common.home.signIn")}</a>
      </p>
    </main>
  );
}
