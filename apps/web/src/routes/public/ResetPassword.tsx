import { useRef, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { PASSWORD_MIN } from '@oslrs/core';
import { ApiError, errorMessage, validationIssues } from '../../api/client';
import { auth, queryKeys } from '../../api/endpoints';
import { Alert, Success } from '../../components/Alert';
import { TextField } from '../../components/Field';
import { PageHeading } from '../../components/Page';
import { checkNewPassword } from '../../components/PasswordFields';
import { PASSWORD_ADVICE, serverPasswordProblem } from '../../lib/password';

function resetErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return errorMessage(error);
  if (validationIssues(error).some((i) => i.path === 'token')) return 'This reset link is not valid.';
  return error.message;
}

/** The page the emailed reset link opens: choose a new password; every session then ends. */
export default function ResetPassword() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const queryClient = useQueryClient();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<{ password?: string; confirm?: string }>({});
  const passwordRef = useRef<HTMLInputElement>(null);
  const confirmRef = useRef<HTMLInputElement>(null);

  const reset = useMutation({
    mutationFn: () => auth.confirmPasswordReset(token, password),
    // Every session of the person ended, this browser's too if it had one: ask the registry again.
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.me }),
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (reset.isPending) return;
    const found = checkNewPassword(password, confirm);
    setErrors(found);
    if (found.password) return passwordRef.current?.focus();
    if (found.confirm) return confirmRef.current?.focus();
    reset.mutate(undefined, {
      onError: (error) => {
        const problem = serverPasswordProblem(error);
        if (problem) {
          setErrors({ password: problem });
          passwordRef.current?.focus();
        }
      },
    });
  }

  if (reset.isSuccess) {
    return (
      <div className="mx-auto max-w-md px-4 py-8 sm:py-12">
        <PageHeading>Choose a new password</PageHeading>
        <div className="mt-6">
          <Success title="Your new password is set.">
            <p>You have been signed out everywhere. Sign in with your email address and your new password.</p>
            <p>
              <Link to="/login" className="link">
                Sign in
              </Link>
            </p>
          </Success>
        </div>
      </div>
    );
  }

  const apiError = reset.isError && !errors.password ? resetErrorMessage(reset.error) : null;

  return (
    <div className="mx-auto max-w-md px-4 py-8 sm:py-12">
      <PageHeading>Choose a new password</PageHeading>
      {!token ? (
        <div className="mt-6">
          <Alert title="This reset link is incomplete">
            <p>Open the full link from the email, or ask for a new one.</p>
          </Alert>
        </div>
      ) : (
        <form noValidate onSubmit={onSubmit} className="card mt-6 space-y-5">
          {apiError && (
            <Alert>
              <p>{apiError}</p>
            </Alert>
          )}
          <TextField
            label="New password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={PASSWORD_MIN}
            hint={PASSWORD_ADVICE}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={errors.password}
            inputRef={passwordRef}
          />
          <TextField
            label="Confirm password"
            name="confirm"
            type="password"
            autoComplete="new-password"
            required
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
            error={errors.confirm}
            inputRef={confirmRef}
          />
          <button type="submit" className="btn-primary w-full" aria-busy={reset.isPending || undefined}>
            Set new password
          </button>
        </form>
      )}
      <p className="mt-6">
        <Link to="/forgot-password" className="link">
          Need a new link? Ask again
        </Link>
      </p>
    </div>
  );
}
