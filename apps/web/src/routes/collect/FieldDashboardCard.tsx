import { Link } from 'react-router';
import { errorMessage } from '../../api/client';
import { Alert } from '../../components/Alert';
import { formatDateTime, plural } from '../../lib/format';
import { useFieldDashboard } from '../../offline/dashboard';

/** The enumerator's own progress and messages at the top of the collect home; offline as of the last sync. */
export function FieldDashboardCard({ userId }: { userId: string }) {
  const dashboard = useFieldDashboard(userId);
  if (dashboard.isPending) return null;
  if (dashboard.isError) {
    return (
      <div className="mt-4">
        <Alert title="Could not load your progress">
          <p>{errorMessage(dashboard.error)}</p>
        </Alert>
      </div>
    );
  }
  const data = dashboard.data;
  if (!data) {
    return (
      <section className="card mt-6" aria-label="Your progress">
        <p className="text-stone-800">Your progress and messages show here after the first sync with the registry.</p>
      </section>
    );
  }
  const { progress, messages } = data;
  const unread = messages.unread;
  return (
    <section aria-labelledby="progress-heading" className="card mt-6" data-dashboard="">
      <h2 id="progress-heading" className="text-xl font-bold">
        Your progress
      </h2>
      <dl className="mt-3 grid grid-cols-2 gap-3">
        <Meter label="Today" value={progress.today} target={progress.target?.daily} />
        <Meter label="This week" value={progress.week} target={progress.target?.weekly} />
      </dl>
      {!progress.target && <p className="mt-2 text-sm text-stone-700">Your supervisor has not set a target yet.</p>}
      <ul className="mt-3 space-y-1">
        {progress.returned > 0 && (
          <li className="font-semibold text-amber-900" data-returned={progress.returned}>
            {plural(progress.returned, 'survey', 'surveys')} returned for correction this week
          </li>
        )}
        <li>
          <Link to="/collect/messages" className="link" data-unread={unread}>
            Messages{unread > 0 ? ` — ${unread} new` : ''}
          </Link>
        </li>
      </ul>
      <p className="mt-3 text-xs text-stone-700">
        {data.fromDevice
          ? `Offline: as the registry reported at ${formatDateTime(data.fetchedAt)}.`
          : `Updated ${formatDateTime(data.fetchedAt)}.`}
      </p>
    </section>
  );
}

function Meter({ label, value, target }: { label: string; value: number; target: number | undefined }) {
  const share = target ? Math.min(100, Math.round((value / target) * 100)) : 0;
  return (
    <div>
      <dt className="text-sm font-semibold text-stone-700">{label}</dt>
      <dd className="text-2xl font-bold tabular-nums" data-meter={label}>
        {value}
        {target !== undefined && <span className="text-base font-semibold text-stone-700"> of {target}</span>}
      </dd>
      {target !== undefined && (
        <dd>
          <div
            className="mt-1 h-2 rounded-full bg-stone-200"
            role="progressbar"
            aria-label={`${label} against target`}
            aria-valuenow={value}
            aria-valuemin={0}
            aria-valuemax={target}
          >
            <div
              className={`h-2 rounded-full ${share >= 100 ? 'bg-green-700' : 'bg-amber-500'}`}
              style={{ width: `${share}%` }}
            />
          </div>
        </dd>
      )}
    </div>
  );
}
