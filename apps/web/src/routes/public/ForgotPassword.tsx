import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { ApiError, errorMessage, validationIssues, waitPhrase } from '../../api/client';
import { auth } from '../../api/endpoints';
import { Alert, Success } from '../../components/Alert';
import { TextField } from '../../components/Field';
import { PageHeading } from '../../components/Page';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Ask for a password-reset link. The answer never says whether the email has an account. */
export default function ForgotPassword() {
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string>();
  const emailRef = useRef<HTMLInputElement>(null);
  const request = useMutation({ mutationFn: () => auth.requestPasswordReset(email.trim()) });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (request.isPending) return;
    const problem = EMAIL.test(email.trim()) ? undefined : 'Enter your email address, like name@example.com';
    setError(problem);
    if (problem) return emailRef.current?.focus();
    request.mutate(undefined, {
      onError: (e) => {
        const issue = validationIssues(e).find((i) => i.path === 'email');
        if (issue) setError(issue.message);
      },
    });
  }

  const apiError =
    request.isError && !error
      ? request.error instanceof ApiError && request.error.status === 429
        ? `Too many requests from here just now. Try again ${waitPhrase(request.error.retryAfter)}.`
        : errorMessage(request.error)
      : null;

  return (
    <div className="mx-auto max-w-md px-4 py-8 sm:py-12">
      <PageHeading>Forgot your password?</PageHeading>
      {request.isSuccess ? (
        <div className="mt-6">
          <Success title="Check your email">
            <p>{request.data.message}</p>
            <p>
              The email comes from the registry within a few minutes; look in your spam folder too. Open the link in it
              to choose a new password.
            </p>
          </Success>
        </div>
      ) : (
        <>
          <p className="mt-2 text-stone-800">
            Enter the email address you sign in with. We will email you a link to choose a new password.
          </p>
          <form noValidate onSubmit={onSubmit} className="card mt-6 space-y-5">
            {apiError && (
              <Alert>
                <p>{apiError}</p>
              </Alert>
            )}
            <TextField
              label="Email"
              name="email"
              type="email"
              autoComplete="username"
              inputMode="email"
              spellCheck={false}
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              error={error}
              inputRef={emailRef}
            />
            <button type="submit" className="btn-primary w-full" aria-busy={request.isPending || undefined}>
              Email me a reset link
            </button>
          </form>
        </>
      )}
      <p className="mt-6">
        <Link to="/login" className="link">
          Back to sign in
        </Link>
      </p>
    </div>
  );
}
