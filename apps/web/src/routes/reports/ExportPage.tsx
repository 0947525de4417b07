import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useMutation, useQuery } from '@tanstack/react-query';
import {
  dateRangeProblem,
  CHANNELS,
  CHANNEL_LABELS,
  LGAS,
  RESPONDENT_STATUSES,
  STATUS_LABELS,
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
        <PageHeading>Export respondents</PageHeading>
        <p className="mt-4 text-stone-800">Your role does not export respondent data.</p>
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
      <PageHeading>Export respondents</PageHeading>
      <p className="mt-2 text-stone-800">
        {supervisor
          ? `Respondents of ${lgaName(user?.lga ?? '') ?? 'your LGA'} with the filters below.`
          : 'Respondents with the filters below, as the dashboard counts them (merged records are left out).'}{' '}
        {masked ? 'NIN and phone numbers are masked.' : 'NIN and phone numbers are included in full.'} Every export is
        recorded in the audit log.
      </p>

      <section className="card mt-6 space-y-4" aria-labelledby="export-heading">
        <h2 id="export-heading" className="text-xl font-bold">
          Export
        </h2>
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            label="Registered from"
            type="date"
            value={filters.from ?? ''}
            onChange={(e) => setFilter('from', e.target.value)}
          />
          <TextField
            label="Registered to"
            type="date"
            value={filters.to ?? ''}
            onChange={(e) => setFilter('to', e.target.value)}
          />
          {!supervisor && (
            <SelectField
              label="LGA"
              value={filters.lga ?? ''}
              onChange={(e) => setFilter('lga', e.target.value)}
              options={[{ value: '', label: 'All LGAs' }, ...LGAS.map((l) => ({ value: l.code, label: l.name }))]}
            />
          )}
          <SelectField
            label="Channel"
            value={filters.channel ?? ''}
            onChange={(e) => setFilter('channel', e.target.value)}
            options={[
              { value: '', label: 'All channels' },
              ...CHANNELS.map((c) => ({ value: c, label: CHANNEL_LABELS[c] ?? c })),
            ]}
          />
          <SelectField
            label="Status"
            value={filters.status ?? ''}
            onChange={(e) => setFilter('status', e.target.value)}
            options={[
              { value: '', label: 'All statuses' },
              ...RESPONDENT_STATUSES.filter((s) => s !== 'merged').map((s) => ({
                value: s,
                label: STATUS_LABELS[s] ?? s,
              })),
            ]}
          />
        </div>

        <fieldset>
          <legend className="label">Format</legend>
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
                {f === 'csv' ? 'CSV (any spreadsheet or statistics tool)' : 'Excel workbook (.xlsx)'}
              </label>
            ))}
          </div>
        </fieldset>

        {rangeProblem && (
          <Alert title={rangeProblem.message}>
            <p>Choose a start date on or before the end date, within ten years of it.</p>
          </Alert>
        )}
        {create.isError && (
          <Alert title="The export could not start">
            <p>{errorMessage(create.error)}</p>
          </Alert>
        )}

        <button
          type="button"
          className="btn-primary"
          disabled={create.isPending || !!rangeProblem}
          onClick={() => create.mutate()}
        >
          {create.isPending ? 'Starting…' : 'Export'}
        </button>

        {started && <ExportProgress started={started} />}
      </section>
    </div>
  );
}

/** The job's progress bar, then the download link. */
function ExportProgress({ started }: { started: ExportCreated }) {
  const query = useQuery({
    queryKey: queryKeys.job(started.jobId),
    queryFn: ({ signal }) => jobs.get(started.jobId, signal),
    refetchInterval: (q) => {
      const state = q.state.data?.job.state;
      return state === 'completed' || state === 'failed' ? false : POLL_MS;
    },
    refetchIntervalInBackground: true,
  });
  if (query.isPending) return <p className="text-stone-800">Starting the export…</p>;
  if (query.isError)
    return (
      <Alert title="Could not follow the export">
        <p>{errorMessage(query.error)}</p>
      </Alert>
    );
  const job = query.data.job;
  return (
    <div aria-live="polite" className="space-y-2">
      {job.state === 'completed' ? (
        <>
          <p className="text-stone-800">
            Ready: {job.processed.toLocaleString('en-GB')} {job.processed === 1 ? 'respondent' : 'respondents'}. The
            file can be downloaded for 24 hours.
          </p>
          <a className="btn-primary inline-block" href={exportsApi.downloadUrl(started.exportId)} download>
            Download the file
          </a>
        </>
      ) : job.state === 'failed' ? (
        <Alert title="The export failed">
          <p>{job.error ?? 'The export stopped before it finished. Try again.'}</p>
        </Alert>
      ) : (
        <>
          {job.total > 0 ? (
            <progress
              className="w-full"
              aria-label="Export progress"
              max={job.total}
              value={Math.min(job.processed, job.total)}
            />
          ) : (
            <progress className="w-full" aria-label="Export progress" />
          )}
          <p className="text-stone-800">
            {job.state === 'queued'
              ? 'Waiting to start…'
              : `${job.processed.toLocaleString('en-GB')} of ${job.total.toLocaleString('en-GB')} rows written`}
          </p>
        </>
      )}
    </div>
  );
}
