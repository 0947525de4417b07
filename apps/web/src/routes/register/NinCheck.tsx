import { useEffect, useEffectEvent, useId, useRef, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { isWellFormedNin, normalizeNin } from '@oslrs/core';
import { ApiError, errorMessage } from '../../api/client';
import { formatDate } from '../../lib/format';
import { useDebounced } from '../../lib/useDebounced';
import { channelName, collection, ninProblem, type NinCheckResult } from './collection';
import { t } from '../../i18n';

/** A pause after typing before a complete NIN is checked by itself (clerks type on without waiting). */
const AUTO_CHECK_DELAY_MS = 300;

/**
 * "Check NIN": asks the registry whether a NIN is well-formed and still free before the form is
 * sent. Staff also learn when and through which channel it was first registered; the public only
 * yes or no. With `auto` (clerks), a complete NIN is checked as soon as it is typed.
 */
export function NinCheck({ nin, staff, auto = false }: { nin: string; staff: boolean; auto?: boolean }) {
  const id = useId();
  const current = normalizeNin(nin.trim());
  // Each check is audited and rate-limited on the server, so it is a mutation: sent when asked, never cached.
  const check = useMutation({ mutationFn: (value: string) => collection.checkNin(value) });
  const [local, setLocal] = useState<{ nin: string; text: string } | null>(null);

  function onCheck(value: string) {
    if (!value) {
      setLocal({ nin: value, text: t('register.nin.typeFirst') });
      return;
    }
    const problem = ninProblem(value);
    if (problem) {
      setLocal({ nin: value, text: `${t('register.nin.notValid')} ${problem}` });
      return;
    }
    setLocal(null);
    check.mutate(value);
  }

  // The answer on screen belongs to the NIN now typed, or to none.
  const checked = check.variables === current;
  // Clerks: a complete NIN is checked once the typing pauses (unless the last check was of it).
  const settled = useDebounced(current, AUTO_CHECK_DELAY_MS);
  const autoChecked = useRef<string | null>(null);
  const autoCheck = useEffectEvent((value: string) => {
    if (check.variables !== value) check.mutate(value);
  });
  useEffect(() => {
    if (!auto || !isWellFormedNin(settled) || autoChecked.current === settled) return;
    autoChecked.current = settled;
    autoCheck(settled);
  }, [auto, settled]);

  let message: { text: string; tone: 'good' | 'bad' | 'info' } | null = null;
  if (checked && check.isPending) message = { text: t('register.nin.checking'), tone: 'info' };
  else if (local && local.nin === current) message = { text: local.text, tone: 'bad' };
  else if (checked && check.isError) message = { text: checkErrorText(check.error), tone: 'bad' };
  else if (checked && check.data) message = resultMessage(check.data, staff);

  const toneClass =
    message?.tone === 'good'
      ? 'text-green-900'
      : message?.tone === 'bad'
        ? 'font-semibold text-red-700'
        : 'text-stone-800';
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
      <button
        type="button"
        className="btn-secondary"
        aria-describedby={`${id}-result`}
        aria-busy={(checked && check.isPending) || undefined}
        onClick={() => onCheck(current)}
      >
        {t('register.nin.check')}
      </button>
      <p id={`${id}-result`} role="status" className={`min-h-5 text-sm ${toneClass}`}>
        {message?.text}
      </p>
    </div>
  );
}

function checkErrorText(error: Error): string {
  return error instanceof ApiError && error.status === 429
    ? t('register.nin.tooMany', { seconds: error.retryAfter ?? 60 })
    : errorMessage(error);
}

function resultMessage(result: NinCheckResult, staff: boolean): { text: string; tone: 'good' | 'bad' } {
  if (!result.valid) return { text: t('register.nin.notValid'), tone: 'bad' };
  if (result.available) return { text: t('register.nin.free'), tone: 'good' };
  const { firstRegisteredAt, source } = result;
  let text: string;
  if (staff && source === 'staff') text = t('register.nin.takenStaff');
  else if (staff && firstRegisteredAt)
    text = t('register.nin.takenOn', { date: formatDate(firstRegisteredAt), channel: channelName(source) });
  else text = staff ? t('register.nin.taken') : t('register.nin.takenPublic');
  return { text, tone: 'bad' };
}
