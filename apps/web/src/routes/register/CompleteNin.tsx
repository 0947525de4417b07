import { useRef, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { normalizeNin } from '@oslrs/core';
import { ApiError, errorMessage, waitPhrase } from '../../api/client';
import { Alert, Success } from '../../components/Alert';
import { TextField } from '../../components/Field';
import { PageHeading } from '../../components/Page';
import { collection, ninProblem } from './collection';

/** What went wrong, and whether typing another NIN could help. */
function completeError(error: unknown): { title: string; text: string; retry: boolean } {
  if (!(error instanceof ApiError)) return { title: 'Your NIN was not saved', text: errorMessage(error), retry: true };
  switch (error.code) {
    case 'TOKEN_INVALID':
      return {
        title: 'This link is not valid',
        text: 'It may have been used already, or copied incompletely. Open the full link from the email; if your NIN was already added, there is nothing more to do.',
        retry: false,
      };
    case 'TOKEN_EXPIRED':
      return {
        title: 'This link has expired',
        text: 'Links to add a NIN work for 30 days. Contact the registry at your Local Government secretariat to add your NIN.',
        retry: false,
      };
    case 'NIN_INVALID':
      return { title: 'Not a valid NIN', text: 'A NIN is 11 digits, not one digit repeated.', retry: true };
    case 'NIN_UNAVAILABLE':
      return {
        title: 'This NIN cannot be registered here',
        text: 'Check the NIN you typed. If it is correct, you may have registered before; contact the registry help desk at your Local Government secretariat so that it can be looked into.',
        retry: true,
      };
    default:
      if (error.status === 429) {
        return { title: 'Too many attempts', text: `Try again ${waitPhrase(error.retryAfter)}.`, retry: true };
      }
      return { title: 'Your NIN was not saved', text: error.message, retry: true };
  }
}

/** The emailed one-time link of a registration made without a NIN: add the NIN to complete it. */
export default function CompleteNin() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [nin, setNin] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const ninRef = useRef<HTMLInputElement>(null);
  const complete = useMutation({ mutationFn: () => collection.completeNin(token, normalizeNin(nin.trim())) });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (complete.isPending) return;
    const problem = nin.trim() ? ninProblem(nin) : 'Enter your 11-digit NIN';
    setFieldError(problem ?? undefined);
    if (problem) return ninRef.current?.focus();
    complete.mutate();
  }

  if (complete.isSuccess) {
    return (
      <div className="mx-auto max-w-md px-4 py-8 sm:py-12">
        <PageHeading>Add your NIN</PageHeading>
        <div className="mt-6">
          <Success title="Your NIN has been added. Your registration is complete.">
            <p>Thank you. There is nothing more to do.</p>
            <p>
              <Link to="/" className="link">
                Back to the home page
              </Link>
            </p>
          </Success>
        </div>
      </div>
    );
  }

  const failure = complete.isError ? completeError(complete.error) : null;
  return (
    <div className="mx-auto max-w-md px-4 py-8 sm:py-12">
      <PageHeading>Add your NIN</PageHeading>
      {!token ? (
        <div className="mt-6">
          <Alert title="This link is incomplete">
            <p>Open the full link from the email we sent you when you registered.</p>
          </Alert>
        </div>
      ) : (
        <>
          <p className="mt-2 text-stone-800">
            You registered without your National Identity Number. Enter it here to complete your registration.
          </p>
          <form noValidate onSubmit={onSubmit} className="card mt-6 space-y-5">
            {failure && (
              <Alert title={failure.title}>
                <p>{failure.text}</p>
              </Alert>
            )}
            {(!failure || failure.retry) && (
              <>
                <TextField
                  label="National Identity Number (NIN)"
                  name="nin"
                  inputMode="numeric"
                  autoComplete="off"
                  spellCheck={false}
                  maxLength={15}
                  required
                  hint="11 digits, on your NIN slip or national ID card."
                  value={nin}
                  onChange={(e) => setNin(e.target.value)}
                  error={fieldError}
                  inputRef={ninRef}
                />
                <button type="submit" className="btn-primary w-full" aria-busy={complete.isPending || undefined}>
                  Add my NIN
                </button>
              </>
            )}
          </form>
        </>
      )}
    </div>
  );
}
