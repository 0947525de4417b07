import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { normalizePhone, PASSWORD_MIN } from '@oslrs/core';
import { ApiError, errorMessage, validationIssues, waitPhrase } from '../../api/client';
import { useAuth } from '../../auth/AuthContext';
import { Alert } from '../../components/Alert';
import { TextField } from '../../components/Field';
import { PasswordFields, useNewPassword } from '../../components/PasswordFields';
import { collection } from './collection';
import type { WizardState } from './wizardState';

type Errors = Partial<Record<'fullName' | 'email' | 'phone' | 'password' | 'confirm', string>>;
const ORDER = ['fullName', 'email', 'phone', 'password', 'confirm'] as const;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function AccountStep({
  state,
  update,
}: {
  state: WizardState;
  update: (change: (s: WizardState) => WizardState) => void;
}) {
  const { signedIn } = useAuth();
  const { fullName, email, phone } = state.account;
  const passwordFields = useNewPassword();
  const [errors, setErrors] = useState<Errors>({});
  const [emailTaken, setEmailTaken] = useState(false);
  const fullNameRef = useRef<HTMLInputElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const phoneRef = useRef<HTMLInputElement>(null);

  function setAccount(field: keyof WizardState['account'], value: string) {
    update((s) => ({ ...s, account: { ...s.account, [field]: value } }));
  }

  function focusFirst(found: Errors) {
    const first = ORDER.find((k) => found[k]);
    const refs = {
      fullName: fullNameRef,
      email: emailRef,
      phone: phoneRef,
      password: passwordFields.passwordRef,
      confirm: passwordFields.confirmRef,
    };
    if (first) refs[first].current?.focus();
  }

  const register = useMutation({
    mutationFn: () =>
      collection.register({
        fullName: fullName.trim(),
        email: email.trim(),
        phone: phone.trim(),
        password: passwordFields.password,
      }),
    onSuccess: (session) => {
      signedIn(session.user, session.csrfToken);
      passwordFields.clear();
      update((s) => ({ ...s, userId: session.user.id, step: 'consent' }));
    },
    onError: (error) => {
      const found: Errors = {};
      if (error instanceof ApiError && error.code === 'EMAIL_EXISTS') {
        found.email = 'An account with this email already exists.';
        setEmailTaken(true);
      } else if (error instanceof ApiError && error.code === 'PHONE_INVALID') {
        found.phone = error.message;
      } else {
        for (const issue of validationIssues(error)) {
          const path = ORDER.find((k) => k === issue.path);
          if (path && !found[path]) found[path] = issue.message;
        }
      }
      setErrors(found);
      focusFirst(found);
    },
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (register.isPending) return;
    const found: Errors = {};
    if (fullName.trim().length < 2) found.fullName = 'Enter your full name';
    if (!EMAIL.test(email.trim())) found.email = 'Enter a valid email address, like name@example.com';
    if (!normalizePhone(phone)) found.phone = 'Enter a Nigerian phone number, e.g. 0803 123 4567';
    Object.assign(found, passwordFields.check());
    setErrors(found);
    setEmailTaken(false);
    if (Object.keys(found).length > 0) return focusFirst(found);
    register.mutate();
  }

  const fieldErrorShown = Object.values(errors).some(Boolean);
  const topError =
    register.isError && !fieldErrorShown
      ? register.error instanceof ApiError && register.error.status === 429
        ? `Too many accounts were created from here just now. Try again ${waitPhrase(register.error.retryAfter)}.`
        : errorMessage(register.error)
      : null;

  return (
    <>
      <p className="text-stone-800">
        Create your account first. You will use your email address and password to come back and manage your
        registration and your consent.
      </p>
      <form noValidate onSubmit={onSubmit} className="card mt-6 space-y-5">
        {topError && (
          <Alert>
            <p>{topError}</p>
          </Alert>
        )}
        <TextField
          label="Full name"
          name="fullName"
          autoComplete="name"
          required
          value={fullName}
          onChange={(e) => setAccount('fullName', e.target.value)}
          error={errors.fullName}
          inputRef={fullNameRef}
        />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          inputMode="email"
          spellCheck={false}
          required
          value={email}
          onChange={(e) => setAccount('email', e.target.value)}
          error={errors.email}
          inputRef={emailRef}
        />
        {emailTaken && (
          <p className="-mt-3 text-sm">
            <Link to="/login?next=/register" className="link">
              Sign in with this email to continue your registration
            </Link>
          </p>
        )}
        <TextField
          label="Phone number"
          name="phone"
          type="tel"
          autoComplete="tel"
          inputMode="tel"
          required
          hint="A Nigerian number, e.g. 0803 123 4567."
          value={phone}
          onChange={(e) => setAccount('phone', e.target.value)}
          error={errors.phone}
          inputRef={phoneRef}
        />
        <PasswordFields
          fields={passwordFields}
          errors={errors}
          label="Password"
          hint={`At least ${PASSWORD_MIN} characters. A short phrase of a few words is easy to remember.`}
        />
        <button type="submit" className="btn-primary w-full" aria-busy={register.isPending || undefined}>
          Create account and continue
        </button>
        {register.isPending && (
          <p className="text-sm text-stone-700" role="status">
            Creating your account…
          </p>
        )}
      </form>
      <p className="mt-6">
        <Link to="/login?next=/register" className="link">
          Already registered? Sign in
        </Link>
      </p>

      <section className="mt-8" aria-labelledby="ready">
        <h3 id="ready" className="text-lg font-bold">
          What to have ready
        </h3>
        <ul className="mt-3 list-disc space-y-2 pl-6 text-stone-800">
          <li>
            <span className="font-semibold">Your National Identity Number (NIN)</span> — 11 digits, on your NIN slip or
            national ID card. If you do not have it with you, you can add it later.
          </li>
          <li>Your Local Government Area, your main trade or occupation, and your years of experience.</li>
        </ul>
        <p className="mt-4 text-stone-800">
          We will never ask for your Bank Verification Number (BVN) or your bank details.
        </p>
      </section>
    </>
  );
}
