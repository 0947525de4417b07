import { useCallback, useEffect, useRef } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from '@tanstack/react-query';
import type { SubmissionStatusView } from '@oslrs/core';
import { ApiError } from '../../api/client';
import { Alert, Success } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import { useT } from '../../i18n';
import type { FormSchema } from '../../forms/engine';
import { labelText } from '../../forms/QuestionField';
import {
  answerErrors,
  collection,
  fieldQuestion,
  findQuestion,
  ninQuestionName,
  rejectionText,
  submitErrorText,
  type SubmissionBody,
} from './collection';
import { isSettled, submissionStatusQuery } from './queries';
import type { WizardState } from './wizardState';
import { MySlipLinks } from '../verify/DocumentLinks';

/** Milliseconds between status checks: quick at first, then easing off. */
function pollDelay(checks: number): number {
  return Math.min(5000, 800 + checks * 400);
}

/** After this long without an answer the page says so (the registration is safe all the same). */
const SLOW_MS = 20_000;

/**
 * Sends the registration (the exact body kept in the wizard state, so a reload resends it and the
 * registry answers with the first result) and follows it until it is ingested or rejected.
 */
export function DoneStep({
  form,
  state,
  update,
  onCorrect,
}: {
  form: FormSchema;
  state: WizardState;
  update: (change: (s: WizardState) => WizardState) => void;
  /** Back to the questionnaire (at a question) with a new submission to come. */
  onCorrect: (question?: string) => void;
}) {
  const { submission, result } = state;
  const keep = useCallback(
    (view: SubmissionStatusView) => update((s) => (s.submission?.id === view.id ? { ...s, result: view } : s)),
    [update],
  );

  const { t } = useT();
  const send = useMutation({ mutationFn: (body: SubmissionBody) => collection.submit(body, form), onSuccess: keep });
  // Sent once on arrival (and after a reload) until the registry has it; after a failure, "Try again" sends it.
  const sentId = useRef<string | null>(null);
  const { mutate } = send;
  useEffect(() => {
    if (!submission || result || sentId.current === submission.id) return;
    sentId.current = submission.id;
    mutate(submission);
  }, [submission, result, mutate]);

  // Follow it through ingestion; what the registry says is kept in the wizard state.
  const following = useQuery({
    ...submissionStatusQuery(submission?.id ?? '', pollDelay),
    enabled: !!submission && result?.status === 'received',
  });
  const followed = following.data;
  useEffect(() => {
    if (isSettled(followed) && followed.status !== result?.status) keep(followed);
  }, [followed, result?.status, keep]);
  const lastCheck = Math.max(following.dataUpdatedAt, following.errorUpdatedAt);
  const slow = !!submission && lastCheck - Date.parse(submission.completedAt) > SLOW_MS;
  const failure = send.error;

  if (!submission) {
    return (
      <Alert title={t('register.done.nothingSent')}>
        <button type="button" className="btn-secondary mt-2" onClick={() => onCorrect()}>
          {t('register.done.backToQuestions')}
        </button>
      </Alert>
    );
  }

  if (failure) {
    const code = failure instanceof ApiError ? failure.code : '';
    const status = failure instanceof ApiError ? failure.status : 0;
    const fixable = code === 'NIN_INVALID' || code === 'ANSWERS_INVALID';
    const problems = answerErrors(failure);
    const ninField = ninQuestionName(form);
    const firstField =
      code === 'NIN_INVALID'
        ? (((failure as ApiError).details as { field?: string } | undefined)?.field ?? ninField ?? undefined)
        : problems[0]?.field;
    return (
      <Alert title={t('register.done.notSent')}>
        <p>{submitErrorText(failure)}</p>
        {problems.length > 0 && (
          <ul className="list-disc pl-6">
            {problems.map((p) => {
              const q = findQuestion(form, p.field);
              return (
                <li key={`${p.field}-${p.code}`}>
                  {q ? labelText(q) : p.field}: {p.message}
                </li>
              );
            })}
          </ul>
        )}
        <div className="mt-3 flex flex-wrap gap-3">
          {fixable ? (
            <button type="button" className="btn-secondary" onClick={() => onCorrect(firstField)}>
              {t('register.done.correct')}
            </button>
          ) : status === 401 ? (
            <Link to="/login?next=/register" className="btn-secondary">
              {t('register.done.signInAgain')}
            </Link>
          ) : (
            <button type="button" className="btn-secondary" onClick={() => send.mutate(submission)}>
              {t('common.retry')}
            </button>
          )}
        </div>
      </Alert>
    );
  }

  if (!result) return <Loading label={t('register.done.sending')} />;

  if (result.status === 'received') {
    return (
      <div className="card space-y-2">
        <Loading label={t('register.done.registering')} />
        <p className="text-stone-800">{t('register.done.checking')}</p>
        {slow && <p className="text-stone-800">{t('register.done.slow')}</p>}
      </div>
    );
  }

  if (result.status === 'ingested') {
    const emailQ = fieldQuestion(form, 'email');
    const email = emailQ ? submission.answers[emailQ] : undefined;
    return (
      <Success title={t('register.done.registered')}>
        <p>{t('register.done.thanks')}</p>
        {submission.ninDeferred && (
          <p className="font-semibold">
            {typeof email === 'string' && email ? t('register.done.ninLinkTo', { email }) : t('register.done.ninLink')}
          </p>
        )}
        {result.reference && (
          <p>
            {t('register.done.reference')} <span className="font-mono break-all">{result.reference}</span>
          </p>
        )}
        {result.reference && <MySlipLinks />}
        <p>
          <Link to="/" className="link">
            {t('register.done.home')}
          </Link>
        </p>
      </Success>
    );
  }

  // Rejected.
  const error = result.error;
  // A resident learns only that the NIN cannot be registered here, never who holds it or since when.
  if (error?.code === 'NIN_UNAVAILABLE' || error?.code === 'NIN_DUPLICATE') {
    return (
      <Alert title={t('register.done.ninTaken')}>
        <p>{t('register.done.ninTakenBefore')}</p>
        <p>{t('register.done.ninTakenNever')}</p>
        <button
          type="button"
          className="btn-secondary mt-3"
          onClick={() => onCorrect(ninQuestionName(form) ?? undefined)}
        >
          {t('register.done.correctNin')}
        </button>
      </Alert>
    );
  }
  return (
    <Alert title={t('register.done.notCompleted')}>
      <p>{rejectionText(error, false)}</p>
      {error?.code && <p className="text-sm">{t('register.done.reasonCode', { code: error.code })}</p>}
      <button type="button" className="btn-secondary mt-3" onClick={() => onCorrect()}>
        {t('register.done.backToQuestions')}
      </button>
    </Alert>
  );
}
