import { Link } from 'react-router';
import { errorMessage } from '../../api/client';
import { Alert } from '../../components/Alert';
import { useT } from '../../i18n';
import { formatDateTime } from '../../lib/format';
import { useFieldDashboard } from '../../offline/dashboard';

/** The enumerator's own progress and messages at the top of the collect home; offline as of the last sync. */
export function FieldDashboardCard({ userId }: { userId: string }) {
  const { t } = useT();
  const dashboard = useFieldDashboard(userId);
  if (dashboard.isPending) return null;
  if (dashboard.isError) {
    return (
      <div className="mt-4">
        <Alert title={t('collect.dashboard.loadFailed')}>
          <p>{errorMessage(dashboard.error)}</p>
        </Alert>
      </div>
    );
  }
  const data = dashboard.data;
  if (!data) {
    return (
      <section className="card mt-6" aria-label={t('collect.dashboard.title')}>
        <p className="text-stone-800">{t('collect.dashboard.beforeSync')}</p>
      </section>
    );
  }
  const { progress, messages } = data;
  const unread = messages.unread;
  return (
    <section aria-labelledby="progress-heading" className="card mt-6" data-dashboard="">
      <h2 id="progress-heading" className="text-xl font-bold">
        {t('collect.dashboard.title')}
      </h2>
      <dl className="mt-3 grid grid-cols-2 gap-3">
        <Meter
          name="Today"
          label={t('collect.dashboard.today')}
          value={progress.today}
          target={progress.target?.daily}
        />
        <Meter
          name="This week"
          label={t('collect.dashboard.week')}
          value={progress.week}
          target={progress.target?.weekly}
        />
      </dl>
      {!progress.target && <p className="mt-2 text-sm text-stone-700">{t('collect.dashboard.noTarget')}</p>}
      <ul className="mt-3 space-y-1">
        {progress.returned > 0 && (
          <li className="font-semibold text-amber-900" data-returned={progress.returned}>
            {t('collect.dashboard.returned', { count: progress.returned })}
          </li>
        )}
        <li>
          <Link to="/collect/messages" className="link" data-unread={unread}>
            {unread > 0 ? t('collect.dashboard.messagesNew', { count: unread }) : t('collect.dashboard.messages')}
          </Link>
        </li>
      </ul>
      <p className="mt-3 text-xs text-stone-700">
        {data.fromDevice
          ? t('collect.dashboard.offlineAsOf', { when: formatDateTime(data.fetchedAt) })
          : t('collect.dashboard.updated', { when: formatDateTime(data.fetchedAt) })}
      </p>
    </section>
  );
}

/** `name` is a stable (English) hook for tests; `label` the words shown. */
function Meter({
  name,
  label,
  value,
  target,
}: {
  name: string;
  label: string;
  value: number;
  target: number | undefined;
}) {
  const { t } = useT();
  const share = target ? Math.min(100, Math.round((value / target) * 100)) : 0;
  return (
    <div>
      <dt className="text-sm font-semibold text-stone-700">{label}</dt>
      <dd className="text-2xl font-bold tabular-nums" data-meter={name}>
        {value}
        {target !== undefined && (
          <span className="text-base font-semibold text-stone-700"> {t('collect.dashboard.ofTarget', { target })}</span>
        )}
      </dd>
      {target !== undefined && (
        <dd>
          <div
            className="mt-1 h-2 rounded-full bg-stone-200"
            role="progressbar"
            aria-label={t('collect.dashboard.againstTarget', { label })}
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
