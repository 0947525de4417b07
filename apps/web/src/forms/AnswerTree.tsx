import type { ReactNode } from 'react';
import { formatDate } from '../lib/format';
import { asChoiceNames, asGeoPoint, displayValue, isDisplayed, isEmptyAnswer } from './answers';
import type { AnswerValue, Answers, FormSchema, Question } from './engine';
import { labelText } from './fieldParts';
import { instancesOf } from './level';
import type { Translator } from './translate';
import { t as tr } from '../i18n';

/** An answer as the person would say it: choice labels (in the form's language) rather than codes, dates in words. */
export function answerText(form: FormSchema, q: Question, value: AnswerValue | undefined, t?: Translator): string {
  if (isEmptyAnswer(value)) return tr('collect.answers.notAnswered');
  const list = q.choiceList ? (form.choiceLists[q.choiceList] ?? []) : [];
  const choices = t ? t.choices(list) : list;
  const label = (name: string) => choices.find((c) => c.name === name)?.label || name;
  if (q.type === 'select_one') return label(String(value));
  if (q.type === 'select_multiple') return asChoiceNames(value).map(label).join(', ');
  if (q.type === 'date' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return formatDate(`${value}T12:00:00Z`);
  }
  if (q.type === 'geopoint') {
    const p = asGeoPoint(value);
    return p ? `${p.lat}, ${p.lng}` : displayValue(value);
  }
  return displayValue(value);
}

/** What a review page lists: answers, groups of answers, and repeats as their instances. */
export type AnswerEntry =
  | { kind: 'answer'; question: Question; value: AnswerValue | undefined }
  | { kind: 'group'; question: Question; entries: AnswerEntry[] }
  | { kind: 'repeat'; question: Question; instances: AnswerEntry[][] };

/**
 * The entries for `questions` given the engine's values (answers of hidden questions already left
 * out): answered questions a person sees, groups with any of them, repeats with their instances.
 * `include` can leave out more at the top level (questions a wizard shows elsewhere).
 */
export function answerEntries(
  questions: readonly Question[],
  values: Answers,
  include: (q: Question) => boolean = () => true,
): AnswerEntry[] {
  const entries: AnswerEntry[] = [];
  for (const q of questions) {
    if (!include(q)) continue;
    if (q.type === 'group') {
      const inner = answerEntries(q.questions ?? [], values, include);
      if (inner.length > 0) entries.push({ kind: 'group', question: q, entries: inner });
    } else if (q.type === 'repeat') {
      const instances = instancesOf(values[q.name]).map((instance) => answerEntries(q.questions ?? [], instance));
      if (instances.length > 0) entries.push({ kind: 'repeat', question: q, instances });
    } else if (isDisplayed(q) && q.type !== 'note' && Object.hasOwn(values, q.name)) {
      entries.push({ kind: 'answer', question: q, value: values[q.name] });
    }
  }
  return entries;
}

/**
 * Entries as nested lists: `row` draws one answer the page's way (with its "Change" link at the top
 * level: `nested` is true inside a repeat, where a row stands alone); groups and repeats get headings.
 */
export function AnswerTree({
  entries,
  t,
  row,
  onChange,
  nested = false,
}: {
  entries: AnswerEntry[];
  t: Translator;
  row: (question: Question, value: AnswerValue | undefined, nested: boolean) => ReactNode;
  /** A "Change" link by a repeat's heading (at the top level), to go back to its instances. */
  onChange?: (question: Question) => void;
  nested?: boolean;
}) {
  return entries.map((entry) => {
    const q = entry.question;
    if (entry.kind === 'answer') return row(q, entry.value, nested);
    const label = labelText(t.question(q));
    if (entry.kind === 'group') {
      return (
        <div
          key={q.name}
          role="group"
          aria-label={label}
          className="border-l-4 border-stone-200 py-2 pl-3"
          data-group={q.name}
        >
          <p className="font-bold text-stone-900">{label}</p>
          <AnswerTree entries={entry.entries} t={t} row={row} onChange={onChange} nested={nested} />
        </div>
      );
    }
    return (
      <div key={q.name} className="py-2" data-repeat={q.name}>
        <div className="flex flex-wrap items-start justify-between gap-x-4">
          <p className="font-bold text-stone-900">{label}</p>
          {onChange && !nested && (
            <button type="button" className="link text-left" onClick={() => onChange(q)}>
              {tr('register.review.change')}
              <span className="sr-only"> {label}</span>
            </button>
          )}
        </div>
        <ol className="mt-1 space-y-2" aria-label={label}>
          {entry.instances.map((instance, i) => (
            <li key={i} className="rounded-md border border-stone-300 px-3 py-1" data-instance={i + 1}>
              <p className="pt-1 text-sm font-semibold text-stone-700">
                {label} {i + 1}
              </p>
              <AnswerTree entries={instance} t={t} row={row} nested />
            </li>
          ))}
        </ol>
      </div>
    );
  });
}
