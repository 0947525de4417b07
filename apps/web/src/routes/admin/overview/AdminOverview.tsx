import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { errorMessage } from '../../../api/client';
import { supervisionApi, supervisionKeys } from '../../../api/supervision';
import { Alert } from '../../../components/Alert';
import { Loading } from '../../../components/Loading';
import { PageHeading } from '../../../components/Page';
import { useT } from '../../../i18n';

/** The super admin's landing page: what happened today and what waits for someone (one API call, every minute). */
export default function AdminOverview() {
  const { t, date, number } = useT();
  const overview = useQuery({
    queryKey: supervisionKeys.overview,
    queryFn: ({ signal }) => supervisionApi.overview(signal),
    refetchInterval: 60_000,
  });
  return (
    <>
      <PageHeading title={t('staff.admin.overview.title')}>{t('staff.admin.overview.heading')}</PageHeading>
      {overview.isPending ? (
        <Loading />
      ) : overview.isError ? (
        <div className="mt-4">
          <Alert title={t('staff.admin.overview.loadFailed')}>
            <p>{errorMessage(overview.error)}</p>
          </Alert>
        </div>
      ) : (
        <>
          <p className="mt-1 text-sm text-stone-700">
            {t('staff.admin.overview.asOf', {
              time: date(overview.data.asOf, { dateStyle: 'medium', timeStyle: 'short' }),
            })}
          </p>
          <dl className="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4" data-overview="">
            <Tile label={t('staff.admin.overview.today')} value={number(overview.data.submissions.today)} />
            <Tile label={t('staff.admin.overview.week')} value={number(overview.data.submissions.week)} />
            <Tile
              label={t('staff.admin.overview.flagged')}
              value={number(overview.data.flaggedWaiting)}
              tone={overview.data.flaggedWaiting > 0 ? 'warn' : undefined}
              hint={t('staff.admin.overview.flaggedHint')}
            />
            <Tile label={t('staff.admin.overview.pending')} value={number(overview.data.submissions.pendingIngest)} />
            {overview.data.queue ? (
              <>
                <Tile label={t('staff.admin.overview.jobsWaiting')} value={number(overview.data.queue.waiting)} />
                <Tile label={t('staff.admin.overview.jobsRunning')} value={number(overview.data.queue.active)} />
                <Tile
                  label={t('staff.admin.overview.jobsFailed')}
                  value={number(overview.data.queue.failed)}
                  tone={overview.data.queue.failed > 0 ? 'warn' : undefined}
                />
              </>
            ) : (
              <Tile
                label={t('staff.admin.overview.queue')}
                value={t('staff.admin.overview.notAnswering')}
                tone="warn"
              />
            )}
            <Tile
              label={t('staff.admin.ops.title')}
              value={number(overview.data.alerts.length)}
              tone={overview.data.alerts.length > 0 ? 'warn' : undefined}
              hint={
                overview.data.alerts.length > 0
                  ? t('staff.admin.overview.alertsListed')
                  : t('staff.admin.overview.allClear')
              }
            />
          </dl>
        </>
      )}
      <section aria-labelledby="shortcuts" className="mt-8">
        <h2 id="shortcuts" className="text-xl font-bold">
          {t('staff.admin.overview.next')}
        </h2>
        <ul className="mt-3 flex flex-wrap gap-3">
          <li>
            <Link to="/team" className="btn-secondary">
              {t('staff.admin.overview.teams')}
            </Link>
          </li>
          <li>
            <Link to="/admin/staff" className="btn-secondary">
              {t('staff.admin.overview.staff')}
            </Link>
          </li>
          <li>
            <Link to="/admin/fraud" className="btn-secondary">
              {t('staff.admin.overview.fraud')}
            </Link>
          </li>
        </ul>
      </section>
    </>
  );
}

function Tile({ label, value, tone, hint }: { label: string; value: ReactNode; tone?: 'warn'; hint?: string }) {
  return (
    <div
      className={`rounded-lg border p-4 ${tone === 'warn' ? 'border-amber-500 bg-amber-50' : 'border-stone-300 bg-white'}`}
    >
      <dt className="text-sm font-semibold text-stone-700">{label}</dt>
      <dd className="mt-1 text-3xl font-bold text-stone-900 tabular-nums">{value}</dd>
      {hint && <dd className="mt-1 text-xs text-stone-700">{hint}</dd>}
    </div>
  );
}
