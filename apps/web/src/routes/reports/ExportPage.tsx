import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useMutation, useQuery } from '@tanstack/react-query';
import {
  dateRangeProblem,
  CHANNELS,
  LGAS,
  RESPONDENT_STATUSES,
  isLgaCode,
  lgaName,
  type ExportCreated,
  type ExportFormat,
  type ReportFilter,
} from '@oslrs/core';
import { useAuth } from '../../auth/AuthContext';
import { errorMessage } from '../../api/client';
import { jobs, queryKeys } from '../../api/endpoints';
import { exportsApi } from '../../api/exports';
import { Alert } from '../../components/Alert';
import { SelectField, TextField } from '../../components/Field';
import { PageHeading } from '../../components/Page';
import { useT } from '../../i18n';
import { labelOf } from '../../lib/labels';
import { formatNumber } from '../../lib/format';

const POLL_MS = 500;
const FILTER_KEYS = ['from', 'to', 'lga', 'channel', 'status'] as const;
const EXPORTERS = ['super_admin', 'verification_assessor', 'government_official', 'supervisor'];

/** The report filters in the URL (the dashboard links here with its own), unknown values dropped. */
function filtersOf(params: URLSearchParams): ReportFilter {
  const f: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const v = params.get(key);
    if (v) f[key] = v;
  }
  if (f.lga && !isLgaCode(f.lga)) delete f.lga;
  if (f.channel && !(CHANNELS as readonly string[]).includes(f.channel)) delete f.channel;
  if (f.status && !(RESPONDENT_STATUSES as readonly string[]).includes(f.status)) delete f.status;
  return f as ReportFilter;
}

/**
 * Export respondents as CSV or XLSX with the report filters (issue 11): the file is built in the
 * background; a progress bar follows the job, then a download link (kept for 24 hours).
 */
export default function ExportPage() {
  const { t } = useT();
  const { user } = useAuth();
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const rangeProblem = dateRangeProblem(filters.from, filters.to);
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [started, setStarted] = useState<ExportCreated | null>(null);
  const supervisor = user?.role === 'supervisor';
  const masked = user?.role !== 'super_admin' && user?.role !== 'verification_assessor';

  const create = useMutation({
    mutationFn: () => exportsApi.create({ format, filters: supervisor ? { ...filters, lga: undefined } : filters }),
    onSuccess: setStarted,
  });

  if (user && !EXPORTERS.includes(user.role)) {
    return (
      <div className="max-w-3xl">
        <PageHeading>{t('staff.export.title')}</PageHeading>
        <p className="mt-4 text-stone-800">{t('staff.export.notAllowed')}</p>
      </div>
    );
  }

  const setFilter = (key: (typeof FILTER_KEYS)[number], value: string) => {
    setStarted(null);
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      if (value) next.set(key, value);
      else next.delete(key);
      return next;
    });
  };

  return (
    <div className="max-w-3xl">
      <PageHeading>{t('staff.export.title')}</PageHeading>
      <p className="mt-2 text-stone-800">
        {supervisor
          ? t('staff.export.introLga', { lga: lgaName(user?.lga ?? '') ?? t('staff.registry.yourLga') })
          : t('staff.export.introState')}{' '}
        {masked ? t('staff.export.masked') : t('staff.export.full')} {t('staff.export.audited')}
      </p>

      <section className="card mt-6 space-y-4" aria-labelledby="export-heading">
        <h2 id="export-heading" className="text-xl font-bold">
          {t('staff.export.heading')}
        </h2>
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label={t('staff.export.from')}
            type="date"
            value={filters.from ?? ''}
            onChange={(e) => setFilter('from', e.target.value)}
          />
          <TextField
            label={t('staff.export.to')}
            type="date"
            value={filters.to ?? ''}
            onChange={(e) => setFilter('to', e.target.value)}
          />
          {!supervisor && (
            <SelectField
              label={t('staff.registry.lga')}
              value={filters.lga ?? ''}
              onChange={(e) => setFilter('lga', e.target.value)}
              options={[
                { value: '', label: t('staff.review.allLgas') },
                ...LGAS.map((l) => ({ value: l.code, label: l.name })),
              ]}
            />
          )}
          <SelectField
            label={t('staff.review.channel')}
            value={filters.channel ?? ''}
            onChange={(e) => setFilter('channel', e.target.value)}
            options={[
              { value: '', label: t('staff.export.allChannels') },
              ...CHANNELS.map((c) => ({ value: c, label: labelOf(t, 'staff.reports.channel', c) })),
            ]}
          />
          <SelectField
            label={t('staff.registry.statusLabel')}
            value={filters.status ?? ''}
            onChange={(e) => setFilter('status', e.target.value)}
            options={[
              { value: '', label: t('staff.export.allStatuses') },
              ...RESPONDENT_STATUSES.filter((s) => s !== 'merged').map((s) => ({
                value: s,
                label: labelOf(t, 'staff.reports.status', s),
              })),
            ]}
          />
        </div>

        <fieldset>
          <legend className="label">{t('staff.export.format')}</legend>
          <div className="mt-1 flex flex-wrap gap-4">
            {(['csv', 'xlsx'] as const).map((f) => (
              <label key={f} className="flex items-center gap-2">
                <input
                  type="radio"
                  name="format"
                  value={f}
                  checked={format === f}
                  onChange={() => {
                    setFormat(f);
                    setStarted(null);
                  }}
                />
                {f === 'csv' ? t('staff.export.csv') : t('staff.export.xlsx')}
              </label>
            ))}
          </div>
        </fieldset>

        {rangeProblem && (
          <Alert
            title={rangeProblem.field === 'from' ? t('staff.reports.rangeReversed') : t('staff.reports.rangeTooLong')}
          >
            <p>{t('staff.reports.rangeHelp')}</p>
          </Alert>
        )}
        {create.isError && (
          <Alert title={t('staff.export.startFailed')}>
            <p>{errorMessage(create.error)}</p>
          </Alert>
        )}

        <button
          type="button"
          className="btn-primary"
          disabled={create.isPending || !!rangeProblem}
          onClick={() => create.mutate()}
        >
          {create.isPending ? t('staff.export.starting') : t('staff.export.heading')}
        </button>

        {started && <ExportProgress started={started} />}
      </section>
    </div>
  );
}

