import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { normalizePhone } from '@oslrs/core';
import { ApiError, errorMessage, validationIssues, waitPhrase } from '../../api/client';
import { Alert, Success } from '../../components/Alert';
import { TextField } from '../../components/Field';
import { collection } from './collection';
import type { WizardState } from './wizardState';

type Errors = Partial<Record<'fullName' | 'email' | 'phone', string>>;
const ORDER = ['fullName', 'email', 'phone'] as const;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The account step: name, email and phone. The registry then emails a link (to confirm the address
 * and choose a password) and says the same whether or not the email already has an account, so this
 * step waits for the person to follow the link; the wizard carries on once they are signed in.
 */
export function AccountStep({
  state,
  update,
}: {
  state: WizardState;
  update: (change: (s: WizardState) => WizardState) => void;
}) {
  const { fullName, email, phone } = state.account;
  const [errors, setErrors] = useState<Errors>({});
  const [resent, setResent] = useState(false);
  const fullNameRef = useRef<HTMLInputElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const phoneRef = useRef<HTMLInputElement>(null);

  function setAccount(field: keyof WizardState['account'], value: string) {
    update((s) => ({ ...s, account: { ...s.account, [field]: value } }));
  }

  function focusFirst(found: Errors) {
    const first = ORDER.find((k) => found[k]);
    const refs = { fullName: fullNameRef, email: emailRef, phone: phoneRef };
    if (first) refs[first].current?.focus();
  }

  const register = useMutation({
    mutationFn: () => collection.register({ fullName: fullName.trim(), email: email.trim(), phone: phone.trim() }),
    onSuccess: () => update((s) => ({ ...s, linkSentTo: s.account.email.trim() })),
    onError: (error) => {
      const found: Errors = {};
      if (error instanceof ApiError && error.code === 'PHONE_INVALID') {
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
    setErrors(found);
    if (Object.keys(found).length > 0) return focusFirst(found);
    register.mutate();
  }

  const fieldErrorShown = Object.values(errors).some(Boolean);
  const topError =
    register.isError && !fieldErrorShown
      ? register.error instanceof ApiError && register.error.status === 429
        ? `Too many registrations from here just now. Try again ${waitPhrase(register.error.retryAfter)}.`
        : errorMessage(register.error)
      : null;

  if (state.linkSentTo) {
    return (
      <>
        <Success title="Check your email">
          <p>
            We have sent a message to <span className="font-semibold">{state.linkSentTo}</span>. Open the link in it to
            confirm your address and choose your password; your registration continues from there.
          </p>
          <p>It can take a few minutes to arrive. Look in your spam folder too.</p>
        </Success>
        {topError && (
          <div className="mt-4">
            <Alert>
              <p>{topError}</p>
            </Alert>
          </div>
        )}
        {resent && register.isSuccess && (
          <p className="mt-4 text-stone-800" role="status">
            Sent again.
          </p>
        )}
        <div className="mt-6 flex flex-wrap gap-3">
          <button
            type="button"
            className="btn-secondary"
            aria-busy={register.isPending || undefined}
            onClick={() => !register.isPending && register.mutate(undefined, { onSuccess: () => setResent(true) })}
          >
            Send the email again
          </button>
          <button
            type="button"
            className="btn-secondary"
            onClick={() => {
              register.reset();
              setResent(false);
              update((s) => ({ ...s, linkSentTo: undefined }));
            }}
          >
            Change my details
          </button>
        </div>
        <p className="mt-6">
          <Link to="/login?next=/register" className="link">
            Already have an account? Sign in
          </Link>
        </p>
      </>
    );
  }

  return (
    <>
      <p className="text-stone-800">
        Create your account first. We will email you a link to confirm your address and choose your password; you will
        use them to come back and manage your registration and your consent.
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
        <button type="submit" className="btn-primary w-full" aria-busy={register.isPending || undefined}>
          Create account
        </button>
        {register.isPending && (
          <p className="text-sm text-stone-700" role="status">
            Sending…
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
