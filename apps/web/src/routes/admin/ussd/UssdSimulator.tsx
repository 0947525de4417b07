import { useId, useRef, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { SmsOutboxResponse, UssdSimulateResponse } from '@oslrs/core';
import { api, errorMessage, isApiError } from '../../../api/client';
import { PageHeading } from '../../../components/Page';
import { formatDateTime } from '../../../lib/format';
import { useT } from '../../../i18n';

/** A session id as a gateway would make one for a dial. */
const newSessionId = () => `SIM_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;

/**
 * The super admin's feature phone: drives the real USSD callback through the API's relay (the gateway
 * secret stays on the server), shows each CON/END screen, and the SMS the registry sent to the number.
 */
export default function UssdSimulator() {
  const { t } = useT();
  const [phone, setPhone] = useState('+2348031234567');
  const [session, setSession] = useState<{ id: string; inputs: string[] } | null>(null);
  const [screen, setScreen] = useState<string>('');
  const [ended, setEnded] = useState(false);
  const [reply, setReply] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const replyRef = useRef<HTMLInputElement>(null);
  const phoneId = useId();
  const replyId = useId();

  const outbox = useQuery({
    queryKey: ['sms-outbox', phone],
    queryFn: ({ signal }) => api<SmsOutboxResponse>('/channels/sms/outbox', { query: { phone }, signal }),
    enabled: /^\+?\d{8,15}$/.test(phone),
    refetchInterval: 3000,
  });

  async function send(id: string, inputs: string[]) {
    setBusy(true);
    setProblem(null);
    try {
      const res = await api<UssdSimulateResponse>('/channels/ussd/simulate', {
        method: 'POST',
        body: { sessionId: id, phoneNumber: phone, text: inputs.join('*') },
      });
      if (res.status !== 200) {
        setProblem(t('ussd.sim.failed', { status: res.status }));
        return;
      }
      const isEnd = res.reply.startsWith('END ');
      setScreen(res.reply.slice(4));
      setEnded(isEnd);
      setSession({ id, inputs });
      void outbox.refetch();
      if (!isEnd) replyRef.current?.focus();
    } catch (error) {
      setProblem(isApiError(error) && error.code === 'CHANNEL_OFF' ? t('ussd.sim.off') : errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  function dial() {
    setReply('');
    void send(newSessionId(), []);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!session || ended || busy) return;
    const next = [...session.inputs, reply.trim()];
    setReply('');
    void send(session.id, next);
  }

  function hangUp() {
    setSession(null);
    setEnded(false);
    setScreen('');
  }

  const messages = outbox.data?.messages ?? [];
  return (
    <>
      <PageHeading>{t('ussd.sim.title')}</PageHeading>
      <p className="mt-2 max-w-prose text-stone-800">{t('ussd.sim.intro')}</p>
      <div className="mt-6 flex flex-wrap gap-8">
        <section
          className="w-full max-w-[340px] rounded-[2rem] border-4 border-stone-800 bg-stone-900 p-4 text-white shadow-lg"
          aria-label={t('ussd.sim.screen')}
        >
          <label htmlFor={phoneId} className="block text-sm text-stone-200">
            {t('ussd.sim.phone')}
          </label>
          <input
            id={phoneId}
            className="mt-1 w-full rounded border border-stone-500 bg-stone-800 px-2 py-1.5 font-mono text-white"
            value={phone}
            inputMode="tel"
            autoComplete="off"
            onChange={(e) => {
              setPhone(e.target.value.trim());
              hangUp();
            }}
          />
          <output
            aria-live="polite"
            data-testid="ussd-screen"
            className="mt-4 block min-h-48 rounded-md bg-lime-100 p-3 font-mono text-sm whitespace-pre-wrap text-stone-900"
          >
            {screen || t('ussd.sim.idle')}
          </output>
          {ended && (
            <p className="mt-2 text-sm text-amber-200" data-testid="ussd-ended">
              {t('ussd.sim.ended')}
            </p>
          )}
          {problem && (
            <p role="alert" className="mt-2 rounded bg-red-100 p-2 text-sm text-red-900">
              {problem}
            </p>
          )}
          <form className="mt-4" onSubmit={submit}>
            <label htmlFor={replyId} className="block text-sm text-stone-200">
              {t('ussd.sim.reply')}
            </label>
            <input
              id={replyId}
              ref={replyRef}
              className="mt-1 w-full rounded border border-stone-500 bg-stone-800 px-2 py-1.5 font-mono text-white disabled:opacity-50"
              value={reply}
              autoComplete="off"
              disabled={!session || ended}
              onChange={(e) => setReply(e.target.value)}
            />
            <div className="mt-3 grid grid-cols-3 gap-2">
              <button type="button" className="btn min-h-11 bg-green-700 text-white" onClick={dial} disabled={busy}>
                {t('ussd.sim.dial')}
              </button>
              <button
                type="submit"
                className="btn min-h-11 bg-stone-200 text-stone-900"
                disabled={!session || ended || busy}
              >
                {t('ussd.sim.send')}
              </button>
              <button type="button" className="btn min-h-11 bg-red-700 text-white" onClick={hangUp}>
                {t('ussd.sim.hangUp')}
              </button>
            </div>
          </form>
        </section>
        <section className="min-w-0 flex-1" aria-labelledby="sms-outbox-heading">
          <div className="flex flex-wrap items-center gap-3">
            <h2 id="sms-outbox-heading" className="text-lg font-semibold">
              {t('ussd.sim.outbox')}
            </h2>
            <button
              type="button"
              className="btn min-h-10 border border-stone-400"
              onClick={() => void outbox.refetch()}
            >
              {t('ussd.sim.refresh')}
            </button>
          </div>
          {outbox.data && (
            <p className="mt-1 text-sm text-stone-700">
              {t('ussd.sim.transport', { transport: outbox.data.transport })}
            </p>
          )}
          {messages.length === 0 ? (
            <p className="mt-3 text-stone-700">{t('ussd.sim.outboxNone')}</p>
          ) : (
            <ol className="mt-3 space-y-2" data-testid="sms-outbox">
              {messages.map((m) => (
                <li key={m.id} className="rounded-lg border border-stone-300 bg-white p-3 text-sm break-words">
                  <p className="text-stone-600">
                    {m.to} · {formatDateTime(m.createdAt)}
                    {m.sentAt ? '' : ` · ${t('ussd.sim.pending')}`}
                  </p>
                  <p className="mt-1 font-mono">{m.text ?? '—'}</p>
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>
    </>
  );
}
