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
import { t as translate, useT } from '../../i18n';

type Errors = PasswordErrors & { fullName?: string; email?: string; terms?: string };

function registerErrorText(error: unknown): string {
  if (!(error instanceof ApiError)) return errorMessage(error);
  if (error.code === 'EMAIL_IN_USE') {
    return translate('marketplace.register.emailInUse');
  }
  if (error.status === 429) return translate('marketplace.register.tooMany', { when: waitPhrase(error.retryAfter) });
  const issues = validationIssues(error);
  if (issues.length > 0) return issues.map((i) => i.message).join(' ');
  return error.message;
}

/** Terms every searcher accepts (SEARCHER_TERMS_VERSION in core). */
function Terms() {
  const { t } = useT();
  return (
    <div id="searcher-terms" className="rounded-md border border-stone-300 bg-stone-50 p-4 text-sm text-stone-800">
      <p className="font-semibold">{t('marketplace.terms.title')}</p>
      <ul className="mt-2 list-disc space-y-1 pl-5">
        <li>{t('marketplace.terms.use')}</li>
        <li>{t('marketplace.terms.reason')}</li>
        <li>{t('marketplace.terms.share')}</li>
        <li>{t('marketplace.terms.limit')}</li>
      </ul>
    </div>
  );
}

export default function SearcherRegister() {
  const { t } = useT();
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
    if (fullName.trim().length < 2) found.fullName = t('marketplace.register.nameMissing');
    if (!/^\S+@\S+\.\S+$/.test(email.trim())) found.email = t('marketplace.register.emailInvalid');
    if (!terms) found.terms = t('marketplace.register.termsMissing');
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
        <PageHeading>{t('marketplace.register.title')}</PageHeading>
        <div className="mt-6">
          <Success title={t('marketplace.register.checkEmail')}>
            <p data-testid="searcher-registered">{t('marketplace.register.sent', { email: email.trim() })}</p>
            <p>
              <Link to="/marketplace" className="link">
                {t('marketplace.back')}
              </Link>
            </p>
          </Success>
        </div>
      </div>
    );
  }

  return (
    <div className="mx-auto max-w-md px-4 py-8 sm:py-12">
      <PageHeading>{t('marketplace.register.title')}</PageHeading>
      <p className="mt-2 text-stone-800">{t('marketplace.register.intro')}</p>
      {user && (
        <div className="mt-4">
          <Alert title={t('marketplace.register.signedIn')}>
            <p>{t('marketplace.register.signedInBody', { email: user.email })}</p>
          </Alert>
        </div>
      )}
      <form noValidate onSubmit={onSubmit} className="card mt-6 space-y-5" aria-label={t('marketplace.register.form')}>
        {register.isError && !errors.password && (
          <Alert>
            <p data-testid="searcher-register-error">{registerErrorText(register.error)}</p>
          </Alert>
        )}
        <TextField
          label={t('marketplace.register.fullName')}
          name="fullName"
          autoComplete="name"
          required
          value={fullName}
          onChange={(e) => setFullName(e.target.value)}
          error={errors.fullName}
          inputRef={nameRef}
        />
        <TextField
          label={t('marketplace.contact.email')}
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
          label={t('marketplace.register.organisation')}
          name="organisation"
          autoComplete="organization"
          hint={t('marketplace.register.organisationHint')}
          maxLength={160}
          value={organisation}
          onChange={(e) => setOrganisation(e.target.value)}
        />
        <PasswordFields
          fields={password}
          errors={errors}
          label={t('marketplace.register.password')}
          hint={PASSWORD_ADVICE}
        />
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
            <span>{t('marketplace.register.accept')}</span>
          </label>
        </div>
        <button type="submit" className="btn-primary w-full" aria-busy={register.isPending || undefined}>
          {register.isPending ? t('marketplace.register.pending') : t('marketplace.register.submit')}
        </button>
      </form>
      <p className="mt-6">
        {t('marketplace.register.already')}{' '}
        <Link to="/login?next=/marketplace" className="link">
          {t('marketplace.verify.signIn')}
        </Link>
      </p>
    </div>
  );
}
