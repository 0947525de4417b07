import type { ReactNode } from 'react';
import type { AnswerValue, Choice, Question } from './engine';
import { t } from '../i18n';

// What every question's control is made of: its props, label, required mark, hint and error.

/** A decimal number as typed (the engine gets a number only when the text is one). */
export const DECIMAL = /^-?(\d+\.?\d*|\.\d+)$/;

export interface QuestionFieldProps {
  question: Question;
  /** The question's choice list (empty for other types). */
  choices: readonly Choice[];
  /** The control's id; its wrapper, hint and error ids are made from it. */
  id: string;
  value: AnswerValue | undefined;
  /** The engine's value for the question (calculations, read-only questions). */
  computed: AnswerValue | undefined;
  required: boolean;
  error: string | undefined;
  /** One question per screen: a larger label. */
  large?: boolean;
  /** `settled` is true for a finished choice (radio, checkbox, date, location), false while typing. */
  onValue: (value: AnswerValue | undefined, settled: boolean) => void;
  /** Focus left the question. */
  onLeave: () => void;
}

export function labelText(question: Question): string {
  return question.label?.trim() || question.name;
}

function RequiredMark({ required }: { required: boolean }) {
  if (!required) return null;
  return (
    <>
      <span aria-hidden="true" className="ml-1 text-red-700">
        *
      </span>
      <span className="sr-only"> {t('collect.form.requiredMark')}</span>
    </>
  );
}

/** The ids of a control's hint and error, joined for aria-describedby. */
export function describedIds(id: string, question: Question, error: string | undefined) {
  const hintId = question.hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return { hintId, errorId, describedBy: [hintId, errorId].filter(Boolean).join(' ') || undefined };
}

export function Messages({ question, id, error }: { question: Question; id: string; error: string | undefined }) {
  return (
    <>
      {question.hint && (
        <span id={`${id}-hint`} className="hint">
          {question.hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} role="alert" className="field-error">
          {error}
        </span>
      )}
    </>
  );
}

function labelClass(large: boolean | undefined): string {
  return large ? 'block text-xl font-semibold text-stone-900' : 'label text-base';
}

/** A single control's label (with the required mark), then its hint and error. */
export function QuestionLabel({
  question,
  id,
  required,
  error,
  large,
}: {
  question: Question;
  id: string;
  required: boolean;
  error: string | undefined;
  large?: boolean;
}) {
  return (
    <>
      <label htmlFor={id} className={labelClass(large)}>
        {labelText(question)}
        <RequiredMark required={required} />
      </label>
      <Messages question={question} id={id} error={error} />
    </>
  );
}

export function GroupLegend({ question, required, large }: { question: Question; required: boolean; large?: boolean }) {
  return (
    <legend className={large ? 'text-xl font-semibold text-stone-900' : 'text-base font-semibold text-stone-900'}>
      {labelText(question)}
      <RequiredMark required={required} />
    </legend>
  );
}

/** One radio button or check box with its label, as a large target. */
export function ChoiceOption({ children }: { children: ReactNode }) {
  return (
    <label className="flex min-h-11 cursor-pointer items-center gap-3 rounded-md border border-stone-300 bg-white px-3 py-2 has-checked:border-green-800 has-checked:bg-green-50">
      {children}
    </label>
  );
}
