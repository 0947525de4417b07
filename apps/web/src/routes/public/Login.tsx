import { useRef, useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { ApiError, errorMessage, validationIssues, waitPhrase } from '../../api/client';
import { auth } from '../../api/endpoints';
import { homeFor, useAuth } from '../../auth/AuthContext';
import { safeNext } from '../../auth/guards';
import { Alert } from '../../components/Alert';
import { TextField } from '../../components/Field';
import { PageHeading } from '../../components/Page';
import { t as translate, useT } from '../../i18n';

/** What to tell someone whose sign-in was refused. */
export function loginErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return errorMessage(error);
  if (error.status === 401 || error.code === 'INVALID_CREDENTIALS') return translate('public.login.wrong');
  if (error.code === 'ACCOUNT_LOCKED') return translate('public.login.locked', { wait: waitPhrase(error.retryAfter) });
  if (error.status === 429) return translate('public.login.tooMany', { wait: waitPhrase(error.retryAfter) });
  const issues = validationIssues(error);
  if (issues.length > 0) return issues.map((i) => i.message).join(' ');
  return error.message;
}

/**
 * One login API, two doors: `/login` for registry staff (and marketplace searchers, sent here with
 * ?next=/marketplace…), `/my-registration/sign-in` for residents, who land on their registration.
 */
export default function Login({ door = 'staff' }: { door?: 'staff' | 'resident' }) {
  const { t } = useT();
  const { user, signedIn } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<{ email?: string; password?: string }>({});
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  const login = useMutation({
    mutationFn: () => auth.login(email.trim(), password),
    onSuccess: (session) => {
      signedIn(session.user, session.csrfToken);
      navigate(safeNext(params.get('next'), session.user.role) ?? homeFor(session.user), { replace: true });
    },
  });

  // Already signed in (e.g. the back button): no reason to show the form.
  if (user && !login.isPending && !login.isSuccess) return <Navigate to={homeFor(user)} replace />;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (login.isPending) return;
    const errors: typeof fieldErrors = {};
    if (!email.trim()) errors.email = t('public.login.enterEmail');
    if (!password) errors.password = t('public.login.enterPassword');
    setFieldErrors(errors);
    if (errors.email) return emailRef.current?.focus();
    if (errors.password) return passwordRef.current?.focus();
    login.mutate();
  }

  return (
    <div className="mx-auto max-w-md px-4 py-8 sm:py-12">
      {door === 'resident' ? (
        <>
          <PageHeading>{t('public.login.resident.title')}</PageHeading>
          <p className="mt-2 text-stone-800">{t('public.login.resident.lead')}</p>
        </>
      ) : params.get('next')?.startsWith('/marketplace') ? (
        <>
          <PageHeading>{t('public.login.searcher.title')}</PageHeading>
          <p className="mt-2 text-stone-800">{t('public.login.searcher.lead')}</p>
        </>
      ) : (
        <>
          <PageHeading>{t('public.login.staff.title')}</PageHeading>
          <p className="mt-2 text-stone-800">{t('public.login.staff.lead')}</p>
        </>
      )}

      <form noValidate onSubmit={onSubmit} className="card mt-6 space-y-5">
        {login.isError && (
          <Alert id="login-error">
            <p>{loginErrorMessage(login.error)}</p>
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
          error={fieldErrors.email}
          inputRef={emailRef}
        />
        <TextField
          label={t('public.login.password')}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fieldErrors.password}
          inputRef={passwordRef}
        />
        <p className="-mt-2 text-sm">
          <Link to="/forgot-password" className="link">
            {t('public.login.forgot')}
          </Link>
        </p>
        <button type="submit" className="btn-primary w-full" aria-busy={login.isPending || undefined}>
          {t('public.login.submit')}
        </button>
        {login.isPending && (
          <p className="text-sm text-stone-700" aria-live="polite">
            {t('public.login.pending')}
          </p>
        )}
      </form>

      {door === 'resident' ? (
        <>
          <p className="mt-6 text-stone-800">
            {t('public.login.resident.new')}{' '}
            <Link to="/register" className="link font-semibold">
              {t('public.login.resident.register')}
            </Link>
          </p>
          <p className="mt-4">
            <Link to="/login" className="link">
              {t('public.login.resident.staff')}
            </Link>
          </p>
        </>
      ) : (
        <>
          <p className="mt-6 text-stone-800">{t('public.login.newStaff')}</p>
          <p className="mt-4 text-stone-800">
            {t('public.login.searcherNote')}{' '}
            <Link to="/marketplace/register" className="link">
              {t('public.login.searcherRegister')}
            </Link>
            .
          </p>
          <p className="mt-4">
            <Link to="/my-registration/sign-in" className="link">
              {t('public.login.staff.resident')}
            </Link>
          </p>
        </>
      )}
      <p className="mt-4">
        <Link to="/" className="link">
          {t('public.login.home')}
        </Link>
      </p>
    </div>
  );
}
