import { Alert } from '../../components/Alert';
import { asChoiceNames, displayValue, isDisplayed } from '../../forms/answers';
import type { AnswerValue, Answers, FormSchema, Question } from '../../forms/engine';
import { labelText } from '../../forms/QuestionField';

function answerText(form: FormSchema, question: Question, value: AnswerValue | undefined): string {
  if (question.choiceList && (question.type === 'select_one' || question.type === 'select_multiple')) {
    const choices = form.choiceLists[question.choiceList] ?? [];
    const label = (name: string) => choices.find((c) => c.name === name)?.label || name;
    return asChoiceNames(value).map(label).join(', ');
  }
  return displayValue(value);
}

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
  const questions = form.sections.flatMap((section) =>
    section.questions.filter((q) => q.type !== 'note' && isDisplayed(q) && Object.hasOwn(values, q.name)),
  );
  return (
    <section aria-labelledby="review-heading">
      <h2 id="review-heading" tabIndex={-1} className="text-xl font-bold">
        Check the answers
      </h2>
      <p className="mt-1 text-stone-800">Read them back to the respondent, then submit.</p>
      <ul className="mt-4 divide-y divide-stone-200" aria-label="Answers">
        {questions.map((q) => (
          <li key={q.name} className="flex flex-wrap items-start justify-between gap-x-4 gap-y-1 py-3">
            <div className="min-w-0 flex-1">
              <p className="text-sm font-semibold text-stone-700">{labelText(q)}</p>
              <p className="break-words text-stone-900">{answerText(form, q, values[q.name])}</p>
            </div>
            <button type="button" className="link text-sm" onClick={() => onEdit(q.name)}>
              Change<span className="sr-only"> {labelText(q)}</span>
            </button>
          </li>
        ))}
      </ul>
      {error && (
        <div className="mt-4">
          <Alert>
            <p>{error}</p>
          </Alert>
        </div>
      )}
      <div className="mt-6 flex flex-wrap items-center justify-between gap-3">
        <button type="button" className="btn-secondary" onClick={() => onEdit()}>
          Back to the questions
        </button>
        <button
          type="button"
          className="btn-primary"
          disabled={submitting}
          aria-busy={submitting || undefined}
          onClick={onSubmit}
        >
          Submit
        </button>
      </div>
    </section>
  );
}
