import { useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { normalizePhone } from '@oslrs/core';
import { ApiError, errorMessage, validationIssues } from '../../api/client';
import { Alert, Success } from '../../components/Alert';
import { TextField } from '../../components/Field';
import { useT } from '../../i18n';
import { collection } from './collection';
import { restoreFocus, takeSubmit } from '../../prerendered';
import { ACCOUNT_AUTOCOMPLETE as AUTO, withPrerenderedInput, type WizardState } from './wizardState';

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
  const { t, number } = useT();
  const { fullName, email, phone } = state.account;
  const [errors, setErrors] = useState<Errors>({});
  const [resent, setResent] = useState(false);
  const fullNameRef = useRef<HTMLInputElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const phoneRef = useRef<HTMLInputElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  // Taking over from the prerendered page (src/prerendered.ts): a key pressed on the static copy
  // while the app rendered is kept (this state update is drawn before the screen is painted), the
  // cursor stays in the field it was in, and a press of the static copy's button sends the form —
  // once that update is rendered, so the form sends what was typed last.
  const [sendTakenOver, setSendTakenOver] = useState(false);
  useLayoutEffect(() => {
    update(withPrerenderedInput);
    restoreFocus({
      [AUTO.fullName]: fullNameRef.current,
      [AUTO.email]: emailRef.current,
      [AUTO.phone]: phoneRef.current,
    });
    // Once, at the takeover: the re-render it causes is the point (the send must see that update).
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (takeSubmit()) setSendTakenOver(true);
  }, [update]);
  useLayoutEffect(() => {
    if (!sendTakenOver) return;
    // eslint-disable-next-line react-hooks/set-state-in-effect -- clears the one-off flag set above
    setSendTakenOver(false);
    formRef.current?.requestSubmit();
  }, [sendTakenOver]);

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
    if (fullName.trim().length < 2) found.fullName = t('register.account.nameMissing');
    if (!EMAIL.test(email.trim())) found.email = t('register.account.emailInvalid');
    if (!normalizePhone(phone)) found.phone = t('register.account.phoneInvalid');
    setErrors(found);
    if (Object.keys(found).length > 0) return focusFirst(found);
    register.mutate();
  }

  const fieldErrorShown = Object.values(errors).some(Boolean);
  const topError =
    register.isError && !fieldErrorShown
      ? register.error instanceof ApiError && register.error.status === 429
        ? register.error.retryAfter !== undefined
          ? t('register.account.tooManyMinutes', {
              minutes: number(Math.max(1, Math.ceil(register.error.retryAfter / 60))),
            })
          : t('register.account.tooMany')
        : errorMessage(register.error)
      : null;

  if (state.linkSentTo) {
    return (
      <>
        <Success title={t('register.account.checkEmail')}>
          <p>{t('register.account.sentTo', { email: state.linkSentTo })}</p>
          <p>{t('register.account.mayTake')}</p>
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
            {t('register.account.sentAgain')}
          </p>
        )}
        <div className="mt-6 flex flex-wrap gap-3">
          <button
            type="button"
            className="btn-secondary"
            aria-busy={register.isPending || undefined}
            onClick={() => !register.isPending && register.mutate(undefined, { onSuccess: () => setResent(true) })}
          >
            {t('register.account.sendAgain')}
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
            {t('register.account.changeDetails')}
          </button>
        </div>
        <p className="mt-6">
          <Link to="/login?next=/register" className="link">
            {t('register.account.haveAccount')}
          </Link>
        </p>
      </>
    );
  }

  return (
    <>
      <p className="text-stone-800">{t('register.account.intro')}</p>
      <form ref={formRef} noValidate onSubmit={onSubmit} className="card mt-6 space-y-5">
        {topError && (
          <Alert>
            <p>{topError}</p>
          </Alert>
        )}
        <TextField
          label={t('register.account.fullName')}
          name="fullName"
          autoComplete={AUTO.fullName}
          required
          value={fullName}
          onChange={(e) => setAccount('fullName', e.target.value)}
          error={errors.fullName}
          inputRef={fullNameRef}
        />
        <TextField
          label={t('register.account.email')}
          name="email"
          type="email"
          autoComplete={AUTO.email}
          inputMode="email"
          spellCheck={false}
          required
          value={email}
          onChange={(e) => setAccount('email', e.target.value)}
          error={errors.email}
          inputRef={emailRef}
        />
        <TextField
          label={t('register.account.phone')}
          name="phone"
          type="tel"
          autoComplete={AUTO.phone}
          inputMode="tel"
          required
          hint={t('register.account.phoneHint')}
          value={phone}
          onChange={(e) => setAccount('phone', e.target.value)}
          error={errors.phone}
          inputRef={phoneRef}
        />
        <button type="submit" className="btn-primary w-full" aria-busy={register.isPending || undefined}>
          {t('register.account.create')}
        </button>
        {register.isPending && (
          <p className="text-sm text-stone-700" role="status">
            {t('register.account.sending')}
          </p>
        )}
      </form>
      <p className="mt-6">
        <Link to="/login?next=/register" className="link">
          {t('register.account.alreadyRegistered')}
        </Link>
      </p>

      <section className="mt-8" aria-labelledby="ready">
        <h3 id="ready" className="text-lg font-bold">
          {t('register.account.readyTitle')}
        </h3>
        <ul className="mt-3 list-disc space-y-2 pl-6 text-stone-800">
          <li>
            <span className="font-semibold">{t('register.account.readyNin')}</span> {t('register.account.readyNinMore')}
          </li>
          <li>{t('register.account.readyWork')}</li>
        </ul>
        <p className="mt-4 text-stone-800">{t('register.account.noBvn')}</p>
      </section>
    </>
  );
}
