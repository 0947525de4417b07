/**
 * The fraud checks' reads run for every ingested survey: each must be answered from its index, whatever
 * the table's size. On a test database the planner would pick a sequential scan of a few rows anyway, so
 * each query is explained with sequential scans and sorts priced out (`enable_seqscan`, `enable_sort`
 * off): a plan that still holds a Sort, or no scan of the index, is one the index cannot serve — as the
 * median's `order by completed_at desc` could not (NULLS FIRST, against an index ordered NULLS LAST),
 * which made it read all 1,000,000 seeded submissions (docs/capacity.md).
 */
import pg from 'pg';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/harness.js';
import { durationStatsQuery, fixesQuery, historyIdsQuery } from './repository.js';

let db: TestDatabase;
let client: pg.Client;
const dialect = new PgDialect();

beforeAll(async () => {
  db = await createTestDatabase();
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});
afterAll(async () => {
  await client.end();
  await db.drop();
});

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

async function planOf(query: SQL): Promise<PlanNode[]> {
  const { sql, params } = dialect.sqlToQuery(query);
  await client.query('begin');
  try {
    await client.query('set local enable_seqscan = off');
    await client.query('set local enable_sort = off');
    const r = await client.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`explain (format json) ${sql}`, params);
    const nodes: PlanNode[] = [];
    const walk = (n: PlanNode) => {
      nodes.push(n);
      n.Plans?.forEach(walk);
    };
    walk(r.rows[0]!['QUERY PLAN'][0]!.Plan);
    return nodes;
  } finally {
    await client.query('rollback');
  }
}

const ID = '01900000-0000-7000-8000-000000000001';
const BY = '01900000-0000-7000-8000-000000000002';
const day = { from: new Date('2026-12-06T23:00:00Z'), to: new Date('2026-12-07T23:00:00Z') };

describe('the fraud checks read from indexes', () => {
  it("the form's median duration: its latest 1,000 surveys in the version index's order, no sort", async () => {
    const nodes = await planOf(durationStatsQuery(ID));
    expect(nodes.map((n) => n['Index Name'])).toContain('submissions_version_completed_idx');
    expect(nodes.map((n) => n['Node Type'])).not.toContain('Sort');
  });

  it("a collector's 50 newest surveys: ids from the collector index alone (index-only), no sort", async () => {
    const nodes = await planOf(
      historyIdsQuery([
        { id: ID, submittedBy: BY, replaces: null, from: day.from, to: day.to },
        { id: BY, submittedBy: ID, replaces: ID, from: day.from, to: day.to },
      ]),
    );
    const scan = nodes.find((n) => n['Index Name'] === 'submissions_collector_idx');
    expect(scan?.['Node Type']).toBe('Index Only Scan');
    expect(nodes.map((n) => n['Node Type'])).not.toContain('Sort');
  });

  it("other collectors' fixes: the latitude bands and the day both tested in the GPS index", async () => {
    const nodes = await planOf(
      fixesQuery([
        { id: ID, submittedBy: BY, day, lat: { min: 7.1, max: 7.2 } },
        { id: BY, submittedBy: ID, day, lat: { min: 8.1, max: 8.2 } },
      ]),
    );
    const scans = nodes.filter((n) => n['Index Name'] === 'submissions_gps_lat_idx');
    expect(scans.length).toBeGreaterThan(0);
    // The day is tested in the index (the bands too where the table is big enough to be worth it).
    for (const s of scans) expect(s['Index Cond']).toMatch(/completed_at >=.*completed_at </);
    // No other index's bitmap (the day's whole range) is read beside it.
    expect(nodes.filter((n) => n['Index Name'] && n['Index Name'] !== 'submissions_gps_lat_idx')).toEqual([]);
  });
});
