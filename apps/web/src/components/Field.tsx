import { useId, type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes } from 'react';

interface FieldProps {
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  className?: string;
}

/** Ids for a control's hint and error, joined for aria-describedby. */
function useDescribedBy(hint: ReactNode, error: string | undefined) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return { id, hintId, errorId, describedBy };
}

function FieldMessages({
  hint,
  hintId,
  error,
  errorId,
}: {
  hint: ReactNode;
  hintId?: string;
  error?: string;
  errorId?: string;
}) {
  return (
    <>
      {hint && (
        <span id={hintId} className="hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={errorId} role="alert" className="field-error">
          {error}
        </span>
      )}
    </>
  );
}

type TextFieldProps = FieldProps &
  Omit<InputHTMLAttributes<HTMLInputElement>, 'className' | 'id'> & { inputRef?: Ref<HTMLInputElement> };

/** The label, then the hint and error, above a control. */
function FieldFrame({
  ids,
  label,
  hint,
  error,
  className,
  children,
}: FieldProps & { ids: ReturnType<typeof useDescribedBy>; children: ReactNode }) {
  return (
    <div className={className}>
      <label htmlFor={ids.id} className="label">
        {label}
      </label>
      <FieldMessages hint={hint} hintId={ids.hintId} error={error} errorId={ids.errorId} />
      {children}
    </div>
  );
}

export function TextField({ label, hint, error, className, inputRef, ...input }: TextFieldProps) {
  const ids = useDescribedBy(hint, error);
  return (
    <FieldFrame ids={ids} label={label} hint={hint} error={error} className={className}>
      <input
        {...input}
        ref={inputRef}
        id={ids.id}
        className="input"
        aria-invalid={error ? true : undefined}
        aria-describedby={ids.describedBy}
      />
    </FieldFrame>
  );
}

export interface Option {
  value: string;
  label: string;
  disabled?: boolean;
}

type SelectFieldProps = FieldProps &
  Omit<SelectHTMLAttributes<HTMLSelectElement>, 'className' | 'id'> & {
    options: readonly Option[];
    selectRef?: Ref<HTMLSelectElement>;
  };

export function SelectField({ label, hint, error, className, options, selectRef, ...select }: SelectFieldProps) {
  const ids = useDescribedBy(hint, error);
  return (
    <FieldFrame ids={ids} label={label} hint={hint} error={error} className={className}>
      <select
        {...select}
        ref={selectRef}
        id={ids.id}
        className="input"
        aria-invalid={error ? true : undefined}
        aria-describedby={ids.describedBy}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value} disabled={o.disabled}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}
