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

/** What to tell someone whose sign-in was refused. */
export function loginErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return errorMessage(error);
  if (error.status === 401 || error.code === 'INVALID_CREDENTIALS') return 'Email or password is incorrect.';
  if (error.code === 'ACCOUNT_LOCKED') {
    return `This account is locked after too many failed sign-in attempts. Try again ${waitPhrase(error.retryAfter)}, or reset your password.`;
  }
  if (error.status === 429) {
    return `Too many sign-in attempts. Please wait and try again ${waitPhrase(error.retryAfter)}.`;
  }
  const issues = validationIssues(error);
  if (issues.length > 0) return issues.map((i) => i.message).join(' ');
  return error.message;
}

export default function Login() {
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
    if (!email.trim()) errors.email = 'Enter your email address';
    if (!password) errors.password = 'Enter your password';
    setFieldErrors(errors);
    if (errors.email) return emailRef.current?.focus();
    if (errors.password) return passwordRef.current?.focus();
    login.mutate();
  }

  return (
    <div className="mx-auto max-w-md px-4 py-8 sm:py-12">
      {params.get('next')?.startsWith('/marketplace') ? (
        <>
          <PageHeading>Sign in</PageHeading>
          <p className="mt-2 text-stone-800">
            Sign in with your searcher account to see the contact details of workers who agreed to share them.
          </p>
        </>
      ) : (
        <>
          <PageHeading>Staff sign in</PageHeading>
          <p className="mt-2 text-stone-800">For registry staff. Residents do not need an account to read this site.</p>
        </>
      )}

      <form noValidate onSubmit={onSubmit} className="card mt-6 space-y-5">
        {login.isError && (
          <Alert id="login-error">
            <p>{loginErrorMessage(login.error)}</p>
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
          error={fieldErrors.email}
          inputRef={emailRef}
        />
        <TextField
          label="Password"
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
            Forgot password?
          </Link>
        </p>
        <button type="submit" className="btn-primary w-full" aria-busy={login.isPending || undefined}>
          Sign in
        </button>
        {login.isPending && (
          <p className="text-sm text-stone-700" aria-live="polite">
            Signing in…
          </p>
        )}
      </form>

      <p className="mt-6 text-stone-800">
        New staff member? Open the activation link from your invitation to set your password first.
      </p>
      <p className="mt-4 text-stone-800">
        Looking for skilled workers? Employers and searchers sign in here too, or{' '}
        <Link to="/marketplace/register" className="link">
          register as a searcher
        </Link>
        .
      </p>
      <p className="mt-4">
        <Link to="/" className="link">
          Back to the home page
        </Link>
      </p>
    </div>
  );
}
