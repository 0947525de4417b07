import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { ApiError, errorMessage, validationIssues, waitPhrase } from '../../api/client';
import { searcherApi } from '../../api/marketplace';
import { useAuth } from '../../auth/AuthContext';
import { Alert, Success } from '../../components/Alert';
import { TextField } from '../../components/Field';
import { PageHeading } from '../../components/Page';
import { PasswordFields, useNewPassword, type PasswordErrors } from '../../components/PasswordFields';
import { PASSWORD_ADVICE, serverPasswordProblem } from '../../lib/password';

type Errors = PasswordErrors & { fullName?: string; email?: string; terms?: string };

function registerErrorText(error: unknown): string {
  if (!(error instanceof ApiError)) return errorMessage(error);
  if (error.code === 'EMAIL_IN_USE') {
    return 'This email address cannot be used for a searcher account (it may already have an account on the registry). Sign in, or use another address.';
  }
  if (error.status === 429) return `Too many attempts. Please try again ${waitPhrase(error.retryAfter)}.`;
  const issues = validationIssues(error);
  if (issues.length > 0) return issues.map((i) => i.message).join(' ');
  return error.message;
}

/** Terms every searcher accepts (SEARCHER_TERMS_VERSION in core). */
function Terms() {
  return (
    <div id="searcher-terms" className="rounded-md border border-stone-300 bg-stone-50 p-4 text-sm text-stone-800">
      <p className="font-semibold">Terms of use for searchers</p>
      <ul className="mt-2 list-disc space-y-1 pl-5">
        <li>You use workers&rsquo; contact details only to offer work, training or services they would expect.</li>
        <li>
          You give a true reason each time you ask for a contact. Every request is recorded, and the worker sees who
          asked.
        </li>
        <li>You do not copy, sell or share the details, and you do not collect the marketplace in bulk.</li>
        <li>You may see at most 50 contacts a day. The registry may close an account that breaks these terms.</li>
      </ul>
    </div>
  );
}

export default function SearcherRegister() {
  const { user } = useAuth();
  const [fullName, setFullName] = useState('');
  const [email, setEmail] = useState('');
  const [organisation, setOrganisation] = useState('');
  const [terms, setTerms] = useState(false);
  const [errors, setErrors] = useState<Errors>({});
  const password = useNewPassword();
  const nameRef = useRef<HTMLInputElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const termsRef = useRef<HTMLInputElement>(null);

  const register = useMutation({
    mutationFn: () =>
      searcherApi.register({
        fullName: fullName.trim(),
        email: email.trim(),
        password: password.password,
        ...(organisation.trim() ? { organisation: organisation.trim() } : {}),
        acceptTerms: true,
      }),
  });

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (register.isPending) return;
    const found: Errors = { ...password.check() };
    if (fullName.trim().length < 2) found.fullName = 'Enter your full name';
    if (!/^\S+@\S+\.\S+$/.test(email.trim())) found.email = 'Enter a valid email address';
    if (!terms) found.terms = 'Accept the terms of use to register';
    setErrors(found);
    if (found.fullName) return nameRef.current?.focus();
    if (found.email) return emailRef.current?.focus();
    if (password.focusFirst(found)) return;
    if (found.terms) return termsRef.current?.focus();
    register.mutate(undefined, {
      onError: (error) => {
        const problem = serverPasswordProblem(error);
        if (problem) {
          setErrors({ password: problem });
          password.passwordRef.current?.focus();
        }
      },
    });
  }

  if (register.isSuccess) {
    return (
      <div className="mx-auto max-w-md px-4 py-8 sm:py-12">
        <PageHeading>Register as a searcher</PageHeading>
        <div className="mt-6">
          <Success title="Check your email">
            <p data-testid="searcher-registered">
              We have sent a link to {email.trim()}. Open it to confirm your address; then sign in to see workers&rsquo;
              contact details.
            </p>
            <p>
              <Link to="/marketplace" className="link">
                Back to the search
              </Link>
            </p>
          </Success>
        </div>
      </div>
    );
  }

  return (
    <div className="mx-auto max-w-md px-4 py-8 sm:py-12">
      <PageHeading>Register as a searcher</PageHeading>
      <p className="mt-2 text-stone-800">
        For employers, agencies and anyone looking for skilled workers. Searching is free and open to all; an account
        lets you see the contact details of workers who agreed to share them.
      </p>
      {user && (
        <div className="mt-4">
          <Alert title="You are already signed in">
            <p>You are signed in as {user.email}. Sign out first to register a searcher account.</p>
          </Alert>
        </div>
      )}
      <form noValidate onSubmit={onSubmit} className="card mt-6 space-y-5" aria-label="Searcher registration">
        {register.isError && !errors.password && (
          <Alert>
            <p data-testid="searcher-register-error">{registerErrorText(register.error)}</p>
          </Alert>
        )}
        <TextField
          label="Full name"
          name="fullName"
          autoComplete="name"
          required
          value={fullName}
          onChange={(e) => setFullName(e.target.value)}
          error={errors.fullName}
          inputRef={nameRef}
        />
        <TextField
          label="Email"
          name="email"
          type="email"
          inputMode="email"
          autoComplete="email"
          spellCheck={false}
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errors.email}
          inputRef={emailRef}
        />
        <TextField
          label="Organisation (optional)"
          name="organisation"
          autoComplete="organization"
          hint="The business or agency you search for. Workers see it when you ask for their contact."
          maxLength={160}
          value={organisation}
          onChange={(e) => setOrganisation(e.target.value)}
        />
        <PasswordFields fields={password} errors={errors} label="Password" hint={PASSWORD_ADVICE} />
        <Terms />
        <div>
          {errors.terms && (
            <p id="searcher-terms-error" role="alert" className="field-error">
              {errors.terms}
            </p>
          )}
          <label className="flex cursor-pointer items-start gap-3">
            <input
              ref={termsRef}
              type="checkbox"
              name="acceptTerms"
              className="mt-1 size-5 shrink-0 accent-green-800"
              checked={terms}
              aria-invalid={errors.terms ? true : undefined}
              aria-describedby={errors.terms ? 'searcher-terms searcher-terms-error' : 'searcher-terms'}
              onChange={(e) => setTerms(e.target.checked)}
            />
            <span>I accept the terms of use for searchers</span>
          </label>
        </div>
        <button type="submit" className="btn-primary w-full" aria-busy={register.isPending || undefined}>
          {register.isPending ? 'Registering…' : 'Register'}
        </button>
      </form>
      <p className="mt-6">
        Already registered?{' '}
        <Link to="/login?next=/marketplace" className="link">
          Sign in
        </Link>
      </p>
    </div>
  );
}
