import { Link, useSearchParams } from 'react-router';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  CHANNEL_LABELS,
  dateRangeProblem,
  isLgaCode,
  lgaName,
  LGAS,
  STATUS_LABELS,
  type Role,
  type ReportCount,
  type ReportFilter,
  type ReportSummary,
} from '@oslrs/core';
import { useAuth } from '../../auth/AuthContext';
import { useSetParam } from '../../lib/useSetParam';
import { errorMessage } from '../../api/client';
import { reportKeys, reportsApi } from '../../api/reports';
import { Alert } from '../../components/Alert';
import { BarList, ChartCard, formatCount, TimeColumns, type ChartRow } from '../../components/Charts';
import { SelectField, TextField } from '../../components/Field';
import { PageHeading } from '../../components/Page';
import { RoleGate } from '../registry/shared';

/** Who may read reports (the API narrows supervisors to their LGA). */
const READERS: readonly Role[] = ['super_admin', 'verification_assessor', 'government_official', 'supervisor'];

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ALL = { value: '', label: 'All' };
const LGA_OPTIONS = [ALL, ...LGAS.map((l) => ({ value: l.code, label: l.name }))];
// The channels and statuses come from the report labels (same keys as the DTO enums), which keeps the
// DTO modules — and the validation library they build schemas with — out of this page's bundle.
const CHANNEL_OPTIONS = [ALL, ...Object.entries(CHANNEL_LABELS).map(([value, label]) => ({ value, label }))];
const STATUS_OPTIONS = [ALL, ...Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label }))];
const FILTER_KEYS = ['from', 'to', 'lga', 'channel', 'status'] as const;

/**
 * The filters in the URL (so a dashboard can be shared and the back button works); junk is ignored,
 * and so is an LGA for a supervisor (the API answers with their own LGA; another would be a 404).
 */
function filterFrom(params: URLSearchParams, statewide: boolean): ReportFilter {
  const filter: ReportFilter = {};
  const from = params.get('from');
  const to = params.get('to');
  const lga = params.get('lga');
  const channel = params.get('channel');
  const status = params.get('status');
  if (from && DATE.test(from)) filter.from = from;
  if (to && DATE.test(to)) filter.to = to;
  if (statewide && lga && isLgaCode(lga)) filter.lga = lga;
  if (channel && Object.hasOwn(CHANNEL_LABELS, channel)) filter.channel = channel as ReportFilter['channel'];
  if (status && Object.hasOwn(STATUS_LABELS, status)) filter.status = status as ReportFilter['status'];
  return filter;
}

const rows = (list: readonly ReportCount[]): ChartRow[] => list.map((c) => ({ ...c }));

const DAY = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const MONTH = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
function overTimeRows(summary: ReportSummary): ChartRow[] {
  const format = summary.interval === 'day' ? DAY : MONTH;
  return summary.overTime.map((p) => ({
    key: p.date,
    label: format.format(new Date(`${p.date}T12:00:00Z`)),
    count: p.count,
  }));
}

export default function ReportsDashboard() {
  return (
    <RoleGate roles={READERS} title="Dashboard">
      <Dashboard />
    </RoleGate>
  );
}

function Dashboard() {
  const { user } = useAuth();
  const [params, setParams] = useSearchParams();
  const setParam = useSetParam();
  const statewide = user?.role !== 'supervisor';
  const filter = filterFrom(params, statewide);
  // A range the API would refuse is said here, in words, instead of asking for it.
  const rangeProblem = dateRangeProblem(filter.from, filter.to);
  const query = useQuery({
    queryKey: reportKeys.summary(filter),
    queryFn: ({ signal }) => reportsApi.summary(filter, signal),
    placeholderData: keepPreviousData,
    enabled: !rangeProblem,
  });
  const data = query.data;

  // Each change is a history entry: the back button undoes a filter.
  const update = (key: (typeof FILTER_KEYS)[number], value: string) => setParam(key, value);
  const filtered = FILTER_KEYS.some((k) => params.has(k));

  const place = filter.lga
    ? (lgaName(filter.lga) ?? filter.lga)
    : statewide
      ? 'Oyo State'
      : (lgaName(user?.lga ?? '') ?? 'your LGA');

  return (
    <>
      <PageHeading>Dashboard</PageHeading>
      <p className="mt-2 text-stone-800">
        Registrations in {place}, from the registry&rsquo;s running counts. Filters are kept in the address, so you can
        share this view.
      </p>

      <form
        aria-label="Filter the dashboard"
        className="mt-6 grid grid-cols-1 gap-4 rounded-lg border border-stone-300 bg-white p-4 sm:grid-cols-2 lg:grid-cols-5"
        onSubmit={(e) => e.preventDefault()}
      >
        <TextField
          label="From"
          name="from"
          type="date"
          value={filter.from ?? ''}
          max={filter.to}
          onChange={(e) => update('from', e.target.value)}
        />
        <TextField
          label="To"
          name="to"
          type="date"
          value={filter.to ?? ''}
          min={filter.from}
          onChange={(e) => update('to', e.target.value)}
        />
        {statewide && (
          <SelectField
            label="LGA"
            name="lga"
            value={filter.lga ?? ''}
            onChange={(e) => update('lga', e.target.value)}
            options={LGA_OPTIONS}
          />
        )}
        <SelectField
          label="Channel"
          name="channel"
          value={filter.channel ?? ''}
          onChange={(e) => update('channel', e.target.value)}
          options={CHANNEL_OPTIONS}
        />
        <SelectField
          label="Status"
          name="status"
          value={filter.status ?? ''}
          onChange={(e) => update('status', e.target.value)}
          options={STATUS_OPTIONS}
        />
        {filtered && (
          <div className="sm:col-span-2 lg:col-span-5">
            <button type="button" className="btn btn-secondary" onClick={() => setParams(new URLSearchParams())}>
              Clear filters
            </button>
          </div>
        )}
      </form>
      <p className="mt-4">
        {/* The export takes the dashboard's filters: its row count is this view's total. */}
        <Link to={`/reports/export${params.size ? `?${params.toString()}` : ''}`} className="link font-semibold">
          Export these respondents (CSV or Excel)
        </Link>
      </p>

      {rangeProblem && (
        <div className="mt-4">
          <Alert title={rangeProblem.message}>
            <p>Choose a start date on or before the end date, within ten years of it.</p>
          </Alert>
        </div>
      )}
      {query.isError && (
        <div className="mt-4">
          <Alert title="Could not load the dashboard">
            <p>{errorMessage(query.error)}</p>
          </Alert>
        </div>
      )}
      {!data && !query.isError && !rangeProblem && <p className="mt-6">Loading…</p>}
      {data && <Charts summary={data} stale={query.isPlaceholderData || query.isError} />}
    </>
  );
}

