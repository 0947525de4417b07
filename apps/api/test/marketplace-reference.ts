import type pg from 'pg';

/** A search as the reference takes it: the route's parameters, already valid. */
export interface ReferenceQuery {
  q?: string;
  skill?: string;
  sector?: string;
  lga?: string;
  minYears?: number;
  verified?: boolean;
}

/**
 * The marketplace search as first written (issue 12): every match ranked in one statement — tier 3
 * when the profession matches the text, 2 when the search text does, 1 for a near spelling of the
 * profession (trigram) — ordered by (tier desc, unverified, id) after a keyset (tier, unverified 0/1,
 * id). Too slow at a million profiles, but plainly right: the repository's faster search must return
 * exactly its rows in its order (search-exact.test.ts, and the benchmark's check).
 */
export async function referenceSearch(
  client: pg.Client | pg.Pool,
  f: ReferenceQuery,
  after: [number, number, string] | undefined,
  limit: number,
): Promise<{ id: string; tier: number }[]> {
  const args: unknown[] = [];
  const p = (v: unknown) => `$${args.push(v)}`;
  const where: string[] = [];
  if (f.skill) where.push(`p.skills @> array[${p(f.skill)}]::text[]`);
  if (f.sector) where.push(`p.sectors @> array[${p(f.sector)}]::text[]`);
  if (f.lga) where.push(`p.lga_code = ${p(f.lga)}`);
  if (f.minYears !== undefined && f.minYears > 0) where.push(`p.years_min >= ${p(f.minYears)}`);
  if (f.verified !== undefined) where.push(`p.verified = ${p(f.verified)}`);
  const text = f.q?.trim();
  if (!text) {
    if (after) where.push(`(not p.verified, p.id) > (${p(after[1] === 1)}, ${p(after[2])}::uuid)`);
    const { rows } = await client.query<{ id: string; tier: number }>(
      `select p.id, 0 as tier from marketplace_profiles p ${where.length ? `where ${where.join(' and ')}` : ''}
        order by not p.verified, p.id limit ${limit}`,
      args,
    );
    return rows;
  }
  const t = p(text);
  where.push(`(to_tsvector('english', p.search_text) @@ q.tsq or lower(p.profession) % q.lq)`);
  if (after)
    where.push(`(-t.tier, not p.verified, p.id) > (${p(-after[0])}, ${p(after[1] === 1)}, ${p(after[2])}::uuid)`);
  const { rows } = await client.query<{ id: string; tier: number }>(
    `with q as (select websearch_to_tsquery('english', ${t}) as tsq, lower(${t}) as lq)
     select p.id, t.tier from q, marketplace_profiles p
     cross join lateral (select case when to_tsvector('english', translate(p.profession, '/', ' ')) @@ q.tsq then 3
                                     when to_tsvector('english', p.search_text) @@ q.tsq then 2 else 1 end as tier) t
     where ${where.join(' and ')}
     order by t.tier desc, not p.verified, p.id limit ${limit}`,
    args,
  );
  return rows;
}
