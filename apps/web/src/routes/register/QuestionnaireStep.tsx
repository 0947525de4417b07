import { useCallback, useEffect, useMemo, useState } from 'react';
import { FormRenderer } from '../../forms/FormRenderer';
import { isEmptyAnswer, withAnswer } from '../../forms/answers';
import { compileForm, type Answers, type FormSchema, type Question } from '../../forms/engine';
import { fieldQuestion, ninProblem, ninQuestionName } from './collection';
import { focusQuestionField } from './focus';
import { hiddenQuestionNames } from './formRules';
import { NinCheck } from './NinCheck';
import type { WizardState } from './wizardState';
import { t as tr, useT } from '../../i18n';

const DEFER_ID = 'register-nin-deferred';

interface Problem {
  text: string;
  field: string;
}

/** What the engine cannot know: the NIN's exact shape, and an email address to send a deferred-NIN link to. */
function wizardProblem(form: FormSchema, answers: Answers, ninDeferred: boolean): Problem | null {
  const nin = ninQuestionName(form);
  if (!nin) return null;
  if (!ninDeferred) {
    const value = answers[nin];
    const text = typeof value === 'string' ? ninProblem(value) : null;
    return text ? { text, field: nin } : null;
  }
  const email = fieldQuestion(form, 'email');
  if (email && isEmptyAnswer(answers[email])) {
    return {
      text: tr('register.questions.emailForNin'),
      field: email,
    };
  }
  return null;
}

function NinExtras({
  value,
  deferred,
  canDefer,
  problem,
  onDefer,
}: {
  value: string;
  deferred: boolean;
  canDefer: boolean;
  problem: string | null;
  onDefer: (deferred: boolean) => void;
}) {
  const { t } = useT();
  return (
    <div className="space-y-3">
      {!deferred && <NinCheck nin={value} staff={false} />}
      {canDefer && (
        <div>
          <label htmlFor={DEFER_ID} className="flex cursor-pointer items-start gap-3">
            <input
              id={DEFER_ID}
              type="checkbox"
              className="mt-1 size-5 shrink-0 accent-green-800"
              checked={deferred}
              aria-describedby={deferred ? `${DEFER_ID}-hint` : undefined}
              onChange={(e) => onDefer(e.target.checked)}
            />
            <span className="font-semibold">{t('register.questions.noNin')}</span>
          </label>
          {deferred && (
            <p id={`${DEFER_ID}-hint`} className="hint">
              {t('register.questions.noNinHint')}
            </p>
          )}
        </div>
      )}
      {problem && (
        <p role="alert" className="field-error">
          {problem}
        </p>
      )}
    </div>
  );
}

export function QuestionnaireStep({
  form,
  state,
  update,
  onBack,
}: {
  form: FormSchema;
  state: WizardState;
  update: (change: (s: WizardState) => WizardState) => void;
  onBack: () => void;
}) {
  const { t } = useT();
  const { answers, ninDeferred } = state;
  const ninName = useMemo(() => ninQuestionName(form), [form]);
  const canDefer = useMemo(() => fieldQuestion(form, 'email') !== null, [form]);
  const hidden = useMemo(() => hiddenQuestionNames(form, ninDeferred), [form, ninDeferred]);
  const compiled = useMemo(() => {
    try {
      return compileForm(form);
    } catch {
      return null;
    }
  }, [form]);
  const [problem, setProblem] = useState<string | null>(null);
  const [initialQuestion] = useState(state.focusQuestion);

  // Coming back from the review's "Change": straight to that question.
  useEffect(() => {
    if (!initialQuestion) return;
    const frame = requestAnimationFrame(() => focusQuestionField(initialQuestion));
    update((s) => ({ ...s, focusQuestion: undefined }));
    return () => cancelAnimationFrame(frame);
  }, [initialQuestion, update]);

  const setDeferred = useCallback(
    (deferred: boolean) => {
      setProblem(null);
      update((s) => ({
        ...s,
        ninDeferred: deferred,
        answers: deferred && ninName ? withAnswer(s.answers, ninName, undefined) : s.answers,
      }));
      // The box moves when the NIN field goes away or comes back: keep the focus on it.
      requestAnimationFrame(() => document.getElementById(DEFER_ID)?.focus());
    },
    [ninName, update],
  );

  const ninValue = ninName ? answers[ninName] : undefined;
  const renderExtra = useCallback(
    (q: Question) =>
      q.name === ninName ? (
        <NinExtras
          value={typeof ninValue === 'string' ? ninValue : ''}
          deferred={ninDeferred}
          canDefer={canDefer}
          problem={problem}
          onDefer={setDeferred}
        />
      ) : null,
    [ninName, ninValue, ninDeferred, canDefer, problem, setDeferred],
  );

  function toReview(final: Answers) {
    const found = wizardProblem(form, final, ninDeferred);
    if (found) {
      setProblem(found.text);
      requestAnimationFrame(() => focusQuestionField(found.field));
      return;
    }
    setProblem(null);
    update((s) => ({ ...s, answers: final, step: 'review', reviewed: true }));
  }

  // After a visit to the review, a way straight back to it while the answers are still complete.
  const complete = useMemo(() => {
    if (!state.reviewed || !compiled) return false;
    const errors = compiled.validate(answers).errors.filter((e) => !hidden.has(e.field));
    return errors.length === 0 && !wizardProblem(form, answers, ninDeferred);
  }, [state.reviewed, compiled, answers, hidden, form, ninDeferred]);

  return (
    <>
      <FormRenderer
        form={form}
        answers={answers}
        onChange={(next) => {
          if (problem && ninName && next[ninName] !== answers[ninName]) setProblem(null);
          update((s) => ({ ...s, answers: next }));
        }}
        onComplete={(final) => toReview(final)}
        mode="auto"
        completeLabel={t('register.questions.toReview')}
        hiddenQuestions={hidden}
        renderExtra={renderExtra}
        initialQuestion={initialQuestion}
      />
      <div className="mt-6 flex flex-wrap justify-between gap-3">
        <button type="button" className="btn-secondary" onClick={onBack}>
          {t('register.questions.backToConsent')}
        </button>
        {complete && (
          <button type="button" className="btn-secondary" onClick={() => update((s) => ({ ...s, step: 'review' }))}>
            {t('register.questions.returnToReview')}
          </button>
        )}
      </div>
    </>
  );
}
