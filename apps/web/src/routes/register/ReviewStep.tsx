import { useMemo } from 'react';
import { AnswerTree, answerEntries, answerText } from '../../forms/AnswerTree';
import { compileForm, type Answers, type AnswerValue, type FormSchema, type Question } from '../../forms/engine';
import { labelText } from '../../forms/QuestionField';
import { initialLanguage, savedLanguage, translator } from '../../forms/translate';
import { ninQuestionName } from './collection';
import { consentQuestions } from './formRules';
import type { WizardState } from './wizardState';

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

  const t = useMemo(() => translator(form, initialLanguage(form, savedLanguage())), [form]);

  const skip = new Set([consentNames.basic, consentNames.marketplace, consentNames.enriched]);
  // The engine's values (hidden answers left out, calculations filled in); a visible question left
  // unanswered is listed as such, and the deferred NIN as deferred.
  const values: Answers = {
    ...Object.fromEntries([...evaluation.visibleQuestions].map((name) => [name, null])),
    ...evaluation.values,
    ...(ninName && ninDeferred ? { [ninName]: '' } : {}),
  };
  const sections = form.sections
    .filter((s) => evaluation.visibleSections.has(s.name))
    .map((section) => ({
      section: t.section(section),
      entries: answerEntries(section.questions, values, (q) => !skip.has(q.name)),
    }))
    .filter((s) => s.entries.length > 0);

  function row(q: Question, value: AnswerValue | undefined, nested: boolean) {
    const text =
      q.name === ninName && ninDeferred
        ? 'To be added later — we will email you a link'
        : answerText(form, q, value, t);
    const line = (
      <Row
        key={q.name}
        label={labelText(t.question(q))}
        value={text}
        onChange={q.type === 'calculate' || nested ? undefined : () => onChangeQuestion(q.name)}
      />
    );
    return nested ? <dl key={q.name}>{line}</dl> : line;
  }

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

      {sections.map(({ section, entries }, i) => {
        const headingId = `review-section-${i}`;
        return (
          <section key={section.name} className="card mt-6" aria-labelledby={headingId}>
            <h3 id={headingId} className="text-xl font-bold">
              {section.label || 'Your answers'}
            </h3>
            <dl className="mt-2">
              <AnswerTree entries={entries} t={t} row={row} onChange={(q) => onChangeQuestion(q.name)} />
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
