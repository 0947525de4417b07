import { useRef, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { normalizeNin } from '@oslrs/core';
import { ApiError, errorMessage, waitPhrase } from '../../api/client';
import { Alert, Success } from '../../components/Alert';
import { TextField } from '../../components/Field';
import { PageHeading } from '../../components/Page';
import { t as translate, useT } from '../../i18n';
import { collection, ninProblem } from './collection';

/** What went wrong, and whether typing another NIN could help. */
function completeError(error: unknown): { title: string; text: string; retry: boolean } {
  const notSaved = translate('register.completeNin.notSaved');
  if (!(error instanceof ApiError)) return { title: notSaved, text: errorMessage(error), retry: true };
  switch (error.code) {
    case 'TOKEN_INVALID':
      return {
        title: translate('register.completeNin.linkInvalid'),
        text: translate('register.completeNin.linkInvalidBody'),
        retry: false,
      };
    case 'TOKEN_EXPIRED':
      return {
        title: translate('register.completeNin.linkExpired'),
        text: translate('register.completeNin.linkExpiredBody'),
        retry: false,
      };
    case 'NIN_INVALID':
      return {
        title: translate('register.completeNin.ninInvalid'),
        text: translate('register.completeNin.ninInvalidBody'),
        retry: true,
      };
    case 'NIN_UNAVAILABLE':
      return {
        title: translate('register.completeNin.unavailable'),
        text: translate('register.completeNin.unavailableBody'),
        retry: true,
      };
    default:
      if (error.status === 429) {
        return {
          title: translate('register.completeNin.tooMany'),
          text: translate('register.completeNin.tryAgainWhen', { when: waitPhrase(error.retryAfter) }),
          retry: true,
        };
      }
      return { title: notSaved, text: error.message, retry: true };
  }
}

/** The emailed one-time link of a registration made without a NIN: add the NIN to complete it. */
export default function CompleteNin() {
  const [params] = useSearchParams();
  const { t } = useT();
  const token = params.get('token') ?? '';
  const [nin, setNin] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const ninRef = useRef<HTMLInputElement>(null);
  const complete = useMutation({ mutationFn: () => collection.completeNin(token, normalizeNin(nin.trim())) });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (complete.isPending) return;
    const problem = nin.trim() ? ninProblem(nin) : t('register.completeNin.ninMissing');
    setFieldError(problem ?? undefined);
    if (problem) return ninRef.current?.focus();
    complete.mutate();
  }

  if (complete.isSuccess) {
    return (
      <div className="mx-auto max-w-md px-4 py-8 sm:py-12">
        <PageHeading>{t('register.completeNin.title')}</PageHeading>
        <div className="mt-6">
          <Success title={t('register.completeNin.done')}>
            <p>{t('register.completeNin.doneBody')}</p>
            <p>
              <Link to="/" className="link">
                {t('register.completeNin.home')}
              </Link>
            </p>
          </Success>
        </div>
      </div>
    );
  }

  const failure = complete.isError ? completeError(complete.error) : null;
  return (
    <div className="mx-auto max-w-md px-4 py-8 sm:py-12">
      <PageHeading>{t('register.completeNin.title')}</PageHeading>
      {!token ? (
        <div className="mt-6">
          <Alert title={t('register.completeNin.incomplete')}>
            <p>{t('register.completeNin.incompleteBody')}</p>
          </Alert>
        </div>
      ) : (
        <>
          <p className="mt-2 text-stone-800">{t('register.completeNin.intro')}</p>
          <form noValidate onSubmit={onSubmit} className="card mt-6 space-y-5">
            {failure && (
              <Alert title={failure.title}>
                <p>{failure.text}</p>
              </Alert>
            )}
            {(!failure || failure.retry) && (
              <>
                <TextField
                  label={t('register.completeNin.label')}
                  name="nin"
                  inputMode="numeric"
                  autoComplete="off"
                  spellCheck={false}
                  maxLength={15}
                  required
                  hint={t('register.completeNin.hint')}
                  value={nin}
                  onChange={(e) => setNin(e.target.value)}
                  error={fieldError}
                  inputRef={ninRef}
                />
                <button type="submit" className="btn-primary w-full" aria-busy={complete.isPending || undefined}>
                  {t('register.completeNin.submit')}
                </button>
              </>
            )}
          </form>
        </>
      )}
    </div>
  );
}
