import { apiUrl } from '../../api/client';
import { DataTable, TableHead } from '../../components/Table';
import { rejectionText } from '../register/collection';
import { RECENT_MAX, type RecentForm } from './clerkState';
import { t, useT } from '../../i18n';

function statusText(r: RecentForm): string {
  switch (r.state) {
    case 'sending':
      return t('clerk.recent.sending');
    case 'awaiting_files':
      return t('clerk.recent.awaitingFiles');
    case 'received':
      return t('clerk.recent.received');
    case 'ingested':
      return t('clerk.recent.ingested');
    case 'rejected':
      return t('clerk.recent.rejected', { reason: rejectionText(r.error, true) });
    case 'failed':
      return t('clerk.recent.failed', { reason: r.failure?.text ?? t('clerk.recent.unknown') });
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
  const { date, locale } = useT();
  return (
    <section aria-labelledby="recent-heading" className="card">
      <h2 id="recent-heading" className="text-xl font-bold">
        {t('clerk.recent.title', { count: RECENT_MAX })}
      </h2>
      {recent.length === 0 ? (
        <p className="mt-2 text-stone-800">{t('clerk.recent.empty')}</p>
      ) : (
        <DataTable caption={t('clerk.recent.caption', { count: RECENT_MAX })} className="mt-3">
          <TableHead
            columns={[t('clerk.recent.saved'), t('clerk.recent.name'), 'NIN', t('clerk.recent.status')]}
            className="border-b border-stone-300"
            cellClassName="py-2 pr-3"
          />
          <tbody>
            {recent.map((r) => (
              <tr key={r.id} className="border-b border-stone-200 align-top last:border-b-0">
                <td className="py-2 pr-3 whitespace-nowrap">
                  {date(r.savedAt, { dateStyle: 'medium', timeStyle: 'short' })}
                </td>
                <td className="py-2 pr-3">{r.name}</td>
                <td className="py-2 pr-3 font-mono">{r.ninTail ?? t('clerk.recent.notGiven')}</td>
                <td className="py-2">
                  <span className={statusClass(r)}>{statusText(r)}</span>
                  {r.state === 'ingested' && (
                    <span className="mt-1 flex flex-wrap items-baseline gap-3">
                      {r.reference && (
                        <span className="font-mono" data-testid="recent-reference">
                          {t('clerk.recent.reference', { reference: r.reference })}
                        </span>
                      )}
                      {/* The registration's slip to print for the person (the clerk's own forms only). */}
                      <a
                        className="link"
                        href={apiUrl(`/submissions/${r.id}/slip.pdf`, { lang: locale })}
                        target="_blank"
                        rel="noopener"
                        data-testid="recent-slip"
                      >
                        {t('clerk.recent.printSlip')}
                        <span className="sr-only"> {t('clerk.recent.printSlipFor', { name: r.name })}</span>
                      </a>
                    </span>
                  )}
                  {r.state === 'failed' && r.body && (
                    <span className="mt-1 flex flex-wrap gap-3">
                      {r.failure?.retry ? (
                        <button type="button" className="link" onClick={() => onRetry(r)}>
                          {t('clerk.recent.retry')}
                          <span className="sr-only"> {t('clerk.recent.retryFor', { name: r.name })}</span>
                        </button>
                      ) : (
                        <button type="button" className="link" onClick={() => onReopen(r)}>
                          {t('clerk.recent.reopen')}
                          <span className="sr-only"> {t('clerk.recent.reopenFor', { name: r.name })}</span>
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