function Charts({ summary, stale }: { summary: ReportSummary; stale: boolean }) {
  const f = summary.filters;
  const period = `${f.from ? DAY.format(new Date(`${f.from}T12:00:00Z`)) : 'the start'} to ${DAY.format(
    new Date(`${f.to}T12:00:00Z`),
  )}`;
  const col = (what: string): readonly [string, string] => [what, 'Registrations'];
  return (
    <div className={stale ? 'opacity-60' : ''} aria-busy={stale}>
      <section className="card mt-6" aria-labelledby="total-heading">
        <h2 id="total-heading" className="text-lg font-bold">
          Registrations
        </h2>
        <p className="mt-1 text-4xl font-bold tabular-nums" data-report-total={summary.total} aria-live="polite">
          {formatCount(summary.total)}
        </p>
        <p className="mt-1 text-sm text-stone-700">
          From {period}
          {f.lga ? ` · ${lgaName(f.lga) ?? f.lga}` : ''}
          {f.channel ? ` · ${CHANNEL_LABELS[f.channel] ?? f.channel}` : ''}
          {f.status ? ` · ${STATUS_LABELS[f.status] ?? f.status}` : ''}
        </p>
      </section>

      <div className="mt-6 grid grid-cols-1 gap-6 md:grid-cols-2">
        <ChartCard
          className="md:col-span-2"
          title={`Registrations per ${summary.interval}`}
          columns={col(summary.interval === 'day' ? 'Day' : 'Month')}
          rows={overTimeRows(summary)}
        >
          <TimeColumns rows={overTimeRows(summary)} />
        </ChartCard>
        <ChartCard title="By LGA" columns={col('LGA')} rows={rows(summary.byLga)}>
          <BarList rows={rows(summary.byLga)} />
        </ChartCard>
        <ChartCard
          title="By sector"
          note="A person counts once in each sector their skills fall in."
          columns={col('Sector')}
          rows={rows(summary.bySector)}
        >
          <BarList rows={rows(summary.bySector)} />
        </ChartCard>
        <ChartCard title="Top skills" columns={col('Skill')} rows={rows(summary.bySkill)}>
          <BarList rows={rows(summary.bySkill)} />
        </ChartCard>
        <ChartCard title="By employment type" columns={col('Employment type')} rows={rows(summary.byEmploymentType)}>
          <BarList rows={rows(summary.byEmploymentType)} />
        </ChartCard>
        <ChartCard title="By gender" columns={col('Gender')} rows={rows(summary.byGender)}>
          <BarList rows={rows(summary.byGender)} />
        </ChartCard>
        <ChartCard title="By age band" columns={col('Age band')} rows={rows(summary.byAgeBand)}>
          <BarList rows={rows(summary.byAgeBand)} />
        </ChartCard>
        <ChartCard title="By channel" columns={col('Channel')} rows={rows(summary.byChannel)}>
          <BarList rows={rows(summary.byChannel)} />
        </ChartCard>
        <ChartCard title="By status" columns={col('Status')} rows={rows(summary.byStatus)}>
          <BarList rows={rows(summary.byStatus)} />
        </ChartCard>
      </div>
    </div>
  );
}
