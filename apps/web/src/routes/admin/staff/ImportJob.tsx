import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { Job, JobRowError, MailDelivery } from '@oslrs/core';
import { errorMessage } from '../../../api/client';
import { jobs, queryKeys, staff as staffApi } from '../../../api/endpoints';
import { Alert } from '../../../components/Alert';
import { DataTable, SHOWN_CAPTION, TableHead } from '../../../components/Table';
import { useT } from '../../../i18n';

const POLL_MS = 400;
/** Rows shown in the page; the downloadable report has them all. */
const SHOWN_ROWS = 500;

/** An import in progress (its progress bar, followed by polling) or finished (what was imported, what was not). */
export function ImportJob({ id, onAnother }: { id: string; onAnother: () => void }) {
  const { t, number } = useT();
  const query = useQuery({
    queryKey: queryKeys.job(id),
    queryFn: ({ signal }) => jobs.get(id, signal),
    refetchInterval: (q) => {
      const state = q.state.data?.job.state;
      return state === 'queued' || state === 'running' ? POLL_MS : false;
    },
    refetchIntervalInBackground: true,
  });

  if (query.isPending) return <p className="mt-6 text-stone-800">{t('staff.admin.import.loadingJob')}</p>;
  if (query.isError) {
    return (
      <div className="mt-6 space-y-4">
        <Alert title={t('staff.admin.import.loadFailed')}>
          <p>{errorMessage(query.error)}</p>
        </Alert>
        <button type="button" className="btn-secondary" onClick={onAnother}>
          {t('staff.admin.import.importFile')}
        </button>
      </div>
    );
  }

  const job = query.data.job;
  const working = job.state === 'queued' || job.state === 'running';
  return (
    <section className="card mt-6 space-y-5">
      <h2 id="job-heading" className="text-xl font-bold">
        {working
          ? t('staff.admin.import.importing')
          : job.state === 'completed'
            ? t('staff.admin.import.finished')
            : t('staff.admin.import.failed')}
      </h2>

      <div>
        {/* Without a total yet (still queued) the bar is indeterminate. */}
        {job.total > 0 ? (
          <progress
            aria-label={t('staff.admin.import.progress')}
            max={job.total}
            value={Math.min(job.processed, job.total)}
          />
        ) : (
          <progress aria-label={t('staff.admin.import.progress')} />
        )}
        <p className="mt-2 text-stone-800">
          {t('staff.admin.import.rowsOf', { processed: number(job.processed), total: job.total })}
          {job.state === 'queued' && <span className="text-stone-700"> — {t('staff.admin.import.waiting')}</span>}
        </p>
      </div>

      {job.state === 'failed' && (
        <Alert title={t('staff.admin.import.failedTitle')}>
          <p>{job.error ?? t('staff.admin.import.failedStopped')}</p>
        </Alert>
      )}

      {job.state === 'completed' && <ImportSummary job={job} />}
      {job.state === 'completed' && job.succeeded > 0 && <FollowUps jobId={job.id} />}

      {!working && (
        <div className="flex flex-wrap gap-3">
          <Link to="/admin/staff" className="btn-primary">
            {t('staff.admin.import.viewStaff')}
          </Link>
          <button type="button" className="btn-secondary" onClick={onAnother}>
            {t('staff.admin.import.another')}
          </button>
        </div>
      )}
    </section>
  );
}

type Outcome = 'complete' | 'partial' | 'none';

/** Green when every row was imported, amber when some were not, red when none were. */
const OUTCOME_STYLE: Record<Outcome, string> = {
  complete: 'border-green-800 bg-green-50 text-green-950',
  partial: 'border-amber-600 bg-amber-50 text-amber-950',
  none: 'border-red-700 bg-red-50 text-red-900',
};

