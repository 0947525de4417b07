/** Every query on `report_rollups`: the reports module owns the table. */
import { sql, type SQL } from 'drizzle-orm';
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

  async isEmpty(executor: Executor): Promise<boolean> {
    return rowsOf(await executor.execute(sql`select 1 from report_rollups limit 1`)).length === 0;
  }

  async clear(tx: Executor): Promise<void> {
    await tx.execute(sql`delete from report_rollups`);
  }

  /**
   * Summary reads are many small index ranges: parallel workers cost more to start (~5 ms) than the
   * reads take, so the summary's transaction runs without them.
   */
  async serialReads(tx: Executor): Promise<void> {
    await tx.execute(sql`set local max_parallel_workers_per_gather = 0`);
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

  /**
   * The whole summary in one statement: sums per (dimension, key) in the slice's cell, totals per
   * LGA, channel and status (each across that column, the others as in the cell), and the totals
   * over time. Every branch reads one index range (equality on lga, channel, status, grain; a range
   * on period), so the work grows with the months and edge days asked for, not with the table.
   */
  async summary(
    executor: Executor,
    s: Slice,
    across: Across,
    interval: 'day' | 'month',
    cell: Across = { lga: [s.lga], channel: [s.channel], status: [s.status] },
  ) {
    const bucket = interval === 'day' ? sql`period` : sql`date_trunc('month', period)::date`;
    const timeRows =
      interval === 'day'
        ? sql`select period, count from report_rollups
               where ${cellWhere(cell)} and grain = 'd' and period >= ${s.from}::date and period <= ${s.to}::date and dim = 'total'`
        : rangeRows(cell, s, sql`period, count`, sql`dim = 'total'`);
    return rowsOf<{ part: string; key: string; sub: string; count: number }>(
      await executor.execute(sql`
        select 'dim' as part, dim as key, key as sub, sum(count)::int as count
          from (${rangeRows(cell, s, sql`dim, key, count`, sql`true`)}) x group by dim, key
        union all
        select 'lga', lga, '', sum(count)::int
          from (${rangeRows({ ...cell, lga: across.lga }, s, sql`lga, count`, sql`dim = 'total'`)}) x group by lga
        union all
        select 'channel', channel, '', sum(count)::int
          from (${rangeRows({ ...cell, channel: across.channel }, s, sql`channel, count`, sql`dim = 'total'`)}) x group by channel
        union all
        select 'status', status, '', sum(count)::int
          from (${rangeRows({ ...cell, status: across.status }, s, sql`status, count`, sql`dim = 'total'`)}) x group by status
        union all
        select 'time', (${bucket})::text, '', sum(count)::int from (${timeRows}) x group by 2`),
    );
  }
}

export interface Across {
  lga: readonly string[];
  channel: readonly string[];
  status: readonly string[];
}

function cellWhere(cells: Across) {
  const eq = (column: string, values: readonly string[]) =>
    values.length === 1
      ? sql`${sql.identifier(column)} = ${values[0]}`
      : sql`${sql.identifier(column)} = any(${textArray(values)})`;
  return sql`${eq('lga', cells.lga)} and ${eq('channel', cells.channel)} and ${eq('status', cells.status)}`;
}

/** The rollup rows of some cells over a slice's periods: whole months at month grain, edge days at day grain. */
function rangeRows(cells: Across, s: Slice, columns: SQL, extra: SQL) {
  const where = sql`${cellWhere(cells)} and ${extra}`;
  return sql`
    select ${columns} from report_rollups where ${where} and grain = 'm' and period >= ${s.monthFrom}::date and period < ${s.monthEnd}::date
    union all
    select ${columns} from report_rollups where ${where} and grain = 'd' and period >= ${s.from}::date and period < ${s.monthFrom}::date
    union all
    select ${columns} from report_rollups where ${where} and grain = 'd' and period >= ${s.monthEnd}::date and period <= ${s.to}::date`;
}
