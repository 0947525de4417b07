import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import { Alert, Success } from '../../components/Alert';
import { Loading } from '../../components/Loading';
import type { FormSchema } from '../../forms/engine';
import { labelText } from '../../forms/QuestionField';
import { formatDate } from '../../lib/format';
import {
  answerErrors,
  collection,
  duplicateDetails,
  fieldQuestion,
  findQuestion,
  ninQuestionName,
  rejectionText,
  submitErrorText,
} from './collection';
import type { WizardState } from './wizardState';

/** Seconds between status checks: quick at first, then easing off. */
function pollDelay(attempt: number): number {
  return Math.min(5000, 800 + attempt * 400);
}

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
  const [failure, setFailure] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const [slow, setSlow] = useState(false);
  const sending = useRef<string | null>(null);

  // Send (again after a reload or a retry) until the registry has it.
  useEffect(() => {
    if (!submission || result || failure || sending.current === submission.id) return;
    sending.current = submission.id;
    collection
      .submit(submission)
      .then((view) => update((s) => (s.submission?.id === view.id ? { ...s, result: view } : s)))
      .catch((error: unknown) => setFailure(error))
      .finally(() => {
        sending.current = null;
      });
  }, [submission, result, failure, update]);

  // Follow it through ingestion.
  const status = result?.status;
  useEffect(() => {
    if (!submission || status !== 'received') return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      collection
        .status(submission.id, controller.signal)
        .then((view) => {
          setAttempt((n) => n + 1);
          update((s) => (s.submission?.id === view.id ? { ...s, result: view } : s));
        })
        .catch((error: unknown) => {
          if (controller.signal.aborted) return;
          if (error instanceof ApiError && error.status === 401) setFailure(error);
          else setAttempt((n) => n + 1); // a blip: try again
        });
    }, pollDelay(attempt));
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [submission, status, attempt, update]);

  useEffect(() => {
    if (status !== 'received') return;
    const timer = setTimeout(() => setSlow(true), 20_000);
    return () => clearTimeout(timer);
  }, [status]);

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
            <button type="button" className="btn-secondary" onClick={() => setFailure(null)}>
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
        {result.respondentId && (
          <p>
            Your registration reference: <span className="font-mono break-all">{result.respondentId}</span>
          </p>
        )}
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
  if (error?.code === 'NIN_DUPLICATE') {
    const { date } = duplicateDetails(error);
    return (
      <Alert
        title={date ? `This NIN was already registered on ${formatDate(date)}` : 'This NIN was already registered'}
      >
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
