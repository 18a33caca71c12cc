import { useT } from "../../i18n/react";
import type { QuestionView } from "../question-view.server";

type Text = { text: string; lang?: string };
const langOf = (t: Text | undefined) => (t?.lang ? { lang: t.lang } : {});

/**
 * One question, GOV.UK style: a fieldset with a legend for choices, a label for text; the error
 * message next to the field; what the person typed shown back in its own direction (dir="auto").
 */
export function QuestionField(props: { question: QuestionView; error?: string; submitted?: string | string[] }) {
  const t = useT();
  const q = props.question;
  const fieldId = `f-${q.id}`;
  const describedBy = [q.hint ? `h-${q.id}` : null, props.error ? `e-${q.id}` : null].filter(Boolean).join(" ") || undefined;
  // After an error, show what was submitted; otherwise the saved answer.
  const current: string[] =
    props.submitted !== undefined
      ? Array.isArray(props.submitted)
        ? props.submitted
        : [props.submitted]
      : q.saved === undefined
        ? []
        : Array.isArray(q.saved)
          ? q.saved
          : [String(q.saved)];
  const hint = q.hint ? (
    <p className="hint" id={`h-${q.id}`} {...langOf(q.hint)}>
      {q.hint.text}
    </p>
  ) : null;
  const error = props.error ? (
    <p className="error-message" id={`e-${q.id}`}>
      <span className="visually-hidden">{t("participant.q.errorPrefix")} </span>
      {props.error}
    </p>
  ) : null;
  const wrap = (children: React.ReactNode) => <div className={`field${props.error ? " field-error" : ""}`}>{children}</div>;

  if (q.type === "short_text" || q.type === "long_text" || q.type === "number") {
    const common = {
      id: fieldId,
      name: q.id,
      dir: "auto" as const,
      defaultValue: current[0] ?? "",
      "aria-describedby": describedBy,
      "aria-invalid": props.error ? true : undefined,
    };
    return wrap(
      <>
        <label htmlFor={fieldId} {...langOf(q.text)}>
          {q.text.text}
        </label>
        {hint}
        {error}
        {q.type === "long_text" ? (
          <textarea {...common} rows={5} className="answer-text" />
        ) : q.type === "number" ? (
          <input {...common} type="text" inputMode="decimal" className="input-short" autoComplete="off" />
        ) : (
          <input {...common} type="text" autoComplete="off" />
        )}
      </>,
    );
  }

  const multiple = q.type === "multiple_choice";
  const scale = q.type === "scale_0_10";
  return wrap(
    <fieldset aria-describedby={describedBy}>
      <legend {...langOf(q.text)}>{q.text.text}</legend>
      {hint}
      {multiple ? <p className="hint">{t("participant.q.chooseAll")}</p> : null}
      {error}
      {scale && q.ends ? (
        <p className="scale-ends" aria-hidden="true">
          {/* The first and last options' labels are the scale's ends in the page's digits. */}
          <span {...langOf(q.ends.min)}>
            {q.options[0]?.label.text} = {q.ends.min?.text}
          </span>
          <span {...langOf(q.ends.max)}>
            {q.options[q.options.length - 1]?.label.text} = {q.ends.max?.text}
          </span>
        </p>
      ) : null}
      <div className={scale ? "scale" : undefined}>
        {q.options.map((o, i) => {
          const id = i === 0 ? fieldId : `${fieldId}-${o.value}`;
          const endLabel = scale && q.ends ? (i === 0 ? q.ends.min : i === q.options.length - 1 ? q.ends.max : undefined) : undefined;
          return (
            <div className="choice" key={o.value}>
              <input
                type={multiple ? "checkbox" : "radio"}
                id={id}
                name={q.id}
                value={o.value}
                defaultChecked={current.includes(o.value)}
              />
              <label htmlFor={id} {...langOf(o.label)}>
                {o.label.text}
                {endLabel ? <span className="visually-hidden"> ({endLabel.text})</span> : null}
              </label>
            </div>
          );
        })}
      </div>
    </fieldset>,
  );
}
