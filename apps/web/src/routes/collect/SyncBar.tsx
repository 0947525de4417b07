import { useT } from '../../i18n';
import { formatDateTime } from '../../lib/format';
import { useFieldCounts, useSyncState } from '../../offline/hooks';
import { syncNow } from '../../offline/sync';

/**
 * Always in view in the collect area: offline or not, and how many completed surveys are still on
 * this device. The sentence is a polite live region, so a screen reader hears it change.
 */
export function SyncBar({ userId }: { userId: string }) {
  const { t, date } = useT();
  const sync = useSyncState();
  const counts = useFieldCounts(userId);
  const waiting = counts.data?.waiting ?? 0;
  const attention = counts.data?.attention ?? 0;
  const offline = !sync.online;

  let message = '';
  if (offline) message = t('collect.sync.offline', { count: waiting });
  else if (waiting > 0 && sync.sending) message = t('collect.sync.sending', { count: waiting });
  else if (waiting > 0) message = t('collect.sync.waiting', { count: waiting });

  const tone = offline
    ? 'border-amber-500 bg-amber-100 text-amber-950'
    : waiting > 0
      ? 'border-stone-300 bg-stone-100 text-stone-900'
      : 'border-transparent';

  return (
    <div className={`border-b ${tone}`}>
      <div className={`mx-auto max-w-3xl px-4 ${message ? 'py-2' : ''}`}>
        <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
          <p role="status" className={message ? 'font-semibold' : 'sr-only'}>
            {message}
          </p>
          {!offline && waiting > attention && (
            <button
              type="button"
              className="btn-secondary"
              disabled={sync.sending}
              aria-busy={sync.sending || undefined}
              onClick={() => void syncNow({ manual: true })}
            >
              {t('collect.sync.sendNow')}
            </button>
          )}
        </div>
        {message && (
          <div className="text-sm">
            {attention > 0 && (
              <p className="font-semibold text-red-800">{t('collect.sync.attention', { count: attention })}</p>
            )}
            {sync.signedOut && <p>{t('collect.sync.signedOut')}</p>}
            {!offline && !sync.signedOut && sync.lastError && waiting > 0 && (
              <p>
                {t('collect.sync.failed', { error: sync.lastError })}
                {sync.nextAttemptAt
                  ? ` ${t('collect.sync.nextTry', { time: date(new Date(sync.nextAttemptAt), { timeStyle: 'medium' }) })}`
                  : ''}
              </p>
            )}
            {offline && <p>{t('collect.sync.keepWorking')}</p>}
            {!offline && sync.lastSentAt && waiting > 0 && (
              <p>{t('collect.sync.lastSent', { when: formatDateTime(sync.lastSentAt) })}</p>
            )}
          </div>
        )}
      </div>
    </div>
  );
}
