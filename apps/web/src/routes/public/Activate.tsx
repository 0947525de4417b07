import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { PASSWORD_MIN } from '@oslrs/core';
import { ApiError, errorMessage, validationIssues } from '../../api/client';
import { auth } from '../../api/endpoints';
import { homeFor, useAuth } from '../../auth/AuthContext';
import { Alert } from '../../components/Alert';
import { PageHeading } from '../../components/Page';
import { serverPasswordProblem } from '../../lib/password';
import { PasswordFields, useNewPassword, type PasswordErrors } from '../../components/PasswordFields';
import { t, useT } from '../../i18n';

function activationErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return errorMessage(error);
  if (validationIssues(error).some((i) => i.path === 'token')) return t('public.activate.invalid');
  return error.message;
}

/** An invited staff member chooses a password; activation signs them in and opens their pages. */
export default function Activate() {
  const { t } = useT();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { signedIn } = useAuth();
  const token = params.get('token') ?? '';
  const fields = useNewPassword();
  const [errors, setErrors] = useState<PasswordErrors>({});

  const activate = useMutation({
    mutationFn: () => auth.activate(token, fields.password),
    onSuccess: (session) => {
      signedIn(session.user, session.csrfToken);
      navigate(homeFor(session.user), { replace: true });
    },
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (activate.isPending) return;
    const found = fields.check();
    setErrors(found);
    if (fields.focusFirst(found)) return;
    activate.mutate(undefined, {
      onError: (error) => {
        const problem = serverPasswordProblem(error);
        if (problem) {
          setErrors({ password: problem });
          fields.passwordRef.current?.focus();
        }
      },
    });
  }

  const apiError = activate.isError && !errors.password ? activationErrorMessage(activate.error) : null;

  return (
    <div className="mx-auto max-w-md px-4 py-8 sm:py-12">
      <PageHeading>{t('public.activate.title')}</PageHeading>
      {!token ? (
        <div className="mt-6">
          <Alert title={t('public.activate.incomplete.title')}>
            <p>{t('public.activate.incomplete.body')}</p>
          </Alert>
        </div>
      ) : (
        <>
          <p className="mt-2 text-stone-800">{t('public.activate.lead', { min: PASSWORD_MIN })}</p>
          <form noValidate onSubmit={onSubmit} className="card mt-6 space-y-5">
            {apiError && (
              <Alert>
                <p>{apiError}</p>
              </Alert>
            )}
            <PasswordFields fields={fields} errors={errors} />
            <button type="submit" className="btn-primary w-full" aria-busy={activate.isPending || undefined}>
              {t('public.activate.submit')}
            </button>
          </form>
        </>
      )}
      <p className="mt-6">
        <Link to="/login" className="link">
          {t('public.activate.signIn')}
        </Link>
      </p>
    </div>
  );
}
