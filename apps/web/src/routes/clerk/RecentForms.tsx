import { formatDateTime } from '../../lib/format';
import { DataTable, TableHead } from '../../components/Table';
import { rejectionText } from '../register/collection';
import { RECENT_MAX, type RecentForm } from './clerkState';

function statusText(r: RecentForm): string {
  switch (r.state) {
    case 'sending':
      return 'Sending…';
    case 'awaiting_files':
      return 'Saved, waiting for its files…';
    case 'received':
      return 'Received, being processed…';
    case 'ingested':
      return 'Registered';
    case 'rejected':
      return `Rejected: ${rejectionText(r.error, true)}`;
    case 'failed':
      return `Not saved: ${r.failure?.text ?? 'unknown problem'}`;
  }
}

function statusClass(r: RecentForm): string {
  if (r.state === 'ingested') return 'text-green-900';
  if (r.state === 'rejected' || r.state === 'failed') return 'font-semibold text-red-700';
  return 'text-stone-800';
}

/** The last forms saved this sitting, each with the registry's answer and a way to retry or correct it. */
export function RecentForms({
  recent,
  onRetry,
  onReopen,
}: {
  recent: RecentForm[];
  onRetry: (r: RecentForm) => void;
  onReopen: (r: RecentForm) => void;
}) {
  return (
    <section aria-labelledby="recent-heading" className="card">
      <h2 id="recent-heading" className="text-xl font-bold">
        Last {RECENT_MAX} saved forms
      </h2>
      {recent.length === 0 ? (
        <p className="mt-2 text-stone-800">Forms you save appear here with the registry&rsquo;s answer.</p>
      ) : (
        <DataTable caption={`Last ${RECENT_MAX} saved forms and their status`} className="mt-3">
          <TableHead
            columns={['Saved', 'Name', 'NIN', 'Status']}
            className="border-b border-stone-300"
            cellClassName="py-2 pr-3"
          />
          <tbody>
            {recent.map((r) => (
              <tr key={r.id} className="border-b border-stone-200 align-top last:border-b-0">
                <td className="py-2 pr-3 whitespace-nowrap">{formatDateTime(r.savedAt)}</td>
                <td className="py-2 pr-3">{r.name}</td>
                <td className="py-2 pr-3 font-mono">{r.ninTail ?? 'Not given'}</td>
                <td className="py-2">
                  <span className={statusClass(r)}>{statusText(r)}</span>
                  {r.state === 'failed' && r.body && (
                    <span className="mt-1 flex flex-wrap gap-3">
                      {r.failure?.retry ? (
                        <button type="button" className="link" onClick={() => onRetry(r)}>
                          Retry<span className="sr-only"> saving the form of {r.name}</span>
                        </button>
                      ) : (
                        <button type="button" className="link" onClick={() => onReopen(r)}>
                          Reopen to correct<span className="sr-only"> the form of {r.name}</span>
                        </button>
                      )}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
    </section>
  );
}
