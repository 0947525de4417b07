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
  type ReportBreakdown,
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
import { useT } from '../../i18n';
import { labelOf } from '../../lib/labels';
import { formatDate } from '../../lib/format';
import { breakdownRow } from '../../lib/taxonomy';

/** Who may read reports (the API narrows supervisors to their LGA). */
const READERS: readonly Role[] = ['super_admin', 'verification_assessor', 'government_official', 'supervisor'];

const DATE = /^\d{4}-\d{2}-\d{2}$/;
// The channels and statuses come from the report labels (same keys as the DTO enums), which keeps the
// DTO modules — and the validation library they build schemas with — out of this page's bundle.
const channelText = (t: (id: string) => string, c: string) => labelOf(t, 'staff.reports.channel', c);
const statusText = (t: (id: string) => string, s: string) => labelOf(t, 'staff.reports.status', s);
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

/** A breakdown's rows, each labelled in the reader's language by its key (the API's label is English). */
const rowsOf = (t: (id: string) => string, list: readonly ReportCount[], breakdown: ReportBreakdown): ChartRow[] =>
  list.map((c) => breakdownRow(t, breakdown, { ...c }));

/** A calendar day "2025-11-27" in the active language (noon in Lagos, so the day never shifts). */
const day = (date: string) => formatDate(`${date}T12:00:00+01:00`);
function overTimeRows(summary: ReportSummary, month: (date: string) => string): ChartRow[] {
  return summary.overTime.map((p) => ({
    key: p.date,
    label: summary.interval === 'day' ? day(p.date) : month(p.date),
    count: p.count,
  }));
}

export default function ReportsDashboard() {
  const { t } = useT();
  return (
    <RoleGate roles={READERS} title={t('staff.reports.title')}>
      <Dashboard />
    </RoleGate>
  );
}

function Dashboard() {
  const { t } = useT();
  const all = { value: '', label: t('common.all') };
  const lgaOptions = [all, ...LGAS.map((l) => ({ value: l.code, label: l.name }))];
  const channelOptions = [
    all,
    ...Object.keys(CHANNEL_LABELS).map((value) => ({ value, label: channelText(t, value) })),
  ];
  const statusOptions = [all, ...Object.keys(STATUS_LABELS).map((value) => ({ value, label: statusText(t, value) }))];
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
      ? t('staff.reports.oyoState')
      : (lgaName(user?.lga ?? '') ?? t('staff.registry.yourLga'));

  return (
    <>
      <PageHeading>{t('staff.reports.title')}</PageHeading>
      <p className="mt-2 text-stone-800">{t('staff.reports.intro', { place })}</p>

      <form
        aria-label={t('staff.reports.filters')}
        className="mt-6 grid grid-cols-1 gap-4 rounded-lg border border-stone-300 bg-white p-4 sm:grid-cols-2 lg:grid-cols-5"
        onSubmit={(e) => e.preventDefault()}
      >
        <TextField
          label={t('staff.reports.from')}
          name="from"
          type="date"
          value={filter.from ?? ''}
          max={filter.to}
          onChange={(e) => update('from', e.target.value)}
        />
        <TextField
          label={t('staff.reports.to')}
          name="to"
          type="date"
          value={filter.to ?? ''}
          min={filter.from}
          onChange={(e) => update('to', e.target.value)}
        />
        {statewide && (
          <SelectField
            label={t('staff.registry.lga')}
            name="lga"
            value={filter.lga ?? ''}
            onChange={(e) => update('lga', e.target.value)}
            options={lgaOptions}
          />
        )}
        <SelectField
          label={t('staff.review.channel')}
          name="channel"
          value={filter.channel ?? ''}
          onChange={(e) => update('channel', e.target.value)}
          options={channelOptions}
        />
        <SelectField
          label={t('staff.registry.statusLabel')}
          name="status"
          value={filter.status ?? ''}
          onChange={(e) => update('status', e.target.value)}
          options={statusOptions}
        />
        {filtered && (
          <div className="sm:col-span-2 lg:col-span-5">
            <button type="button" className="btn btn-secondary" onClick={() => setParams(new URLSearchParams())}>
              {t('staff.reports.clear')}
            </button>
          </div>
        )}
      </form>
      <p className="mt-4">
        {/* The export takes the dashboard's filters: its row count is this view's total. */}
        <Link to={`/reports/export${params.size ? `?${params.toString()}` : ''}`} className="link font-semibold">
          {t('staff.reports.exportLink')}
        </Link>
      </p>

      {rangeProblem && (
        <div className="mt-4">
          <Alert
            title={rangeProblem.field === 'from' ? t('staff.reports.rangeReversed') : t('staff.reports.rangeTooLong')}
          >
            <p>{t('staff.reports.rangeHelp')}</p>
          </Alert>
        </div>
      )}
      {query.isError && (
        <div className="mt-4">
          <Alert title={t('staff.reports.loadFailed')}>
            <p>{errorMessage(query.error)}</p>
          </Alert>
        </div>
      )}
      {!data && !query.isError && !rangeProblem && <p className="mt-6">{t('common.loading')}</p>}
      {data && <Charts summary={data} stale={query.isPlaceholderData || query.isError} />}
    </>
  );
}

