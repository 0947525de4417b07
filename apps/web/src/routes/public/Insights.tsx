import { useQuery } from '@tanstack/react-query';
import type { Insights as InsightsBody } from '@oslrs/core';
import { errorMessage } from '../../api/client';
import { reportKeys, reportsApi } from '../../api/reports';
import { Alert } from '../../components/Alert';
import { BarList, ChartCard, formatCount, TimeColumns, type ChartRow } from '../../components/Charts';
import { PageHeading } from '../../components/Page';
import { formatDateTime } from '../../lib/format';
import { useT } from '../../i18n';
import { breakdownRow } from '../../lib/taxonomy';

/** Public registration statistics (no sign-in). Small numbers are never shown: the API sends "fewer than 10". */
export default function Insights() {
  const { t } = useT();
  const query = useQuery({
    queryKey: reportKeys.insights,
    queryFn: ({ signal }) => reportsApi.insights(signal),
  });
  const data = query.data;
  return (
    <div className="mx-auto max-w-5xl px-4 py-8">
      <PageHeading>{t('public.insights.title')}</PageHeading>
      <p className="mt-2 max-w-3xl text-stone-800">{t('public.insights.lead')}</p>
      {query.isError && (
        <div className="mt-4">
          <Alert title={t('public.insights.error')}>
            <p>{errorMessage(query.error)}</p>
          </Alert>
        </div>
      )}
      {!data && !query.isError && <p className="mt-6">{t('public.insights.loading')}</p>}
      {data && <InsightCharts data={data} />}
    </div>
  );
}

type Cell = InsightsBody['total'];

function InsightCharts({ data }: { data: InsightsBody }) {
  const { t, date } = useT();
  const col = (what: string): readonly [string, string] => [what, t('public.insights.colCount')];
  // A hidden cell says so in the reader's language; a shown one is the number as they write it.
  const display = (c: Cell) =>
    c.suppressed || c.count === null ? t('public.insights.fewerThan') : formatCount(c.count);
  const rows = (cells: Cell[], breakdown: 'lga' | 'sector' | 'gender' | 'age_band'): ChartRow[] =>
    cells.map((c) => ({ ...breakdownRow(t, breakdown, c), display: display(c) }));
  const byLga = rows(data.byLga, 'lga');
  const bySector = rows(data.bySector, 'sector');
  const byGender = rows(data.byGender, 'gender');
  const byAgeBand = rows(data.byAgeBand, 'age_band');
  const overTime: ChartRow[] = data.overTime.map((c) => ({
    ...c,
    display: display(c),
    label: /^\d{4}-\d{2}$/.test(c.key)
      ? date(`${c.key}-15T12:00:00Z`, { month: 'short', year: 'numeric', timeZone: 'UTC' })
      : c.label,
  }));
  return (
    <>
      <section className="card mt-6" aria-labelledby="insights-total">
        <h2 id="insights-total" className="text-lg font-bold">
          {t('public.insights.total')}
        </h2>
        <p className="mt-1 text-4xl font-bold tabular-nums" data-insights-total>
          {display(data.total)}
        </p>
        <p className="mt-1 text-sm text-stone-700">
          {t('public.insights.updated', { when: formatDateTime(data.generatedAt) })}
        </p>
      </section>
      <div className="mt-6 grid grid-cols-1 gap-6 md:grid-cols-2">
        <ChartCard
          className="md:col-span-2"
          title={t('public.insights.perMonth')}
          columns={col(t('public.insights.colMonth'))}
          rows={overTime}
        >
          <TimeColumns rows={overTime} />
        </ChartCard>
        <ChartCard title={t('public.insights.byLga')} columns={col(t('public.insights.colLga'))} rows={byLga}>
          <BarList rows={byLga} />
        </ChartCard>
        <ChartCard
          title={t('public.insights.bySector')}
          note={t('public.insights.sectorNote')}
          columns={col(t('public.insights.colSector'))}
          rows={bySector}
        >
          <BarList rows={bySector} />
        </ChartCard>
        <ChartCard title={t('public.insights.byGender')} columns={col(t('public.insights.colGender'))} rows={byGender}>
          <BarList rows={byGender} />
        </ChartCard>
        <ChartCard title={t('public.insights.byAge')} columns={col(t('public.insights.colAge'))} rows={byAgeBand}>
          <BarList rows={byAgeBand} />
        </ChartCard>
      </div>
    </>
  );
}
