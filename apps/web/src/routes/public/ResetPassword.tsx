import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, errorMessage, validationIssues } from '../../api/client';
import { auth, queryKeys } from '../../api/endpoints';
import { Alert, Success } from '../../components/Alert';
import { PageHeading } from '../../components/Page';
import { PasswordFields, useNewPassword, type PasswordErrors } from '../../components/PasswordFields';
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
  const fields = useNewPassword();
  const [errors, setErrors] = useState<PasswordErrors>({});

  const reset = useMutation({
    mutationFn: () => auth.confirmPasswordReset(token, fields.password),
    // Every session of the person ended, this browser's too if it had one: ask the registry again.
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.me }),
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (reset.isPending) return;
    const found = fields.check();
    setErrors(found);
    if (fields.focusFirst(found)) return;
    reset.mutate(undefined, {
      onError: (error) => {
        const problem = serverPasswordProblem(error);
        if (problem) {
          setErrors({ password: problem });
          fields.passwordRef.current?.focus();
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
          <PasswordFields fields={fields} errors={errors} label="New password" hint={PASSWORD_ADVICE} />
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
