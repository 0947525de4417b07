import { useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, errorMessage, validationIssues } from '../../api/client';
import { auth, queryKeys } from '../../api/endpoints';
import { homeFor, useAuth } from '../../auth/AuthContext';
import { Alert, Success } from '../../components/Alert';
import { TextField } from '../../components/Field';
import { PageHeading } from '../../components/Page';
import { PasswordFields, useNewPassword } from '../../components/PasswordFields';
import { useT } from '../../i18n';

type Errors = { current?: string; password?: string; confirm?: string };

function isWrongCurrentPassword(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    (error.code === 'PASSWORD_INCORRECT' || error.code === 'INVALID_CREDENTIALS' || /CURRENT_PASSWORD/.test(error.code))
  );
}

export default function ChangePassword() {
  const { t } = useT();
  const { user } = useAuth();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const mustChange = !!user?.mustChangePassword;
  const [current, setCurrent] = useState('');
  const fields = useNewPassword();
  const [errors, setErrors] = useState<Errors>({});
  const currentRef = useRef<HTMLInputElement>(null);

  const change = useMutation({
    mutationFn: () => auth.changePassword(current, fields.password),
    onSuccess: () => {
      setCurrent('');
      fields.clear();
      if (user?.mustChangePassword) {
        // Done with the generated password: on to the admin's pages (the session re-read confirms it).
        const { mustChangePassword: _done, ...rest } = user;
        queryClient.setQueryData(queryKeys.me, rest);
        navigate(homeFor(rest), { replace: true });
      }
      // The server may rotate the session's CSRF token (or end other sessions): re-read the session.
      void queryClient.invalidateQueries({ queryKey: queryKeys.me });
    },
    onError: (error) => {
      if (isWrongCurrentPassword(error)) {
        setErrors({ current: t('account.password.incorrect') });
        currentRef.current?.focus();
        return;
      }
      if (error instanceof ApiError && (error.code === 'PASSWORD_UNCHANGED' || error.code === 'PASSWORD_TOO_WEAK')) {
        setErrors({ password: error.message });
        fields.passwordRef.current?.focus();
        return;
      }
      const issues = validationIssues(error);
      const found: Errors = {};
      for (const issue of issues) {
        if (issue.path === 'currentPassword') found.current = issue.message;
        if (issue.path === 'newPassword') found.password = issue.message;
      }
      setErrors(found);
    },
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (change.isPending) return;
    const found: Errors = { ...fields.check() };
    if (!current) found.current = t('account.password.currentMissing');
    setErrors(found);
    if (found.current) return currentRef.current?.focus();
    if (fields.focusFirst(found)) return;
    change.mutate();
  }

  const topError = change.isError && !errors.current && !errors.password ? errorMessage(change.error) : null;

  return (
    <div className="max-w-md">
      <PageHeading>{mustChange ? t('public.login.mustChange.title') : t('account.password.title')}</PageHeading>
      {mustChange && <p className="mt-2 text-stone-800">{t('public.login.mustChange.body')}</p>}
      {change.isSuccess && (
        <div className="mt-6">
          <Success title={t('account.password.changed')}>
            <p>{t('account.password.changedBody')}</p>
          </Success>
        </div>
      )}
      <form noValidate onSubmit={onSubmit} className="card mt-6 space-y-5">
        {topError && (
          <Alert>
            <p>{topError}</p>
          </Alert>
        )}
        {/* Lets password managers tie the new password to the right account. */}
        <input type="email" name="username" autoComplete="username" value={user?.email ?? ''} readOnly hidden />
        <TextField
          label={t('account.password.current')}
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          error={errors.current}
          inputRef={currentRef}
        />
        <PasswordFields fields={fields} errors={errors} name="newPassword" />
        <button type="submit" className="btn-primary w-full" aria-busy={change.isPending || undefined}>
          {t('account.password.submit')}
        </button>
      </form>
      {user && (
        <p className="mt-6">
          <Link to={homeFor(user)} className="link">
            {user.role === 'super_admin' ? t('account.password.backAdmin') : t('account.password.backAccount')}
          </Link>
        </p>
      )}
    </div>
  );
}
