/** Every query on `report_rollups`: the reports module owns the table. */
import { sql } from 'drizzle-orm';
import { reportRollups } from '../../db/schema/reports.js';
import { rowsOf, type Executor } from '../../infra/db.js';

export interface RollupDelta {
  lga: string;
  channel: string;
  status: string;
  grain: 'd' | 'm';
  period: string;
  dim: string;
  key: string;
  count: number;
}

/** The slice a query reads: a value or `*` for each filterable column, and a period decomposition. */
export interface Slice {
  lga: string;
  channel: string;
  status: string;
  /** Whole months [monthFrom, monthEnd) read at month grain; the days [from, monthFrom) and [monthEnd, to] at day grain. */
  from: string;
  to: string;
  monthFrom: string;
  monthEnd: string;
}

const periodClause = (s: Slice) => sql`(
  (${reportRollups.grain} = 'm' and ${reportRollups.period} >= ${s.monthFrom}::date and ${reportRollups.period} < ${s.monthEnd}::date)
  or (${reportRollups.grain} = 'd' and ${reportRollups.period} >= ${s.from}::date and ${reportRollups.period} < ${s.monthFrom}::date)
  or (${reportRollups.grain} = 'd' and ${reportRollups.period} >= ${s.monthEnd}::date and ${reportRollups.period} <= ${s.to}::date))`;

const textArray = (values: readonly string[]) =>
  sql`${`{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`}::text[]`;

export class ReportRepository {
  /**
   * Add (or subtract) counts. One statement; rows in a fixed order so concurrent ingestions take the
   * shared `*` rows' locks in the same order (no deadlocks between them).
   */
  async apply(tx: Executor, deltas: RollupDelta[]): Promise<void> {
    if (!deltas.length) return;
    const col = <K extends keyof RollupDelta>(k: K) => deltas.map((d) => d[k]);
    await tx.execute(sql`
      insert into report_rollups (lga, channel, status, grain, period, dim, key, count)
      select * from unnest(${textArray(col('lga'))}, ${textArray(col('channel'))}, ${textArray(col('status'))},
                           ${textArray(col('grain'))}, ${textArray(col('period'))}::date[], ${textArray(col('dim'))},
                           ${textArray(col('key'))}, ${`{${col('count').join(',')}}`}::int[])
      on conflict on constraint report_rollups_pk do update set count = report_rollups.count + excluded.count`);
  }

  async clear(tx: Executor): Promise<void> {
    await tx.execute(sql`delete from report_rollups`);
  }

  /** The first month with any registration in this slice (for open-ended ranges). */
  async firstMonth(executor: Executor, lga: string, channel: string, status: string): Promise<string | null> {
    const [row] = rowsOf<{ first: string | null }>(
      await executor.execute(sql`
        select min(period)::text as first from report_rollups
         where lga = ${lga} and channel = ${channel} and status = ${status} and grain = 'm' and count <> 0`),
    );
    return row?.first ?? null;
  }

  /** Sums per (dimension, key) over the slice. */
  async byDimension(executor: Executor, s: Slice) {
    return rowsOf<{ dim: string; key: string; count: number }>(
      await executor.execute(sql`
        select dim, key, sum(count)::int as count from report_rollups
         where lga = ${s.lga} and channel = ${s.channel} and status = ${s.status} and ${periodClause(s)}
         group by dim, key`),
    );
  }

  /** Totals per value of one filter column (the others as in the slice). */
  async totalsAcross(executor: Executor, s: Slice, column: 'lga' | 'channel' | 'status', values: readonly string[]) {
    const where = {
      lga: sql`lga = any(${textArray(column === 'lga' ? values : [s.lga])})`,
      channel: sql`channel = any(${textArray(column === 'channel' ? values : [s.channel])})`,
      status: sql`status = any(${textArray(column === 'status' ? values : [s.status])})`,
    };
    return rowsOf<{ key: string; count: number }>(
      await executor.execute(sql`
        select ${sql.identifier(column)} as key, sum(count)::int as count from report_rollups
         where ${where.lga} and ${where.channel} and ${where.status} and dim = 'total' and ${periodClause(s)}
         group by 1`),
    );
  }

  /** Registrations per day, or per month (the edge days folded into their month). */
  async overTime(executor: Executor, s: Slice, interval: 'day' | 'month') {
    const bucket = interval === 'day' ? sql`period` : sql`date_trunc('month', period)::date`;
    const periods =
      interval === 'day' ? sql`grain = 'd' and period >= ${s.from}::date and period <= ${s.to}::date` : periodClause(s);
    return rowsOf<{ date: string; count: number }>(
      await executor.execute(sql`
        select ${bucket}::text as date, sum(count)::int as count from report_rollups
         where lga = ${s.lga} and channel = ${s.channel} and status = ${s.status} and dim = 'total' and ${periods}
         group by 1 order by 1`),
    );
  }
}
