import { sql } from 'drizzle-orm';
import { check, date, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/**
 * Report rollups (reports module), maintained by ingestion in the transaction that creates or
 * changes a respondent (reports.recordRespondent), and rebuilt from respondents by
 * `npm run reports:rebuild`.
 *
 * One row counts the respondents registered in a period (`grain` d = a day, m = a calendar month;
 * `period` its first day, Africa/Lagos) with one LGA, channel and status, under one dimension key
 * (total, gender, age band, employment type, sector, skill). `lga`, `channel` and `status` may be
 * `*` (any): every respondent is counted in all eight combinations, so a query with any filter
 * combination reads one small slice (whole months, plus the days at the range's edges) instead of
 * summing across the unfiltered columns.
 */
export const reportRollups = pgTable(
  'report_rollups',
  {
    lga: text('lga').notNull(),
    channel: text('channel').notNull(),
    status: text('status').notNull(),
    grain: text('grain').notNull(),
    period: date('period').notNull(),
    dim: text('dim').notNull(),
    key: text('key').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [
    primaryKey({ name: 'report_rollups_pk', columns: [t.lga, t.channel, t.status, t.grain, t.period, t.dim, t.key] }),
    check('report_rollups_grain_ck', sql`${t.grain} in ('d', 'm')`),
    // Totals across one filter column (by LGA, channel, status) and over time read only `total` rows.
    index('report_rollups_total_idx')
      .on(t.lga, t.channel, t.status, t.grain, t.period)
      .where(sql`${t.dim} = 'total'`),
  ],
);
