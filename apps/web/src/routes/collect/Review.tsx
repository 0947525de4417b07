import { useMemo } from 'react';
import { Alert } from '../../components/Alert';
import { AnswerTree, answerEntries, answerText } from '../../forms/AnswerTree';
import type { AnswerValue, Answers, FormSchema, Question } from '../../forms/engine';
import { labelText } from '../../forms/QuestionField';
import { initialLanguage, savedLanguage, translator } from '../../forms/translate';
import { useT } from '../../i18n';

/** The answers the engine accepted, question by question, before the survey goes to the outbox. */
export function Review({
  form,
  values,
  submitting,
  error,
  onEdit,
  onSubmit,
}: {
  form: FormSchema;
  values: Answers;
  submitting: boolean;
  error: string | null;
  onEdit: (question?: string) => void;
  onSubmit: () => void;
}) {
  const { t: ui } = useT();
  const t = useMemo(() => translator(form, initialLanguage(form, savedLanguage())), [form]);
  const entries = useMemo(
    () =>
      answerEntries(
        form.sections.flatMap((s) => s.questions),
        values,
      ),
    [form, values],
  );
  function row(q: Question, value: AnswerValue | undefined, nested: boolean) {
    const label = labelText(t.question(q));
    return (
      <div key={q.name} className="flex flex-wrap items-start justify-between gap-x-4 gap-y-1 py-3">
        <div className="min-w-0 flex-1">
          <p className="text-sm font-semibold text-stone-700">{label}</p>
          <p className="break-words text-stone-900">{answerText(form, q, value, t)}</p>
        </div>
        {!nested && (
          <button type="button" className="link text-sm" onClick={() => onEdit(q.name)}>
            {ui('collect.review.change')}
            <span className="sr-only"> {label}</span>
          </button>
        )}
      </div>
    );
  }
  return (
    <section aria-labelledby="review-heading">
      <h2 id="review-heading" tabIndex={-1} className="text-xl font-bold">
        {ui('collect.review.title')}
      </h2>
      <p className="mt-1 text-stone-800">{ui('collect.review.readBack')}</p>
      <div className="mt-4 divide-y divide-stone-200" role="region" aria-label={ui('collect.review.answers')}>
        <AnswerTree entries={entries} t={t} row={row} onChange={(q) => onEdit(q.name)} />
      </div>
      {error && (
        <div className="mt-4">
          <Alert>
            <p>{error}</p>
          </Alert>
        </div>
      )}
      <div className="mt-6 flex flex-wrap items-center justify-between gap-3">
        <button type="button" className="btn-secondary" onClick={() => onEdit()}>
          {ui('collect.review.backToQuestions')}
        </button>
        <button
          type="button"
          className="btn-primary"
          disabled={submitting}
          aria-busy={submitting || undefined}
          onClick={onSubmit}
        >
          {ui('collect.review.submit')}
        </button>
      </div>
    </section>
  );
}
