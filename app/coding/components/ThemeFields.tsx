import { useT } from "~/i18n/react";
import { TextAreaField, TextField } from "~/workspace/components/fields";

/** A theme's fields, in the form that adds one and the form that edits one (ids prefixed new- / edit-). */
export function ThemeFields(props: {
  t: ReturnType<typeof useT>;
  themes: { id: string; name: string; depth: number }[];
  values?: { name: string; definition: string; useWhen: string; notUseWhen: string; colour: string; parentId: string | null };
}) {
  const { t, values } = props;
  const prefix = values ? "edit-" : "new-";
  const wide = { width: "100%" };
  return (
    <>
      <TextField id={`${prefix}name`} name="name" label={t("coding.themes.name")} required maxLength={120} defaultValue={values?.name} />
      <label htmlFor={`${prefix}parent`}>{t("coding.themes.parent")}</label>
      <select id={`${prefix}parent`} name="parent" defaultValue={values?.parentId ?? ""}>
        <option value="">{t("coding.themes.topLevel")}</option>
        {props.themes.map((th) => (
          <option key={th.id} value={th.id}>
            {"\u2003".repeat(th.depth)}
            {th.name}
          </option>
        ))}
      </select>
      <TextAreaField
        id={`${prefix}definition`}
        name="definition"
        label={t("coding.themes.definition")}
        rows={2}
        defaultValue={values?.definition}
        style={wide}
      />
      <TextAreaField
        id={`${prefix}useWhen`}
        name="useWhen"
        label={t("coding.themes.useWhen")}
        rows={2}
        defaultValue={values?.useWhen}
        style={wide}
      />
      <TextAreaField
        id={`${prefix}notUseWhen`}
        name="notUseWhen"
        label={t("coding.themes.notUseWhen")}
        rows={2}
        defaultValue={values?.notUseWhen}
        style={wide}
      />
      <TextField
        id={`${prefix}colour`}
        name="colour"
        type="color"
        label={t("coding.themes.colour")}
        defaultValue={values?.colour ?? "#56b4e9"}
      />
    </>
  );
}
