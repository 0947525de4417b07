import { useQuery } from '@tanstack/react-query';
import type { Insights as InsightsBody } from '@oslrs/core';
import { errorMessage } from '../../api/client';
import { reportKeys, reportsApi } from '../../api/reports';
import { Alert } from '../../components/Alert';
import { BarList, ChartCard, TimeColumns, type ChartRow } from '../../components/Charts';
import { PageHeading } from '../../components/Page';
import { formatDateTime } from '../../lib/format';

const MONTH = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
const col = (what: string): readonly [string, string] => [what, 'People registered'];

/** Public registration statistics (no sign-in). Small numbers are never shown: the API sends "fewer than 10". */
export default function Insights() {
  const query = useQuery({
    queryKey: reportKeys.insights,
    queryFn: ({ signal }) => reportsApi.insights(signal),
  });
  const data = query.data;
  return (
    <div className="mx-auto max-w-5xl px-4 py-8">
      <PageHeading>Registry insights</PageHeading>
      <p className="mt-2 max-w-3xl text-stone-800">
        How many people have registered across Oyo State, by Local Government Area, sector, gender, age and month. To
        protect privacy, any number under 10 is shown as &ldquo;fewer than 10&rdquo;, and some other numbers are held
        back too so that it cannot be worked out from the rest.
      </p>
      {query.isError && (
        <div className="mt-4">
          <Alert title="Could not load the statistics">
            <p>{errorMessage(query.error)}</p>
          </Alert>
        </div>
      )}
      {!data && !query.isError && <p className="mt-6">Loading…</p>}
      {data && <InsightCharts data={data} />}
    </div>
  );
}

function InsightCharts({ data }: { data: InsightsBody }) {
  const overTime: ChartRow[] = data.overTime.map((c) => ({
    ...c,
    label: /^\d{4}-\d{2}$/.test(c.key) ? MONTH.format(new Date(`${c.key}-15T12:00:00Z`)) : c.label,
  }));
  return (
    <>
      <section className="card mt-6" aria-labelledby="insights-total">
        <h2 id="insights-total" className="text-lg font-bold">
          People registered
        </h2>
        <p className="mt-1 text-4xl font-bold tabular-nums" data-insights-total>
          {data.total.display}
        </p>
        <p className="mt-1 text-sm text-stone-700">
          Updated {formatDateTime(data.generatedAt)}. Rejected registrations are not counted.
        </p>
      </section>
      <div className="mt-6 grid grid-cols-1 gap-6 md:grid-cols-2">
        <ChartCard className="md:col-span-2" title="Registrations per month" columns={col('Month')} rows={overTime}>
          <TimeColumns rows={overTime} />
        </ChartCard>
        <ChartCard title="By Local Government Area" columns={col('LGA')} rows={data.byLga}>
          <BarList rows={data.byLga} />
        </ChartCard>
        <ChartCard
          title="By sector"
          note="A person counts once in each sector their skills fall in."
          columns={col('Sector')}
          rows={data.bySector}
        >
          <BarList rows={data.bySector} />
        </ChartCard>
        <ChartCard title="By gender" columns={col('Gender')} rows={data.byGender}>
          <BarList rows={data.byGender} />
        </ChartCard>
        <ChartCard title="By age band" columns={col('Age band')} rows={data.byAgeBand}>
          <BarList rows={data.byAgeBand} />
        </ChartCard>
      </div>
    </>
  );
}
