import { useCallback, useEffect, useRef } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from '@tanstack/react-query';
import type { SubmissionStatusView } from '@oslrs/core';
import { ApiError } from '../../api/client';
import { Alert, Success } from '../../components/Alert';
import { Loading } from '../../components/Loading';
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
      <Alert title="Nothing has been sent yet">
        <button type="button" className="btn-secondary mt-2" onClick={() => onCorrect()}>
          Go back to the questionnaire
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
      <Alert title="Your registration was not sent">
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
              Correct your answers
            </button>
          ) : status === 401 ? (
            <Link to="/login?next=/register" className="btn-secondary">
              Sign in again
            </Link>
          ) : (
            <button type="button" className="btn-secondary" onClick={() => send.mutate(submission)}>
              Try again
            </button>
          )}
        </div>
      </Alert>
    );
  }

  if (!result) return <Loading label="Sending your registration…" />;

  if (result.status === 'received') {
    return (
      <div className="card space-y-2">
        <Loading label="Registering you…" />
        <p className="text-stone-800">Your answers have reached the registry and are being checked.</p>
        {slow && (
          <p className="text-stone-800">
            This is taking longer than usual. Your registration is safe with the registry; you can keep this page open
            or come back to it later.
          </p>
        )}
      </div>
    );
  }

  if (result.status === 'ingested') {
    const emailQ = fieldQuestion(form, 'email');
    const email = emailQ ? submission.answers[emailQ] : undefined;
    return (
      <Success title="You are registered">
        <p>Thank you. Your details are now on the Oyo State Labour &amp; Skills Registry.</p>
        {submission.ninDeferred && (
          <p className="font-semibold">
            We&rsquo;ve emailed you a link to add your NIN later
            {typeof email === 'string' && email ? ` (to ${email})` : ''}. The link works once, for 30 days.
          </p>
        )}
        {result.reference && (
          <p>
            Your registration reference: <span className="font-mono break-all">{result.reference}</span>
          </p>
        )}
        {result.reference && <MySlipLinks />}
        <p>
          <Link to="/" className="link">
            Back to the home page
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
      <Alert title="This NIN cannot be registered here">
        <p>
          If you registered before — online, with a registry enumerator or on a paper form — you are already on the
          registry and do not need to register again.
        </p>
        <p>
          If you have never registered, check the NIN you typed. If it is correct, contact the registry at your Local
          Government secretariat so that the earlier registration can be looked into; your answers here are kept.
        </p>
        <button
          type="button"
          className="btn-secondary mt-3"
          onClick={() => onCorrect(ninQuestionName(form) ?? undefined)}
        >
          Correct the NIN
        </button>
      </Alert>
    );
  }
  return (
    <Alert title="Your registration could not be completed">
      <p>{rejectionText(error, false)}</p>
      {error?.code && <p className="text-sm">Reason code: {error.code}</p>}
      <button type="button" className="btn-secondary mt-3" onClick={() => onCorrect()}>
        Go back to the questionnaire
      </button>
    </Alert>
  );
}
