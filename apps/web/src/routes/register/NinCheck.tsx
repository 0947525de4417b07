import { useEffect, useEffectEvent, useId, useState } from 'react';
import { isWellFormedNin, normalizeNin } from '@oslrs/core';
import { ApiError, errorMessage } from '../../api/client';
import { formatDate } from '../../lib/format';
import { channelName, collection, ninProblem, type NinCheckResult } from './collection';

type Outcome = { nin: string; result: NinCheckResult } | { nin: string; error: string };

/**
 * "Check NIN": asks the registry whether a NIN is well-formed and still free before the form is
 * sent. Staff also learn when and through which channel it was first registered; the public only
 * yes or no. With `auto` (clerks), a complete NIN is checked as soon as it is typed.
 */
export function NinCheck({ nin, staff, auto = false }: { nin: string; staff: boolean; auto?: boolean }) {
  const id = useId();
  const current = normalizeNin(nin.trim());
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [pending, setPending] = useState<string | null>(null);
  const [local, setLocal] = useState<{ nin: string; text: string } | null>(null);

  async function check(value: string) {
    if (!value) {
      setLocal({ nin: value, text: 'Type the NIN first, then check it.' });
      return;
    }
    const problem = ninProblem(value);
    if (problem) {
      setLocal({ nin: value, text: `Not a valid NIN. ${problem}` });
      return;
    }
    setLocal(null);
    setPending(value);
    try {
      const result = await collection.checkNin(value);
      setOutcome({ nin: value, result });
    } catch (error) {
      const text =
        error instanceof ApiError && error.status === 429
          ? `Too many NIN checks. Try again in ${error.retryAfter ?? 60} seconds.`
          : errorMessage(error);
      setOutcome({ nin: value, error: text });
    } finally {
      setPending((p) => (p === value ? null : p));
    }
  }

  const autoCheck = useEffectEvent((value: string) => {
    if (outcome?.nin === value || pending === value) return;
    void check(value);
  });
  useEffect(() => {
    if (!auto || !isWellFormedNin(current)) return;
    const timer = setTimeout(() => autoCheck(current), 300);
    return () => clearTimeout(timer);
  }, [auto, current]);

  let message: { text: string; tone: 'good' | 'bad' | 'info' } | null = null;
  if (pending === current) message = { text: 'Checking the NIN…', tone: 'info' };
  else if (local && local.nin === current) message = { text: local.text, tone: 'bad' };
  else if (outcome && outcome.nin === current) {
    if ('error' in outcome) message = { text: outcome.error, tone: 'bad' };
    else if (!outcome.result.valid) message = { text: 'Not a valid NIN.', tone: 'bad' };
    else if (outcome.result.available) message = { text: 'This NIN is not registered yet.', tone: 'good' };
    else {
      const { firstRegisteredAt, source } = outcome.result;
      let text = 'This NIN is already registered';
      if (staff && source === 'staff') text += ' to a registry staff member.';
      else if (staff && firstRegisteredAt)
        text += ` (on ${formatDate(firstRegisteredAt)} through ${channelName(source)}).`;
      else text += staff ? '.' : '. If you registered before, you do not need to register again.';
      message = { text, tone: 'bad' };
    }
  }

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
        aria-busy={pending === current || undefined}
        onClick={() => void check(current)}
      >
        Check NIN
      </button>
      <p id={`${id}-result`} role="status" className={`min-h-5 text-sm ${toneClass}`}>
        {message?.text}
      </p>
    </div>
  );
}
