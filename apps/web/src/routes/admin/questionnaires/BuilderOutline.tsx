import { useDeferredValue, useId, useMemo, useState } from 'react';
import type { FormSchema } from '../../../forms/engine';
import { useT } from '../../../i18n';

/** Letters without their marks, lower case: "ọ̀rọ̀" finds "oro", "Ìbéèrè" finds "ibeere". */
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** Matches shown at once; a narrower search finds the rest. */
const MAX_MATCHES = 50;

/**
 * The form at a glance, for a long questionnaire (the master one has 150 questions): each section
 * with its question count (a button that opens it and goes there), a search over question names and
 * labels whose results go straight to the question, and fold/unfold for every section at once.
 */
export function BuilderOutline({
  form,
  collapsed,
  onSection,
  onQuestion,
  onAll,
}: {
  form: FormSchema;
  collapsed: ReadonlySet<number>;
  onSection: (si: number) => void;
  onQuestion: (si: number, qi: number) => void;
  onAll: (collapse: boolean) => void;
}) {
  const { t, number } = useT();
  const searchId = useId();
  const [query, setQuery] = useState('');
  const deferred = useDeferredValue(query);
  const matches = useMemo(() => {
    const needle = fold(deferred.trim());
    if (!needle) return null;
    const found: { si: number; qi: number; n: number; name: string; label: string }[] = [];
    let n = 0;
    form.sections.forEach((section, si) =>
      section.questions.forEach((question, qi) => {
        n++;
        if (fold(question.name).includes(needle) || fold(question.label ?? '').includes(needle))
          found.push({ si, qi, n, name: question.name, label: question.label ?? '' });
      }),
    );
    return found;
  }, [deferred, form]);
  const firstNumbers = [1];
  for (const section of form.sections) firstNumbers.push(firstNumbers.at(-1)! + section.questions.length);
  const total = firstNumbers.at(-1)! - 1;

  return (
    <nav aria-labelledby="outline-heading" className="card space-y-3" id="builder-outline">
      <div className="flex flex-wrap items-center gap-2">
        <h2 id="outline-heading" className="mr-auto text-xl font-bold">
          {t('staff.admin.builder.outline')}
        </h2>
        <button type="button" className="btn-secondary min-h-10 px-3 py-1.5 text-sm" onClick={() => onAll(false)}>
          {t('staff.admin.builder.expandAll')}
        </button>
        <button type="button" className="btn-secondary min-h-10 px-3 py-1.5 text-sm" onClick={() => onAll(true)}>
          {t('staff.admin.builder.collapseAll')}
        </button>
      </div>
      <p className="text-sm text-stone-700">
        {t('staff.admin.builder.outlineCounts', { sections: form.sections.length, questions: total })}
      </p>
      <div>
        <label htmlFor={searchId} className="label">
          {t('staff.admin.builder.search')}
        </label>
        <span id={`${searchId}-hint`} className="hint">
          {t('staff.admin.builder.searchHint')}
        </span>
        <input
          id={searchId}
          type="search"
          className="input"
          autoComplete="off"
          spellCheck={false}
          aria-describedby={`${searchId}-hint`}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
      </div>
      {matches ? (
        <div>
          <p role="status" className="text-sm font-semibold text-stone-800">
            {t('staff.admin.builder.matches', { count: matches.length, shown: number(matches.length) })}
          </p>
          {matches.length > 0 && (
            <ul className="mt-2 max-h-80 divide-y divide-stone-200 overflow-y-auto rounded-md border border-stone-300">
              {matches.slice(0, MAX_MATCHES).map((m) => (
                <li key={`${m.si}.${m.qi}`}>
                  <button
                    type="button"
                    className="block w-full px-3 py-2 text-left hover:bg-stone-100"
                    onClick={() => onQuestion(m.si, m.qi)}
                  >
                    <span className="block break-words">
                      {m.n}. {m.label || m.name}
                    </span>
                    <span className="block text-sm text-stone-700">
                      <span className="font-mono">{m.name}</span> ·{' '}
                      {form.sections[m.si]!.label || form.sections[m.si]!.name}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          {matches.length > MAX_MATCHES && (
            <p className="mt-1 text-sm text-stone-700">
              {t('staff.admin.builder.moreMatches', { shown: MAX_MATCHES, total: number(matches.length) })}
            </p>
          )}
        </div>
      ) : (
        <ol className="max-h-96 divide-y divide-stone-200 overflow-y-auto rounded-md border border-stone-300">
          {form.sections.map((section, si) => (
            <li key={si}>
              <button
                type="button"
                className="flex w-full items-baseline gap-2 px-3 py-2 text-left hover:bg-stone-100"
                onClick={() => onSection(si)}
              >
                <span className="min-w-0 flex-1 break-words">
                  {si + 1}. {section.label || section.name}
                </span>
                <span className="shrink-0 text-sm text-stone-700">
                  {t('staff.admin.builder.sectionQuestions', {
                    count: section.questions.length,
                    first: firstNumbers[si]!,
                    last: firstNumbers[si + 1]! - 1,
                  })}
                  {collapsed.has(si) ? '' : ` · ${t('staff.admin.builder.shown')}`}
                </span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </nav>
  );
}
