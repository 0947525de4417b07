import { createContext, useContext, useEffect, useId, useRef, type ReactNode, type Ref } from 'react';
import type { Option } from '../../../components/Field';
import { useT } from '../../../i18n';
import { fieldId } from './draft';
import { problemMessage, type Problem } from './problems';

/** The problems of the last check, by schema path: every field shows its own. */
export const ProblemsContext = createContext<Map<string, Problem[]>>(new Map());

function useProblems(path: string): Problem[] {
  return useContext(ProblemsContext).get(path) ?? [];
}

/** The expression as read, and a caret under the character where the parser stopped. */
function Caret({ source, offset }: { source: string; offset: number }) {
  const text = source.replace(/\t/g, ' ');
  const at = Math.max(0, Math.min(offset, text.length));
  return (
    <pre
      aria-hidden="true"
      className="mt-1 overflow-x-auto rounded-md border border-red-200 bg-red-50 px-2 py-1 font-mono text-sm leading-snug whitespace-pre text-red-950"
    >
      {text}
      {'\n'}
      {' '.repeat(at)}^
    </pre>
  );
}

/**
 * The messages under a field. Always present (empty when all is well) and polite, so a problem
 * found while typing is read out once the typing pauses, without interrupting.
 */
function FieldProblems({ id, problems }: { id: string; problems: Problem[] }) {
  useT(); // the messages follow the language
  return (
    <div id={id} aria-live="polite">
      {problems.map((problem, i) => (
        <div key={`${problem.code}-${i}`}>
          <span className="field-error">{problemMessage(problem)}</span>
          {problem.offset !== undefined && problem.source !== undefined && (
            <Caret source={problem.source} offset={problem.offset} />
          )}
        </div>
      ))}
    </div>
  );
}

interface BuilderFieldProps {
  /** The schema path: names the control (its id) and finds its problems. */
  path: string;
  label: string;
  hint?: ReactNode;
  value: string;
  onChange: (value: string) => void;
  className?: string;
  mono?: boolean;
  placeholder?: string;
  inputRef?: Ref<HTMLInputElement>;
  /** The label is read by screen readers only (a table column header shows it). */
  hideLabel?: boolean;
}

/** What a builder control needs from its frame: its id, and how it is described and marked invalid. */
interface ControlAttributes {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string;
}

/** A builder control's frame: the label, the hint, the control, then the problems found at its path. */
function BuilderFrame({
  path,
  label,
  hint,
  hideLabel,
  className,
  children,
}: Pick<BuilderFieldProps, 'path' | 'label' | 'hint' | 'hideLabel' | 'className'> & {
  children: (control: ControlAttributes) => ReactNode;
}) {
  const problems = useProblems(path);
  const id = fieldId(path);
  return (
    <div className={className}>
      <label htmlFor={id} className={hideLabel ? 'sr-only' : 'label'}>
        {label}
      </label>
      {hint && (
        <span id={`${id}-hint`} className="hint">
          {hint}
        </span>
      )}
      {children({
        id,
        'aria-invalid': problems.length > 0 || undefined,
        'aria-describedby': [hint ? `${id}-hint` : '', `${id}-problems`].filter(Boolean).join(' '),
      })}
      <FieldProblems id={`${id}-problems`} problems={problems} />
    </div>
  );
}

export function BuilderTextField({ value, onChange, mono, placeholder, inputRef, ...frame }: BuilderFieldProps) {
  return (
    <BuilderFrame {...frame}>
      {(control) => (
        <input
          {...control}
          ref={inputRef}
          type="text"
          autoComplete="off"
          spellCheck={mono ? false : undefined}
          placeholder={placeholder}
          className={`input ${mono ? 'font-mono' : ''} ${frame.hideLabel ? 'mt-0' : ''}`}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </BuilderFrame>
  );
}

/** An expression: monospace, checked as you type (the check runs after a short pause). */
export function ExpressionField(props: BuilderFieldProps) {
  return <BuilderTextField mono {...props} />;
}

export function BuilderSelectField({
  value,
  onChange,
  options,
  ...frame
}: Omit<BuilderFieldProps, 'mono' | 'placeholder' | 'inputRef' | 'hideLabel'> & { options: readonly Option[] }) {
  return (
    <BuilderFrame {...frame}>
      {(control) => (
        <select {...control} className="input" value={value} onChange={(e) => onChange(e.target.value)}>
          {options.map((o) => (
            <option key={o.value} value={o.value} disabled={o.disabled}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </BuilderFrame>
  );
}

/** Problems at a path that has no field of its own (a whole question, a whole list). */
export function PathProblems({ path }: { path: string }) {
  const problems = useProblems(path);
  if (problems.length === 0) return null;
  return <FieldProblems id={`${fieldId(path)}-problems`} problems={problems} />;
}

/**
 * A modal question with the native <dialog>: focus moves in and is kept there, Escape cancels,
 * and focus returns to the button that opened it.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  danger,
  busy,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useT();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      className="m-auto w-[min(32rem,calc(100%-2rem))] rounded-lg border border-stone-300 bg-white p-6 text-stone-900 shadow-xl backdrop:bg-stone-950/50"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      {open && (
        <>
          <h2 id={titleId} className="text-xl font-bold">
            {title}
          </h2>
          <div className="mt-3 space-y-2 text-stone-800">{children}</div>
          <div className="mt-6 flex flex-wrap gap-3">
            <button
              type="button"
              className={danger ? 'btn-danger' : 'btn-primary'}
              aria-busy={busy || undefined}
              onClick={() => {
                if (!busy) onConfirm();
              }}
            >
              {confirmLabel}
            </button>
            <button type="button" className="btn-secondary" onClick={onCancel}>
              {t('common.cancel')}
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}

/** Buttons that cannot act stay focusable (aria-disabled), so focus is not lost at the top or bottom. */
export function SmallButton({
  id,
  disabled,
  onClick,
  children,
  danger,
}: {
  id?: string;
  disabled?: boolean;
  onClick: () => void;
  children: ReactNode;
  danger?: boolean;
}) {
  return (
    <button
      id={id}
      type="button"
      className={`inline-flex min-h-10 items-center rounded-md border px-3 py-1 text-sm font-semibold aria-disabled:cursor-not-allowed aria-disabled:opacity-50 ${
        danger
          ? 'border-red-300 bg-white text-red-800 hover:bg-red-50'
          : 'border-stone-400 bg-white text-stone-900 hover:bg-stone-100'
      }`}
      aria-disabled={disabled || undefined}
      onClick={() => {
        if (!disabled) onClick();
      }}
    >
      {children}
    </button>
  );
}
