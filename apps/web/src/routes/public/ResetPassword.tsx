import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, errorMessage, validationIssues } from '../../api/client';
import { auth, queryKeys } from '../../api/endpoints';
import { Alert, Success } from '../../components/Alert';
import { PageHeading } from '../../components/Page';
import { PasswordFields, useNewPassword, type PasswordErrors } from '../../components/PasswordFields';
import { PASSWORD_ADVICE, serverPasswordProblem } from '../../lib/password';
import { t, useT } from '../../i18n';

function resetErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return errorMessage(error);
  if (validationIssues(error).some((i) => i.path === 'token')) return t('public.reset.invalid');
  return error.message;
}

/** The page the emailed reset link opens: choose a new password; every session then ends. */
export default function ResetPassword() {
  const { t } = useT();
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
        <PageHeading>{t('public.reset.title')}</PageHeading>
        <div className="mt-6">
          <Success title={t('public.reset.done.title')}>
            <p>{t('public.reset.done.body')}</p>
            <p>
              <Link to="/login" className="link">
                {t('public.login.submit')}
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
      <PageHeading>{t('public.reset.title')}</PageHeading>
      {!token ? (
        <div className="mt-6">
          <Alert title={t('public.reset.incomplete.title')}>
            <p>{t('public.reset.incomplete.body')}</p>
          </Alert>
        </div>
      ) : (
        <form noValidate onSubmit={onSubmit} className="card mt-6 space-y-5">
          {apiError && (
            <Alert>
              <p>{apiError}</p>
            </Alert>
          )}
          <PasswordFields
            fields={fields}
            errors={errors}
            label={t('public.reset.newPassword')}
            hint={PASSWORD_ADVICE}
          />
          <button type="submit" className="btn-primary w-full" aria-busy={reset.isPending || undefined}>
            {t('public.reset.submit')}
          </button>
        </form>
      )}
      <p className="mt-6">
        <Link to="/forgot-password" className="link">
          {t('public.reset.again')}
        </Link>
      </p>
    </div>
  );
}
