import { useState } from 'react';
import { asChoiceNames } from './answers';
import {
  ChoiceOption,
  describedIds,
  GroupLegend,
  labelText,
  QuestionLabel,
  Messages,
  type QuestionFieldProps,
} from './fieldParts';
import { t } from '../i18n';

/** Above this many choices a single-choice question is a drop-down instead of radio buttons. */
export const RADIO_MAX = 8;
/** Above this many choices a multiple-choice question gets a filter box. */
export const FILTER_MIN = 21;

export function RadioGroup({ question, choices, id, value, required, error, large, onValue }: QuestionFieldProps) {
  const { describedBy } = describedIds(id, question, error);
  const selected = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  return (
    <fieldset id={id} aria-describedby={describedBy} aria-invalid={error ? true : undefined}>
      <GroupLegend question={question} required={required} large={large} />
      <Messages question={question} id={id} error={error} />
      <div className="mt-2 space-y-1">
        {choices.map((choice, i) => (
          <ChoiceOption key={choice.name}>
            <input
              type="radio"
              id={i === 0 ? `${id}-first` : undefined}
              name={`${id}-choice`}
              value={choice.name}
              checked={selected === choice.name}
              className="size-5 accent-green-800"
              aria-invalid={error ? true : undefined}
              onChange={() => onValue(choice.name, true)}
            />
            <span>{choice.label || choice.name}</span>
          </ChoiceOption>
        ))}
      </div>
      {selected && !required && (
        <button type="button" className="link mt-2 text-sm" onClick={() => onValue(undefined, true)}>
          Clear answer<span className="sr-only"> to “{labelText(question)}”</span>
        </button>
      )}
    </fieldset>
  );
}

export function Dropdown({ question, choices, id, value, required, error, large, onValue }: QuestionFieldProps) {
  const { describedBy } = describedIds(id, question, error);
  const selected = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  return (
    <>
      <QuestionLabel question={question} id={id} required={required} error={error} large={large} />
      <select
        id={id}
        name={question.name}
        className="input"
        value={selected}
        aria-required={required || undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => onValue(e.target.value, true)}
      >
        <option value="">{t('collect.form.choose')}</option>
        {choices.map((choice) => (
          <option key={choice.name} value={choice.name}>
            {choice.label || choice.name}
          </option>
        ))}
      </select>
    </>
  );
}

export function Checkboxes({ question, choices, id, value, required, error, large, onValue }: QuestionFieldProps) {
  const { describedBy } = describedIds(id, question, error);
  const selected = asChoiceNames(value);
  const [filter, setFilter] = useState('');
  const filterable = choices.length >= FILTER_MIN;
  const needle = filter.trim().toLowerCase();
  // Ticked choices stay in view while filtering, so a person always sees what they chose.
  const shown = needle
    ? choices.filter((c) => selected.includes(c.name) || (c.label || c.name).toLowerCase().includes(needle))
    : choices;
  function toggle(name: string, on: boolean) {
    const next = on ? [...selected, name] : selected.filter((n) => n !== name);
    // Keep the list's order, whatever order the boxes were ticked in.
    onValue(
      choices.map((c) => c.name).filter((n) => next.includes(n)),
      true,
    );
  }
  return (
    <fieldset id={id} aria-describedby={describedBy} aria-invalid={error ? true : undefined}>
      <GroupLegend question={question} required={required} large={large} />
      <Messages question={question} id={id} error={error} />
      {filterable && (
        <div className="mt-2">
          <label htmlFor={`${id}-filter`} className="label">
            {t('collect.form.filter')}
            <span className="sr-only"> {t('collect.form.filterFor', { question: labelText(question) })}</span>
          </label>
          <input
            id={`${id}-filter`}
            type="search"
            autoComplete="off"
            className="input sm:max-w-sm"
            value={filter}
            aria-describedby={`${id}-count`}
            onChange={(e) => setFilter(e.target.value)}
            onKeyDown={(e) => {
              // Enter in the filter must not move to the next question.
              if (e.key === 'Enter') e.preventDefault();
            }}
          />
          <span id={`${id}-count`} className="hint" aria-live="polite">
            {t('collect.form.filterCount', { shown: shown.length, count: choices.length, ticked: selected.length })}
          </span>
        </div>
      )}
      <div className={`mt-2 space-y-1 ${filterable ? 'max-h-96 overflow-y-auto pr-1' : ''}`}>
        {shown.map((choice, i) => (
          <ChoiceOption key={choice.name}>
            <input
              type="checkbox"
              id={i === 0 ? `${id}-first` : undefined}
              value={choice.name}
              checked={selected.includes(choice.name)}
              className="size-5 accent-green-800"
              aria-invalid={error ? true : undefined}
              onChange={(e) => toggle(choice.name, e.target.checked)}
            />
            <span>{choice.label || choice.name}</span>
          </ChoiceOption>
        ))}
      </div>
    </fieldset>
  );
}
