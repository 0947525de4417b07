import { useId, useState, type FormEvent } from 'react';
import { MESSAGE_MAX_LENGTH, type Message } from '@oslrs/core';
import { errorMessage, validationIssues } from '../../api/client';
import { Alert } from '../../components/Alert';
import { formatDateTime } from '../../lib/format';
import { useT } from '../../i18n';

/** One message in a list: who wrote to whom, when, read or not (and a "Mark as read" for unread ones). */
export function MessageItem({
  message: m,
  onRead,
  reading,
}: {
  message: Message;
  onRead?: (id: string) => void;
  reading?: boolean;
}) {
  const { t } = useT();
  const unread = m.direction === 'in' && !m.readAt;
  const to = m.to.kind === 'team' ? t('collect.messages.theTeam', { count: m.to.recipients }) : m.to.fullName;
  return (
    <li
      className={`px-4 py-3 ${unread ? 'border-l-4 border-amber-500 bg-amber-50' : ''}`}
      data-message={m.id}
      data-unread={unread ? 'true' : 'false'}
    >
      <p className="text-sm text-stone-700">
        {m.direction === 'in' ? (
          <>
            {t('collect.messages.from')} <span className="font-semibold text-stone-900">{m.from.fullName}</span>
            {m.to.kind === 'team' ? ` ${t('collect.messages.toTeam')}` : ''}
          </>
        ) : (
          <>
            {t('collect.messages.youTo')} <span className="font-semibold text-stone-900">{to}</span>
          </>
        )}{' '}
        · {formatDateTime(m.createdAt)}
        {unread && <span className="ml-2 font-semibold text-amber-900">{t('collect.messages.new')}</span>}
      </p>
      <p className="mt-1 break-words whitespace-pre-line text-stone-900">{m.body}</p>
      {unread && onRead && (
        <button type="button" className="btn-secondary mt-2" disabled={reading} onClick={() => onRead(m.id)}>
          {t('collect.messages.markRead')}
        </button>
      )}
    </li>
  );
}

/** A message box: the text (at most 2,000 characters, counted as typed) and Send. */
export function ComposeForm({
  recipients,
  onSend,
  sending,
  error,
  label,
}: {
  /** Choices for "To" (omit for a fixed recipient). */
  recipients?: { value: string; label: string }[];
  onSend: (to: string, body: string) => Promise<unknown>;
  sending: boolean;
  error: unknown;
  label?: string;
}) {
  const { t } = useT();
  const id = useId();
  const [to, setTo] = useState(recipients?.[0]?.value ?? 'team');
  const [body, setBody] = useState('');
  const issues = validationIssues(error);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await onSend(to, body);
      setBody('');
    } catch {
      // Shown below from `error`.
    }
  };
  return (
    <form onSubmit={onSubmit} className="space-y-3" aria-label={t('collect.messages.writeForm')}>
      {recipients && (
        <div>
          <label htmlFor={`${id}-to`} className="label">
            {t('collect.messages.to')}
          </label>
          <select id={`${id}-to`} className="input" value={to} onChange={(e) => setTo(e.target.value)}>
            {recipients.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
      )}
      <div>
        <label htmlFor={`${id}-body`} className="label">
          {label ?? t('collect.messages.message')}
        </label>
        <span id={`${id}-hint`} className="hint">
          {t('collect.messages.count', { length: body.length, max: MESSAGE_MAX_LENGTH })}
        </span>
        <textarea
          id={`${id}-body`}
          className="input min-h-28"
          aria-describedby={`${id}-hint`}
          maxLength={MESSAGE_MAX_LENGTH}
          required
          value={body}
          onChange={(e) => setBody(e.target.value)}
        />
      </div>
      {error ? (
        <Alert>
          <p>{issues[0]?.message ?? errorMessage(error)}</p>
        </Alert>
      ) : null}
      <button type="submit" className="btn-primary" disabled={sending || !body.trim()}>
        {t('collect.messages.send')}
      </button>
    </form>
  );
}
