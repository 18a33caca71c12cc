import { useT } from "~/i18n/react";

/** A cohort's name, dates and facilitators: the fields of both the create and the edit form. */
export function CohortFields({
  staff,
  cohort,
}: {
  staff: { userId: string; displayName: string }[];
  cohort?: { name: string; startsOn: string | null; endsOn: string | null; facilitatorIds: string[] };
}) {
  const t = useT();
  return (
    <>
      <p>
        <label htmlFor="name">{t("wellbeing.manage.name")}</label>
        <br />
        <input id="name" name="name" required maxLength={100} defaultValue={cohort?.name} />
      </p>
      <p>
        <label htmlFor="startsOn">{t("wellbeing.manage.startsOn")}</label>
        <br />
        <input id="startsOn" name="startsOn" type="date" defaultValue={cohort?.startsOn ?? ""} />
      </p>
      <p>
        <label htmlFor="endsOn">{t("wellbeing.manage.endsOn")}</label>
        <br />
        <input id="endsOn" name="endsOn" type="date" defaultValue={cohort?.endsOn ?? ""} />
      </p>
      {staff.length > 0 ? (
        <fieldset>
          <legend>{t("wellbeing.manage.facilitators")}</legend>
          {staff.map((s) => (
            <p key={s.userId}>
              <label>
                <input
                  type="checkbox"
                  name="facilitators"
                  value={s.userId}
                  defaultChecked={cohort?.facilitatorIds.includes(s.userId) ?? false}
                />{" "}
                {s.displayName}
              </label>
            </p>
          ))}
        </fieldset>
      ) : null}
    </>
  );
}