function ImportSummary({ job }: { job: Job }) {
  const { t, number } = useT();
  const outcome: Outcome = job.failed === 0 ? 'complete' : job.succeeded > 0 ? 'partial' : 'none';
  const rows = groupByRow(job.errors);
  const shown = rows.slice(0, SHOWN_ROWS);
  const counts = { imported: job.succeeded, failed: job.failed, total: job.total };
  return (
    <div className="space-y-4">
      <div role="status" data-outcome={outcome} className={`rounded-md border-l-4 p-3 ${OUTCOME_STYLE[outcome]}`}>
        <p className="text-lg font-semibold">
          {outcome === 'complete'
            ? t('staff.admin.import.outcomeComplete', counts)
            : outcome === 'partial'
              ? t('staff.admin.import.outcomePartial', counts)
              : t('staff.admin.import.outcomeNone', counts)}
        </p>
        {outcome !== 'complete' && <p className="mt-1">{t('staff.admin.import.outcomeFix')}</p>}
      </div>
      {rows.length > 0 && (
        <>
          <p>
            <a href={jobs.errorReportUrl(job.id)} download className="link">
              {t('staff.admin.import.errorReport')}
            </a>{' '}
            <span className="text-stone-700">{t('staff.admin.import.errorReportHint')}</span>
          </p>
          <DataTable
            caption={t('staff.admin.import.errorsCaption')}
            captionClassName={SHOWN_CAPTION}
            className="rounded-lg border border-stone-300"
          >
            <TableHead
              columns={[t('staff.admin.import.colRow'), t('staff.admin.import.colProblems')]}
              className="border-b border-stone-300"
              cellClassName="px-3 py-2 font-semibold"
            />
            <tbody className="divide-y divide-stone-200">
              {shown.map(({ row, errors }) => (
                <tr key={row} data-row={row}>
                  <td className="px-3 py-2 align-top font-mono">{row}</td>
                  <td className="px-3 py-2">
                    <ul className="space-y-1.5">
                      {errors.map((e, i) => (
                        <li key={`${e.code}-${i}`}>
                          {e.field && <span className="font-mono text-stone-800">{e.field}: </span>}
                          {e.message}
                          <span className="ml-2 font-mono text-xs text-stone-700">{e.code}</span>
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </DataTable>
          {rows.length > shown.length && (
            <p className="text-stone-800">
              {t('staff.admin.import.showingFirst', { shown: number(shown.length), total: number(rows.length) })}
            </p>
          )}
        </>
      )}
    </div>
  );
}

function groupByRow(errors: JobRowError[]): { row: number; errors: JobRowError[] }[] {
  const byRow = new Map<number, JobRowError[]>();
  for (const e of errors) byRow.set(e.row, [...(byRow.get(e.row) ?? []), e]);
  return [...byRow].map(([row, list]) => ({ row, errors: list })).sort((a, b) => a.row - b.row);
}

/** Where invitation mail went: a mail server, or nowhere (kept in the server's outbox). */
export function MailNote({ mail, email }: { mail: MailDelivery; email?: string }) {
  const { t } = useT();
  if (mail.transport === 'smtp')
    return <p>{email ? t('staff.admin.mail.sentTo', { email }) : t('staff.admin.mail.sent')}</p>;
  return (
    <div data-mail="none" className="rounded-md border-l-4 border-amber-600 bg-amber-50 p-3 text-amber-950">
      <p className="font-semibold">{t('staff.admin.mail.noServerTitle')}</p>
      <p className="mt-1">{t('staff.admin.mail.noServerBody')}</p>
    </div>
  );
}

/** For the people an import created who have not activated yet: new links as a CSV, or by mail again. */
function FollowUps({ jobId }: { jobId: string }) {
  const { t, number } = useT();
  const [downloaded, setDownloaded] = useState<string | null>(null);
  const links = useMutation({
    mutationFn: () => staffApi.importActivationLinks(jobId),
    onSuccess: ({ blob, fileName }) => {
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = fileName;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setDownloaded(fileName);
    },
  });
  const resend = useMutation({ mutationFn: () => staffApi.resendImportInvitations(jobId) });
  return (
    <section aria-labelledby="followups-heading" className="space-y-3 rounded-md border border-stone-300 p-4">
      <h3 id="followups-heading" className="text-lg font-semibold">
        {t('staff.admin.import.followTitle')}
      </h3>
      <p className="text-stone-800">{t('staff.admin.import.followBody')}</p>
      <div className="flex flex-wrap gap-3">
        <button
          type="button"
          className="btn-secondary"
          aria-busy={links.isPending || undefined}
          onClick={() => !links.isPending && links.mutate()}
        >
          {t('staff.admin.import.downloadLinks')}
        </button>
        <button
          type="button"
          className="btn-secondary"
          aria-busy={resend.isPending || undefined}
          onClick={() => !resend.isPending && resend.mutate()}
        >
          {t('staff.admin.import.resend')}
        </button>
      </div>
      <div aria-live="polite" className="space-y-2">
        {downloaded && <p>{t('staff.admin.import.linksDownloaded', { file: downloaded })}</p>}
        {resend.isSuccess && (
          <>
            <p className="font-semibold">
              {t('staff.admin.import.resent', { count: resend.data.resent, shown: number(resend.data.resent) })}
            </p>
            {resend.data.resent > 0 && <MailNote mail={resend.data.mail} />}
          </>
        )}
      </div>
      {links.isError && (
        <Alert title={t('staff.admin.import.linksFailed')}>
          <p>{errorMessage(links.error)}</p>
        </Alert>
      )}
      {resend.isError && (
        <Alert title={t('staff.admin.import.resendFailed')}>
          <p>{errorMessage(resend.error)}</p>
        </Alert>
      )}
    </section>
  );
}
