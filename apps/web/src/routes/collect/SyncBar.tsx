import { formatDateTime, plural } from '../../lib/format';
import { useFieldCounts, useSyncState } from '../../offline/hooks';
import { syncNow } from '../../offline/sync';

const timeFormat = new Intl.DateTimeFormat('en-GB', { timeStyle: 'medium', timeZone: 'Africa/Lagos' });

/**
 * Always in view in the collect area: offline or not, and how many completed surveys are still on
 * this device. The sentence is a polite live region, so a screen reader hears it change.
 */
export function SyncBar({ userId }: { userId: string }) {
  const sync = useSyncState();
  const counts = useFieldCounts(userId);
  const waiting = counts.data?.waiting ?? 0;
  const attention = counts.data?.attention ?? 0;
  const offline = !sync.online;

  let message = '';
  if (offline) message = `You are offline — ${plural(waiting, 'survey', 'surveys')} waiting to send`;
  else if (waiting > 0 && sync.sending) message = `${waiting} waiting to send — sending…`;
  else if (waiting > 0) message = `${waiting} waiting to send`;

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
              Send now
            </button>
          )}
        </div>
        {message && (
          <div className="text-sm">
            {attention > 0 && (
              <p className="font-semibold text-red-800">
                {attention} {attention === 1 ? 'needs' : 'need'} your attention (see below).
              </p>
            )}
            {sync.signedOut && <p>Your session has ended: sign in again to send them.</p>}
            {!offline && !sync.signedOut && sync.lastError && waiting > 0 && (
              <p>
                Could not send: {sync.lastError}
                {sync.nextAttemptAt ? ` Next try at ${timeFormat.format(sync.nextAttemptAt)}.` : ''}
              </p>
            )}
            {offline && <p>Keep working: surveys are saved on this device and sent when the network returns.</p>}
            {!offline && sync.lastSentAt && waiting > 0 && <p>Last sent {formatDateTime(sync.lastSentAt)}.</p>}
          </div>
        )}
      </div>
    </div>
  );
}
