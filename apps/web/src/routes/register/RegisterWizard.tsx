import { lazy, Suspense, useEffect, useRef, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { ROLE_LABELS } from '@oslrs/core';
import { queryKeys } from '../../api/endpoints';
import { useAuth } from '../../auth/AuthContext';
import { Alert } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/Page';
import { useT, withAppText } from '../../i18n';
import { SignOutButton } from '../../components/SignOutButton';
import { deviceId } from '../../forms/answers';
import { AccountStep } from './AccountStep';
import { newUuid } from './collection';
import { ConsentStep } from './ConsentStep';
import { prefillFromAccount, withConsentAnswers } from './formRules';
import { FormLoadProblem, useFormSettings, usePublishedForm } from './queries';
import { initialState, STEPS, useWizardState, type StepKey } from './wizardState';

function StepIndicator({ step, accountDone }: { step: StepKey; accountDone: boolean }) {
  const { t } = useT();
  const current = STEPS.findIndex((s) => s.key === step);
  return (
    <nav aria-label={t('register.steps.label')} className="mt-6">
      <ol className="flex flex-wrap gap-x-2 gap-y-2 text-sm sm:text-base">
        {STEPS.map((s, i) => {
          const done = i < current || (s.key === 'account' && accountDone && step !== 'account');
          const here = i === current;
          return (
            <li
              key={s.key}
              aria-current={here ? 'step' : undefined}
              className={`flex items-center gap-2 rounded-full border px-3 py-1 ${
                here
                  ? 'border-green-800 bg-green-800 font-semibold text-white'
                  : done
                    ? 'border-green-800 bg-green-50 text-green-950'
                    : 'border-stone-300 bg-white text-stone-700'
              }`}
            >
              <span aria-hidden="true" className="font-mono">
                {done ? '✓' : i + 1}
              </span>
              <span>
                <span className="sr-only">{t('register.steps.step', { n: i + 1 })} </span>
                {t(s.label)}
                {done && <span className="sr-only"> {t('register.steps.completed')}</span>}
              </span>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

// The questionnaire, review and done steps (the form renderer and its controls) load when a resident
// reaches them: the account and consent steps open without that weight.
const loadReview = withAppText(() => import('./ReviewStep'));
const QuestionnaireStep = lazy(
  withAppText(() =>
    import('./QuestionnaireStep').then((m) => {
      void loadReview(); // fetched while the questions are answered, ready when they are done
      return { default: m.QuestionnaireStep };
    }),
  ),
);
const ReviewStep = lazy(() => loadReview().then((m) => ({ default: m.ReviewStep })));
// The done page (its status poll, slip links and the answers' labels) loads after the review.
const DoneStep = lazy(withAppText(() => import('./DoneStep').then((m) => ({ default: m.DoneStep }))));

/** The public self-registration wizard: account, consent, questionnaire, review, done. */
export default function RegisterWizard() {
  const { user } = useAuth();
  const { t } = useT();
  const [state, update] = useWizardState();
  const { step } = state;

  // The questionnaire is for the steps after sign-in: a signed-out visitor on the account step (who
  // leaves through the emailed link) does not fetch it.
  const signedInResident = user?.role === 'public_user';
  const settings = useFormSettings(signedInResident);
  const questionnaireId = state.form?.questionnaireId ?? settings.data?.settings.publicQuestionnaireId ?? null;
  const schema = usePublishedForm(questionnaireId, state.form?.version, signedInResident);
  const form = schema.data?.form;

  // Pin the version the answers are given to, once it is known (already in hand: no second fetch).
  const queryClient = useQueryClient();
  useEffect(() => {
    if (schema.data && !state.form) {
      const { questionnaireId: id, version: v } = schema.data;
      queryClient.setQueryData(queryKeys.formSchema(id, v), schema.data);
      update((s) => (s.form ? s : { ...s, form: { questionnaireId: id, version: v } }));
    }
  }, [schema.data, state.form, update, queryClient]);

  // A resident already signed in skips the account step; another account's leftovers are dropped.
  useEffect(() => {
    if (!user || user.role !== 'public_user') return;
    update((s) => {
      if (s.userId && s.userId !== user.id) return { ...initialState(), userId: user.id, step: 'consent' };
      if (s.step === 'account') return { ...s, userId: user.id, step: 'consent' };
      return s.userId ? s : { ...s, userId: user.id };
    });
  }, [user, update]);

  // Each new step's heading takes the focus (not on the first load, nor when a question will).
  const heading = useRef<HTMLHeadingElement>(null);
  const lastStep = useRef(step);
  useEffect(() => {
    if (lastStep.current === step) return;
    lastStep.current = step;
    if (step === 'questionnaire' && state.focusQuestion) return;
    heading.current?.focus();
    window.scrollTo({ top: 0 });
  }, [step, state.focusQuestion]);

  const stepIndex = STEPS.findIndex((s) => s.key === step);
  const stepLabel = t(STEPS[stepIndex]!.label);

  let body: ReactNode;
  if (user && user.role !== 'public_user') {
    body = (
      <Alert title={t('register.staff.title')}>
        <p>{t('register.staff.body', { email: user.email, role: ROLE_LABELS[user.role] })}</p>
        <div className="mt-3 flex flex-wrap gap-3">
          <SignOutButton />
          {user.role === 'data_entry_clerk' && (
            <Link to="/clerk" className="btn-secondary">
              {t('register.staff.clerk')}
            </Link>
          )}
        </div>
      </Alert>
    );
  } else if (user === undefined) {
    body = <Loading label={t('register.checkingSignIn')} />;
  } else if (!user && step !== 'account') {
    body = (
      <Alert title={t('register.signIn.title')}>
        <p>{t('register.signIn.body')}</p>
        <p className="mt-2">
          <Link to="/my-registration/sign-in?next=/register" className="link">
            {t('register.signIn.link')}
          </Link>
        </p>
      </Alert>
    );
  } else if (step === 'account') {
    body = <AccountStep state={state} update={update} />;
  } else if (settings.isError || schema.isError) {
    body = <FormLoadProblem settings={settings} schema={schema} />;
  } else if (settings.isSuccess && !questionnaireId) {
    body = (
      <Alert title={t('register.notOpen.title')}>
        <p>{t('register.notOpen.body')}</p>
      </Alert>
    );
  } else if (!form) {
    body = <Loading label={t('register.loadingForm')} />;
  } else if (step === 'consent') {
    body = (
      <ConsentStep
        state={state}
        update={update}
        onBack={null}
        onDone={(consent) =>
          update((s) => {
            let answers = withConsentAnswers(form, s.answers, consent);
            if (!s.startedAt) answers = prefillFromAccount(form, answers, user?.email ?? '', s.account.phone);
            return {
              ...s,
              consent,
              answers,
              startedAt: s.startedAt ?? new Date().toISOString(),
              step: s.reviewed ? 'review' : 'questionnaire',
            };
          })
        }
      />
    );
  } else if (step === 'questionnaire') {
    body = (
      <QuestionnaireStep
        form={form}
        state={state}
        update={update}
        onBack={() => update((s) => ({ ...s, step: 'consent', consent: { ...s.consent, stage: 'marketplace' } }))}
      />
    );
  } else if (step === 'review') {
    body = (
      <ReviewStep
        form={form}
        state={state}
        onChangeConsent={() =>
          update((s) => ({ ...s, step: 'consent', consent: { ...s.consent, stage: 'marketplace' } }))
        }
        onChangeQuestion={(name) => update((s) => ({ ...s, step: 'questionnaire', focusQuestion: name }))}
        onSubmit={() =>
          update((s) => {
            const completedAt = new Date().toISOString();
            const startedAt = s.startedAt && s.startedAt <= completedAt ? s.startedAt : completedAt;
            return {
              ...s,
              step: 'done',
              result: undefined,
              submission: {
                id: newUuid(),
                questionnaireVersionId: schema.data!.versionId,
                answers: s.answers,
                startedAt,
                completedAt,
                deviceId: deviceId(),
                ...(s.ninDeferred ? { ninDeferred: true } : {}),
              },
            };
          })
        }
      />
    );
  } else {
    body = (
      <DoneStep
        form={form}
        state={state}
        update={update}
        onCorrect={(question) =>
          update((s) => ({
            ...s,
            step: 'questionnaire',
            submission: undefined,
            result: undefined,
            focusQuestion: question,
          }))
        }
      />
    );
  }

  return (
    <div className="mx-auto max-w-3xl px-4 py-8 sm:py-12">
      <PageHeading>{t('register.title')}</PageHeading>
      <StepIndicator step={step} accountDone={!!user} />
      <section className="mt-6" aria-labelledby="register-step-heading">
        <h2 id="register-step-heading" ref={heading} tabIndex={-1} className="mb-4 text-2xl font-bold">
          <span className="sr-only">{t('register.steps.stepOf', { n: stepIndex + 1, count: STEPS.length })} </span>
          {stepLabel}
        </h2>
        <Suspense fallback={<Loading />}>{body}</Suspense>
      </section>
    </div>
  );
}
