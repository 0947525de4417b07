import { useQuery } from '@tanstack/react-query';
import type { OpsAlert, OpsAlerts as OpsAlertsBody } from '@oslrs/core';
import { api } from '../../../api/client';
import { useT } from '../../../i18n';

/** An alert in the reader's words (`staff.admin.ops.alert.<code>` with its numbers), else the API's English. */
export function opsAlertText(t: (id: string, values?: Record<string, unknown>) => string, a: OpsAlert): string {
  const id = `staff.admin.ops.alert.${a.code}`;
  const text = t(id, a.params);
  return text && text !== id ? text : a.message;
}

/**
 * The seed's scaling triggers (memory, API p95, queue backlog, job failures, field staff), as the
 * API computes them, shown to the super admin on every admin page. Rechecked every minute.
 */
export function OpsAlerts() {
  const { t } = useT();
  const query = useQuery({
    queryKey: ['ops', 'alerts'],
    queryFn: ({ signal }) => api<OpsAlertsBody>('/ops/alerts', { signal }),
    refetchInterval: 60_000,
    staleTime: 30_000,
  });
  const alerts = query.data?.alerts ?? [];
  if (!alerts.length) return null;
  return (
    <section
      aria-label={t('staff.admin.ops.title')}
      className="mb-6 rounded-md border-l-4 border-amber-600 bg-amber-50 p-4 text-amber-950"
    >
      <h2 className="font-semibold">{t('staff.admin.ops.title')}</h2>
      <ul className="mt-1 list-disc space-y-1 pl-5">
        {alerts.map((a) => (
          <li key={a.code}>
            <span className="font-medium">
              {a.severity === 'critical' ? t('staff.admin.ops.critical') : t('staff.admin.ops.warning')}{' '}
            </span>
            {opsAlertText(t, a)}
          </li>
        ))}
      </ul>
      <p className="mt-2 text-sm">{t('staff.admin.ops.runbook', { file: 'deploy/RUNBOOK.md' })}</p>
    </section>
  );
}
