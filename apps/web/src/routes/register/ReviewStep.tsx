import { useMemo } from 'react';
import { AnswerTree, answerEntries, answerText } from '../../forms/AnswerTree';
import { compileForm, type Answers, type AnswerValue, type FormSchema, type Question } from '../../forms/engine';
import { labelText } from '../../forms/QuestionField';
import { formLanguageFor, initialLanguage, savedLanguage, translator } from '../../forms/translate';
import { t as tr, useT } from '../../i18n';
import { ninQuestionName } from './collection';
import { consentQuestions } from './formRules';
import type { WizardState } from './wizardState';

function ChangeButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <button type="button" className="link text-left" onClick={onClick}>
      {tr('register.review.change')}
      <span className="sr-only"> {label}</span>
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
  const { t: ui, locale } = useT();
  const { answers, consent, ninDeferred } = state;
  const consentNames = useMemo(() => consentQuestions(form), [form]);
  const ninName = useMemo(() => ninQuestionName(form), [form]);
  const evaluation = useMemo(() => compileForm(form).evaluate(answers), [form, answers]);

  // The form's text in the language the questionnaire was shown in (the app's, when the form has it).
  const t = useMemo(
    () => translator(form, formLanguageFor(form, locale) ?? initialLanguage(form, savedLanguage()), ui),
    [form, locale, ui],
  );

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
    const text = q.name === ninName && ninDeferred ? ui('register.review.ninLater') : answerText(form, q, value, t);
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
      <p className="text-stone-800">{ui('register.review.intro')}</p>

      <section className="card mt-6" aria-labelledby="review-consent">
        <h3 id="review-consent" className="text-xl font-bold">
          {ui('register.review.consent')}
        </h3>
        <dl className="mt-2">
          <Row
            label={ui('register.review.basic')}
            value={consent.basic ? ui('register.consent.yes') : ui('register.consent.no')}
            onChange={onChangeConsent}
          />
          <Row
            label={ui('register.review.marketplace')}
            value={consent.marketplace === 'yes' ? ui('register.consent.yes') : ui('register.consent.no')}
            onChange={onChangeConsent}
          />
          {consent.marketplace === 'yes' && (
            <Row
              label={ui('register.review.enriched')}
              value={consent.enriched === 'yes' ? ui('register.consent.yes') : ui('register.consent.no')}
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
              {section.label || ui('register.review.yourAnswers')}
            </h3>
            <dl className="mt-2">
              <AnswerTree entries={entries} t={t} row={row} onChange={(q) => onChangeQuestion(q.name)} />
            </dl>
          </section>
        );
      })}

      <div className="mt-8 flex flex-wrap justify-end gap-3">
        <button type="button" className="btn-primary" onClick={onSubmit}>
          {ui('register.review.submit')}
        </button>
      </div>
    </>
  );
}
