import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { ApiError, errorMessage, validationIssues, waitPhrase } from '../../api/client';
import { auth } from '../../api/endpoints';
import { Alert, Success } from '../../components/Alert';
import { TextField } from '../../components/Field';
import { PageHeading } from '../../components/Page';
import { useT } from '../../i18n';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Ask for a password-reset link. The answer never says whether the email has an account. */
export default function ForgotPassword() {
  const { t } = useT();
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string>();
  const emailRef = useRef<HTMLInputElement>(null);
  const request = useMutation({ mutationFn: () => auth.requestPasswordReset(email.trim()) });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (request.isPending) return;
    const problem = EMAIL.test(email.trim()) ? undefined : t('public.forgot.badEmail');
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
        ? t('public.forgot.tooMany', { wait: waitPhrase(request.error.retryAfter) })
        : errorMessage(request.error)
      : null;

  return (
    <div className="mx-auto max-w-md px-4 py-8 sm:py-12">
      <PageHeading>{t('public.forgot.title')}</PageHeading>
      {request.isSuccess ? (
        <div className="mt-6">
          <Success title={t('public.forgot.sent.title')}>
            <p>{request.data.message}</p>
            <p>{t('public.forgot.sent.body')}</p>
          </Success>
        </div>
      ) : (
        <>
          <p className="mt-2 text-stone-800">{t('public.forgot.lead')}</p>
          <form noValidate onSubmit={onSubmit} className="card mt-6 space-y-5">
            {apiError && (
              <Alert>
                <p>{apiError}</p>
              </Alert>
            )}
            <TextField
              label={t('public.login.email')}
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
              {t('public.forgot.submit')}
            </button>
          </form>
        </>
      )}
      <p className="mt-6">
        <Link to="/login" className="link">
          {t('public.forgot.back')}
        </Link>
      </p>
    </div>
  );
}
