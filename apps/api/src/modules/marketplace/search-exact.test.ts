import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createPostgres, type Database } from '../../infra/db.js';
import { createTestDatabase, type TestDatabase } from '../../../test/harness.js';
import { referenceSearch, type ReferenceQuery } from '../../../test/marketplace-reference.js';
import { seedMarketplace } from '../../../../../tests/load/seed-marketplace.js';
import { MarketplaceRepository, type ProfileKey } from './repository.js';

/**
 * The search reads pages tier by tier from covering indexes, with a scan budget and a lookup of the
 * rare matches (repository.ts, tierPage). Whatever path a page takes, it must hold exactly the rows
 * of the reference ranking (every match ranked in one statement), in the same order, page after page.
 * Small budgets make every path run on a small table.
 */
let target: TestDatabase;
let database: Database;
let client: pg.Client;

beforeAll(async () => {
  target = await createTestDatabase();
  await seedMarketplace(target.url, { profiles: 2500, log: () => {} });
  client = new pg.Client({ connectionString: target.url });
  await client.connect();
  // Free-text professions beside the skill labels (the trigger lists each one, also on update).
  await client.query(`
    insert into marketplace_profiles (id, respondent_id, profession, skills, sectors, lga_code, search_text)
    select gen_random_uuid(), gen_random_uuid(), prof, array['tailoring'], array['FBP'], 'ibadan_north',
           prof || ' · Tailoring/Sewing · Fashion, Beauty & Personal Care'
      from unnest(array['Tailor', 'tailor', 'Taylor', 'Fashion designer and tailor', 'Mechanic (auto)', 'Sewing']) prof,
           generate_series(1, 15)`);
  await client.query(`update marketplace_profiles set profession = 'Tailoress' where profession = 'Taylor'`);
  await client.query('analyze marketplace_profiles');
  database = createPostgres(target.url, 2);
});

afterAll(async () => {
  await client?.end();
  await database?.close();
  await target?.drop();
});

const QUERIES: ReferenceQuery[] = [
  {},
  { q: 'tailor' },
  { q: 'tailoress' },
  { q: 'tailer' },
  { q: 'sewing' },
  { q: 'auto mechanic' },
  { q: 'mechanic -auto' },
  { q: '"fashion design"' },
  { q: 'construction' },
  { q: 'borehole' },
  { q: 'the' },
  { q: 'zzzz' },
  { skill: 'tailoring', lga: 'ibadan_north' },
  { skill: 'welding', lga: 'saki_west' },
  { sector: 'CON' },
  { sector: 'MQE', minYears: 4 },
  { verified: true, lga: 'oyo_east' },
  { q: 'plumbing', lga: 'oyo_east', minYears: 4 },
  { q: 'tailor', verified: false, sector: 'FBP' },
];

const TUNINGS = [
  { name: 'as configured', repo: new MarketplaceRepository() },
  { name: 'small budget', repo: new MarketplaceRepository({ scanBudget: 40, matchCap: 30 }) },
  { name: 'tiny budget', repo: new MarketplaceRepository({ scanBudget: 1, matchCap: 1 }) },
];

describe('marketplace search: the same rows in the same order as the reference ranking', () => {
  it('the trigger lists every profession, also one changed by an update', async () => {
    const { rows } = await client.query<{ missing: number }>(
      `select count(*)::int as missing from (select distinct profession from marketplace_profiles) p
        where not exists (select 1 from marketplace_professions m where m.profession = p.profession)`,
    );
    expect(rows[0]!.missing).toBe(0);
    expect((await client.query(`select 1 from marketplace_professions where profession = 'Tailoress'`)).rowCount).toBe(
      1,
    );
  });

  for (const { name, repo } of TUNINGS) {
    it(`every page of every query (${name})`, async () => {
      const limit = 13;
      for (const query of QUERIES) {
        let after: ProfileKey | undefined;
        for (let pageNo = 1; pageNo <= 12; pageNo++) {
          const want = await referenceSearch(client, query, after, limit + 1);
          const got = await repo.search(
            database.db,
            { ...query, text: query.q?.trim() || undefined },
            after,
            limit + 1,
          );
          const label = `${JSON.stringify(query)} page ${pageNo}`;
          expect(
            got.map((r) => [r.id, Number(r.tier)]),
            label,
          ).toEqual(want.map((r) => [r.id, Number(r.tier)]));
          if (got.length <= limit) break;
          const last = got[limit - 1]!;
          after = [Number(last.tier), last.verified ? 0 : 1, last.id];
        }
      }
    });
  }
});
