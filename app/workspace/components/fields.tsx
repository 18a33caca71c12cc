import type { InputHTMLAttributes, ReactNode, TextareaHTMLAttributes } from "react";

/**
 * Workspace form fields: a label tied to its control, an optional hint and error message tied to it
 * by aria-describedby, the control's id the one the error summary links to
 * (app/workspace/components/ErrorSummary.tsx). Plain HTML: they work without JavaScript.
 */
interface FieldProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  /** The translated message, shown above the control (GOV.UK): the summary's link lands here. */
  error?: string | null;
  labelClassName?: string;
}

function describedBy(props: FieldProps) {
  const ids = [props.hint ? `${props.id}-hint` : null, props.error ? `${props.id}-error` : null].filter(Boolean);
  return ids.length > 0 ? ids.join(" ") : undefined;
}

function FieldText(props: FieldProps) {
  return (
    <>
      <label htmlFor={props.id} className={props.labelClassName}>
        {props.label}
      </label>
      {props.hint ? (
        <p className="ws-hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p className="ws-field-error" id={`${props.id}-error`}>
          {props.error}
        </p>
      ) : null}
    </>
  );
}

/** A one-line input (text, date, number…). `name` defaults to the id. */
export function TextField(props: FieldProps & Omit<InputHTMLAttributes<HTMLInputElement>, "id">) {
  const { id, label, hint, error, labelClassName, ...input } = props;
  return (
    <>
      <FieldText id={id} label={label} hint={hint} error={error} labelClassName={labelClassName} />
      <input id={id} name={input.name ?? id} aria-describedby={describedBy(props)} aria-invalid={error ? true : undefined} {...input} />
    </>
  );
}

/** A multi-line text box. `name` defaults to the id. */
export function TextAreaField(props: FieldProps & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id">) {
  const { id, label, hint, error, labelClassName, ...textarea } = props;
  return (
    <>
      <FieldText id={id} label={label} hint={hint} error={error} labelClassName={labelClassName} />
      <textarea
        id={id}
        name={textarea.name ?? id}
        aria-describedby={describedBy(props)}
        aria-invalid={error ? true : undefined}
        {...textarea}
      />
    </>
  );
}

/** A checkbox with its label beside it (`.ws-check`). */
export function CheckboxField(props: { id: string; label: ReactNode } & Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "type">) {
  const { id, label, ...input } = props;
  return (
    <div className="ws-check">
      <input type="checkbox" id={id} {...input} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}
