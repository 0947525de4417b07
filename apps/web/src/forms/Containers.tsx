import type { ReactNode } from 'react';
import { MAX_REPEAT_INSTANCES, type Question } from './engine';
import { labelText } from './fieldParts';
import { t } from '../i18n';

/** A group: its label as a legend over its children (hint under it). */
export function GroupBox({ question, id, children }: { question: Question; id: string; children: ReactNode }) {
  return (
    <fieldset id={`${id}-wrap`} data-question={question.name} className="space-y-6 border-l-4 border-stone-300 pl-3">
      {question.label && <legend className="mb-3 text-lg font-bold text-stone-900">{question.label}</legend>}
      {question.hint && <p className="hint">{question.hint}</p>}
      {children}
    </fieldset>
  );
}

/**
 * A repeat: each instance as a card with its questions; "Add another …" and "Remove" when the person
 * decides how many (`fixed` is null), none when `repeat_count` fixes the number.
 */
export function RepeatBox({
  question,
  id,
  instances,
  fixed,
  onAdd,
  onRemove,
}: {
  question: Question;
  id: string;
  /** The questions of each instance, rendered. */
  instances: ReactNode[];
  fixed: boolean;
  onAdd: () => void;
  onRemove: (index: number) => void;
}) {
  const label = labelText(question);
  return (
    <section id={`${id}-wrap`} data-question={question.name} aria-labelledby={`${id}-heading`} className="space-y-4">
      <h3 id={`${id}-heading`} className="text-lg font-bold text-stone-900">
        {label}
      </h3>
      {question.hint && <p className="hint">{question.hint}</p>}
      {instances.length === 0 && (
        <p className="text-stone-800">{fixed ? t('collect.repeat.nothing') : t('collect.repeat.none', { label })}</p>
      )}
      {instances.map((body, i) => (
        <fieldset
          key={i}
          id={`${id}-${i + 1}`}
          data-instance={i + 1}
          className="space-y-6 rounded-md border border-stone-300 bg-stone-50 p-3"
        >
          <legend className="px-1 font-semibold text-stone-900">
            {fixed
              ? t('collect.repeat.instance', { label, n: i + 1 })
              : t('collect.repeat.instanceOf', { label, n: i + 1, count: instances.length })}
          </legend>
          {body}
          {!fixed && (
            <button type="button" className="btn-secondary text-sm" onClick={() => onRemove(i)}>
              {t('collect.repeat.remove')}
              <span className="sr-only">
                {' '}
                {label} {i + 1}
              </span>
            </button>
          )}
        </fieldset>
      ))}
      {!fixed && instances.length < MAX_REPEAT_INSTANCES && (
        <button type="button" id={`${id}-add`} className="btn-secondary w-full sm:w-auto" onClick={onAdd}>
          {instances.length === 0 ? t('collect.repeat.add', { label }) : t('collect.repeat.addAnother', { label })}
        </button>
      )}
    </section>
  );
}
