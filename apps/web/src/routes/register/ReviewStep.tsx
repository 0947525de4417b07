import { useMemo } from 'react';
import { asChoiceNames, asGeoPoint, displayValue, isDisplayed, isEmptyAnswer } from '../../forms/answers';
import { compileForm, type AnswerValue, type FormSchema, type Question } from '../../forms/engine';
import { labelText } from '../../forms/QuestionField';
import { formatDate } from '../../lib/format';
import { ninQuestionName } from './collection';
import { consentQuestions } from './formRules';
import type { WizardState } from './wizardState';

/** An answer as the person would say it: choice labels rather than codes, dates in words. */
function answerText(form: FormSchema, q: Question, value: AnswerValue | undefined): string {
  if (isEmptyAnswer(value)) return 'Not answered';
  const choices = q.choiceList ? (form.choiceLists[q.choiceList] ?? []) : [];
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

function ChangeButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <button type="button" className="link text-left" onClick={onClick}>
      Change<span className="sr-only"> {label}</span>
    </button>
  );
}

function Row({ label, value, onChange }: { label: string; value: string; onChange?: () => void }) {
  return (
    <div className="grid gap-1 border-b border-stone-200 py-3 last:border-b-0 sm:grid-cols-[minmax(0,2fr)_minmax(0,2fr)_auto] sm:gap-4">
      <dt className="font-semibold text-stone-800">{label}</dt>
      <dd className="break-words">{value}</dd>
      <dd>{onChange && <ChangeButton label={label} onClick={onChange} />}</dd>
    </div>
  );
}

export function ReviewStep({
  form,
  state,
  onChangeConsent,
  onChangeQuestion,
  onSubmit,
}: {
  form: FormSchema;
  state: WizardState;
  onChangeConsent: () => void;
  onChangeQuestion: (name: string) => void;
  onSubmit: () => void;
}) {
  const { answers, consent, ninDeferred } = state;
  const consentNames = useMemo(() => consentQuestions(form), [form]);
  const ninName = useMemo(() => ninQuestionName(form), [form]);
  const evaluation = useMemo(() => compileForm(form).evaluate(answers), [form, answers]);

  const skip = new Set([consentNames.basic, consentNames.marketplace, consentNames.enriched]);
  const sections = form.sections
    .filter((s) => evaluation.visibleSections.has(s.name))
    .map((section) => ({
      section,
      questions: section.questions.filter(
        (q) =>
          isDisplayed(q) &&
          q.type !== 'note' &&
          !skip.has(q.name) &&
          (q.type === 'calculate'
            ? Object.hasOwn(evaluation.values, q.name)
            : evaluation.visibleQuestions.has(q.name) || (q.name === ninName && ninDeferred)),
      ),
    }))
    .filter((s) => s.questions.length > 0);

  return (
    <>
      <p className="text-stone-800">
        Check your answers before you send them. Use &ldquo;Change&rdquo; to correct anything.
      </p>

      <section className="card mt-6" aria-labelledby="review-consent">
        <h3 id="review-consent" className="text-xl font-bold">
          Consent
        </h3>
        <dl className="mt-2">
          <Row
            label="Registry may keep and use my information"
            value={consent.basic ? 'Yes' : 'No'}
            onChange={onChangeConsent}
          />
          <Row
            label="Listed in the anonymous skills marketplace"
            value={consent.marketplace === 'yes' ? 'Yes' : 'No'}
            onChange={onChangeConsent}
          />
          {consent.marketplace === 'yes' && (
            <Row
              label="Name and phone number shown to registered employers"
              value={consent.enriched === 'yes' ? 'Yes' : 'No'}
              onChange={onChangeConsent}
            />
          )}
        </dl>
      </section>

      {sections.map(({ section, questions }, i) => {
        const headingId = `review-section-${i}`;
        return (
          <section key={section.name} className="card mt-6" aria-labelledby={headingId}>
            <h3 id={headingId} className="text-xl font-bold">
              {section.label || 'Your answers'}
            </h3>
            <dl className="mt-2">
              {questions.map((q) => {
                const value = q.type === 'calculate' ? evaluation.values[q.name] : answers[q.name];
                const text =
                  q.name === ninName && ninDeferred
                    ? 'To be added later — we will email you a link'
                    : answerText(form, q, value);
                return (
                  <Row
                    key={q.name}
                    label={labelText(q)}
                    value={text}
                    onChange={q.type === 'calculate' ? undefined : () => onChangeQuestion(q.name)}
                  />
                );
              })}
            </dl>
          </section>
        );
      })}

      <div className="mt-8 flex flex-wrap justify-end gap-3">
        <button type="button" className="btn-primary" onClick={onSubmit}>
          Submit registration
        </button>
      </div>
    </>
  );
}