/** The job's progress bar, then the download link. */
function ExportProgress({ started }: { started: ExportCreated }) {
  const { t } = useT();
  const query = useQuery({
    queryKey: queryKeys.job(started.jobId),
    queryFn: ({ signal }) => jobs.get(started.jobId, signal),
    refetchInterval: (q) => {
      const state = q.state.data?.job.state;
      return state === 'completed' || state === 'failed' ? false : POLL_MS;
    },
    refetchIntervalInBackground: true,
  });
  if (query.isPending) return <p className="text-stone-800">{t('staff.export.startingExport')}</p>;
  if (query.isError)
    return (
      <Alert title={t('staff.export.followFailed')}>
        <p>{errorMessage(query.error)}</p>
      </Alert>
    );
  const job = query.data.job;
  return (
    <div aria-live="polite" className="space-y-2">
      {job.state === 'completed' ? (
        <>
          <p className="text-stone-800">
            {t('staff.export.ready', { count: job.processed, n: formatNumber(job.processed) })}
          </p>
          <a className="btn-primary inline-block" href={exportsApi.downloadUrl(started.exportId)} download>
            {t('staff.export.download')}
          </a>
        </>
      ) : job.state === 'failed' ? (
        <Alert title={t('staff.export.failed')}>
          <p>{job.error ?? t('staff.export.stopped')}</p>
        </Alert>
      ) : (
        <>
          {job.total > 0 ? (
            <progress
              className="w-full"
              aria-label={t('staff.export.progress')}
              max={job.total}
              value={Math.min(job.processed, job.total)}
            />
          ) : (
            <progress className="w-full" aria-label={t('staff.export.progress')} />
          )}
          <p className="text-stone-800">
            {job.state === 'queued'
              ? t('staff.export.waiting')
              : t('staff.export.rows', { processed: formatNumber(job.processed), total: formatNumber(job.total) })}
          </p>
        </>
      )}
    </div>
  );
}
