import { Link } from "@remix-run/react";
import { useT } from "~/i18n/react";

/** The dashboard's notice 30 and 7 days before a study's participant data are erased, and on the day. */
export function RetentionWarning(props: {
  warning: 30 | 7 | "due" | null;
  erasesOn: string | null;
  daysLeft: number | null;
  link: string | null;
}) {
  const t = useT();
  if (!props.warning || !props.erasesOn || props.daysLeft === null) return null;
  return (
    <div className="ws-panel ws-warning" role="status">
      <p>
        {t(props.warning === "due" ? "workspace.retention.due" : "workspace.retention.warning", {
          date: props.erasesOn,
          days: props.daysLeft,
        })}
      </p>
      {props.link ? (
        <p>
          <Link to={props.link}>{t("workspace.retention.link")}</Link>
        </p>
      ) : null}
    </div>
  );
}
