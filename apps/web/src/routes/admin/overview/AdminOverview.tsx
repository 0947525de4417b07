import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { errorMessage } from '../../../api/client';
import { supervisionApi, supervisionKeys } from '../../../api/supervision';
import { Alert } from '../../../components/Alert';
import { Loading } from '../../../components/Loading';
import { PageHeading } from '../../../components/Page';
import { formatDateTime } from '../../../lib/format';

/** The super admin's landing page: what happened today and what waits for someone (one API call, every minute). */
export default function AdminOverview() {
  const overview = useQuery({
    queryKey: supervisionKeys.overview,
    queryFn: ({ signal }) => supervisionApi.overview(signal),
    refetchInterval: 60_000,
  });
  return (
    <>
      <PageHeading title="Overview">Today in the registry</PageHeading>
      {overview.isPending ? (
        <Loading />
      ) : overview.isError ? (
        <div className="mt-4">
          <Alert title="Could not load the overview">
            <p>{errorMessage(overview.error)}</p>
          </Alert>
        </div>
      ) : (
        <>
          <p className="mt-1 text-sm text-stone-700">
            As of {formatDateTime(overview.data.asOf)} (refreshed every minute)
          </p>
          <dl className="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4" data-overview="">
            <Tile label="Submissions today" value={overview.data.submissions.today} />
            <Tile label="This week" value={overview.data.submissions.week} />
            <Tile
              label="Flagged, waiting for review"
              value={overview.data.flaggedWaiting}
              tone={overview.data.flaggedWaiting > 0 ? 'warn' : undefined}
              hint="Medium band or worse, last 30 days"
            />
            <Tile label="Waiting to be processed" value={overview.data.submissions.pendingIngest} />
            {overview.data.queue ? (
              <>
                <Tile label="Jobs waiting" value={overview.data.queue.waiting} />
                <Tile label="Jobs running" value={overview.data.queue.active} />
                <Tile
                  label="Jobs failed"
                  value={overview.data.queue.failed}
                  tone={overview.data.queue.failed > 0 ? 'warn' : undefined}
                />
              </>
            ) : (
              <Tile label="Job queue" value="Not answering" tone="warn" />
            )}
            <Tile
              label="Operations alerts"
              value={overview.data.alerts.length}
              tone={overview.data.alerts.length > 0 ? 'warn' : undefined}
              hint={overview.data.alerts.length > 0 ? 'Listed at the top of the page' : 'All clear'}
            />
          </dl>
        </>
      )}
      <section aria-labelledby="shortcuts" className="mt-8">
        <h2 id="shortcuts" className="text-xl font-bold">
          Where to next
        </h2>
        <ul className="mt-3 flex flex-wrap gap-3">
          <li>
            <Link to="/team" className="btn-secondary">
              Field teams
            </Link>
          </li>
          <li>
            <Link to="/admin/staff" className="btn-secondary">
              Staff list
            </Link>
          </li>
          <li>
            <Link to="/admin/fraud" className="btn-secondary">
              Fraud thresholds
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
