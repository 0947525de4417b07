import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { ApiError, errorMessage, validationIssues } from '../../api/client';
import { auth } from '../../api/endpoints';
import { useAuth } from '../../auth/AuthContext';
import { Alert } from '../../components/Alert';
import { PageHeading } from '../../components/Page';
import { PasswordFields, useNewPassword, type PasswordErrors } from '../../components/PasswordFields';
import { PASSWORD_ADVICE, serverPasswordProblem } from '../../lib/password';
import { t as translate, useT } from '../../i18n';

function confirmErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return errorMessage(error);
  if (validationIssues(error).some((i) => i.path === 'token')) return translate('register.confirm.linkInvalid');
  return error.message;
}

/**
 * The page a resident's "confirm your email" link opens: choose a password. The account is then
 * active and signed in, and the registration wizard carries on at the consent step.
 */
export default function ConfirmRegistration() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const navigate = useNavigate();
  const { signedIn } = useAuth();
  const fields = useNewPassword();
  const [errors, setErrors] = useState<PasswordErrors>({});

  const confirmation = useMutation({
    mutationFn: () => auth.confirmRegistration(token, fields.password),
    onSuccess: (session) => {
      signedIn(session.user, session.csrfToken);
      navigate('/register', { replace: true });
    },
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (confirmation.isPending) return;
    const found = fields.check();
    setErrors(found);
    if (fields.focusFirst(found)) return;
    confirmation.mutate(undefined, {
      onError: (error) => {
        const problem = serverPasswordProblem(error);
        if (problem) {
          setErrors({ password: problem });
          fields.passwordRef.current?.focus();
        }
      },
    });
  }

  const { t } = useT();
  const apiError = confirmation.isError && !errors.password ? confirmErrorMessage(confirmation.error) : null;

  return (
    <div className="mx-auto max-w-md px-4 py-8 sm:py-12">
      <PageHeading>{t('register.confirm.title')}</PageHeading>
      {!token ? (
        <div className="mt-6">
          <Alert title={t('register.confirm.incomplete')}>
            <p>{t('register.confirm.incompleteBody')}</p>
          </Alert>
        </div>
      ) : (
        <>
          <p className="mt-2 text-stone-800">{t('register.confirm.intro')}</p>
          <form noValidate onSubmit={onSubmit} className="card mt-6 space-y-5">
            {apiError && (
              <Alert>
                <p>{apiError}</p>
                {confirmation.error instanceof ApiError && /TOKEN_/.test(confirmation.error.code) && (
                  <p>
                    <Link to="/register" className="link">
                      {t('register.confirm.again')}
                    </Link>
                  </p>
                )}
              </Alert>
            )}
            <PasswordFields
              fields={fields}
              errors={errors}
              label={t('register.confirm.password')}
              hint={PASSWORD_ADVICE}
            />
            <button type="submit" className="btn-primary w-full" aria-busy={confirmation.isPending || undefined}>
              {t('register.confirm.submit')}
            </button>
          </form>
        </>
      )}
    </div>
  );
}