function Charts({ summary, stale }: { summary: ReportSummary; stale: boolean }) {
  const { t, date } = useT();
  const f = summary.filters;
  const month = (d: string) => date(`${d}T12:00:00+01:00`, { month: 'short', year: 'numeric' });
  const period = f.from
    ? t('staff.reports.period', { from: day(f.from), to: day(f.to) })
    : t('staff.reports.periodFromStart', { to: day(f.to) });
  const col = (what: string): readonly [string, string] => [what, t('staff.reports.registrations')];
  const rows = (list: readonly ReportCount[], breakdown: ReportBreakdown) => rowsOf(t, list, breakdown);
  return (
    <div className={stale ? 'opacity-60' : ''} aria-busy={stale}>
      <section className="card mt-6" aria-labelledby="total-heading">
        <h2 id="total-heading" className="text-lg font-bold">
          {t('staff.reports.registrations')}
        </h2>
        <p className="mt-1 text-4xl font-bold tabular-nums" data-report-total={summary.total} aria-live="polite">
          {formatCount(summary.total)}
        </p>
        <p className="mt-1 text-sm text-stone-700">
          {period}
          {f.lga ? ` · ${lgaName(f.lga) ?? f.lga}` : ''}
          {f.channel ? ` · ${channelText(t, f.channel)}` : ''}
          {f.status ? ` · ${statusText(t, f.status)}` : ''}
        </p>
      </section>

      <div className="mt-6 grid grid-cols-1 gap-6 md:grid-cols-2">
        <ChartCard
          className="md:col-span-2"
          title={summary.interval === 'day' ? t('staff.reports.perDay') : t('staff.reports.perMonth')}
          columns={col(summary.interval === 'day' ? t('staff.reports.day') : t('staff.reports.month'))}
          rows={overTimeRows(summary, month)}
        >
          <TimeColumns rows={overTimeRows(summary, month)} />
        </ChartCard>
        <ChartCard
          title={t('staff.reports.byLga')}
          columns={col(t('staff.registry.lga'))}
          rows={rows(summary.byLga, 'lga')}
        >
          <BarList rows={rows(summary.byLga, 'lga')} />
        </ChartCard>
        <ChartCard
          title={t('staff.reports.bySector')}
          note={t('staff.reports.sectorNote')}
          columns={col(t('staff.reports.sector'))}
          rows={rows(summary.bySector, 'sector')}
        >
          <BarList rows={rows(summary.bySector, 'sector')} />
        </ChartCard>
        <ChartCard
          title={t('staff.reports.topSkills')}
          columns={col(t('staff.reports.skill'))}
          rows={rows(summary.bySkill, 'skill')}
        >
          <BarList rows={rows(summary.bySkill, 'skill')} />
        </ChartCard>
        <ChartCard
          title={t('staff.reports.byEmployment')}
          columns={col(t('staff.reports.employment'))}
          rows={rows(summary.byEmploymentType, 'employment_type')}
        >
          <BarList rows={rows(summary.byEmploymentType, 'employment_type')} />
        </ChartCard>
        <ChartCard
          title={t('staff.reports.byGender')}
          columns={col(t('staff.respondent.gender'))}
          rows={rows(summary.byGender, 'gender')}
        >
          <BarList rows={rows(summary.byGender, 'gender')} />
        </ChartCard>
        <ChartCard
          title={t('staff.reports.byAge')}
          columns={col(t('staff.reports.ageBand'))}
          rows={rows(summary.byAgeBand, 'age_band')}
        >
          <BarList rows={rows(summary.byAgeBand, 'age_band')} />
        </ChartCard>
        <ChartCard
          title={t('staff.reports.byChannel')}
          columns={col(t('staff.review.channel'))}
          rows={rows(summary.byChannel, 'channel')}
        >
          <BarList rows={rows(summary.byChannel, 'channel')} />
        </ChartCard>
        <ChartCard
          title={t('staff.reports.byStatus')}
          columns={col(t('staff.registry.statusLabel'))}
          rows={rows(summary.byStatus, 'status')}
        >
          <BarList rows={rows(summary.byStatus, 'status')} />
        </ChartCard>
      </div>
    </div>
  );
}
