import { and, eq, gte, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../infra/db.js';
import { newestFirst, rowsOf } from '../../infra/db.js';
import { contactReveals, marketplaceProfessions, marketplaceProfiles, searchers } from '../../db/schema/marketplace.js';

export type ProfileRow = typeof marketplaceProfiles.$inferSelect;
export type NewProfile = Omit<typeof marketplaceProfiles.$inferInsert, 'id' | 'updatedAt'>;
export type SearcherRow = typeof searchers.$inferSelect;

/** A search's filters, already checked; `text` is the trimmed free text (or undefined). */
export interface ProfileFilter {
  text?: string;
  skill?: string;
  sector?: string;
  lga?: string;
  minYears?: number;
  verified?: boolean;
}
/** The sort key of the last row of the previous page: (tier, unverified 0/1, id). */
export type ProfileKey = [number, number, string];

const P = marketplaceProfiles;

/** A text[] literal as one parameter (drizzle would spread a JS array into a list). */
const arr = (values: readonly string[]) =>
  sql`${`{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`}::text[]`;

export interface SearchTuning {
  /** Index entries a tier reads in page order before it looks the matches up instead (see tierPage). */
  scanBudget: number;
  /** Matches a tier sorts itself, when they are too rare to meet in page order. */
  matchCap: number;
}
const TUNING: SearchTuning = { scanBudget: 2_000, matchCap: 4_000 };
/** Matches within one budget that make reading on in page order cheaper than looking them up. */
const SPARSE_HITS = 3;

/** The columns a page needs (never respondent_id: it does not leave this module). */
const PAGE_COLUMNS = sql`p.id, p.profession, p.skills, p.lga_code, p.experience, p.years_min, p.verified, p.bio`;
export interface PageRow {
  id: string;
  profession: string;
  skills: string[];
  lga_code: string;
  experience: string | null;
  years_min: number;
  verified: boolean;
  bio: string | null;
  tier: number;
}

export class MarketplaceRepository {
  /** `tuning` only for tests, which make every path of tierPage run on a small table. */
  constructor(private readonly tuning: SearchTuning = TUNING) {}

  /**
   * Professions (sorted by the caller) added unless known: the trigger's insert, done ahead. Only the
   * professions not yet known are inserted: one already committed is not touched, so a batch
   * holds no lock on it and concurrent batches listing the same professions never wait on each other.
   */
  async noteProfessions(tx: Executor, professions: string[]): Promise<void> {
    await tx.execute(sql`
      insert into ${marketplaceProfessions} (profession)
      select p from jsonb_array_elements_text(${JSON.stringify(professions)}::jsonb) with ordinality as u(p, n)
       where not exists (select 1 from ${marketplaceProfessions} m where m.profession = u.p)
       order by n
      on conflict do nothing`);
  }

  /** Many profiles in one statement (an ingestion batch's new records): inserted, or changed if present. */
  async upsertProfiles(tx: Executor, rows: (NewProfile & { id: string })[]): Promise<void> {
    if (!rows.length) return;
    // The rows as one JSON parameter: one short statement however many rows (no multi-row VALUES to build).
    const json = rows.map((r) => ({
      id: r.id,
      respondent_id: r.respondentId,
      profession: r.profession,
      skills: r.skills,
      sectors: r.sectors,
      lga_code: r.lgaCode,
      experience: r.experience ?? null,
      years_min: r.yearsMin ?? 0,
      verified: r.verified ?? false,
      bio: r.bio ?? null,
      search_text: r.searchText,
    }));
    await tx.execute(sql`
      insert into ${P} (id, respondent_id, profession, skills, sectors, lga_code, experience, years_min, verified, bio,
                        search_text)
      select * from jsonb_to_recordset(${JSON.stringify(json)}::jsonb)
        as v(id uuid, respondent_id uuid, profession text, skills text[], sectors text[], lga_code text,
             experience text, years_min smallint, verified boolean, bio text, search_text text)
      on conflict (respondent_id) do update
         set profession = excluded.profession, skills = excluded.skills, sectors = excluded.sectors,
             lga_code = excluded.lga_code, experience = excluded.experience, years_min = excluded.years_min,
             verified = excluded.verified, bio = excluded.bio, search_text = excluded.search_text,
             updated_at = now()`);
  }

  /**
   * Insert or refresh a respondent's profile. The id is drawn once (random) and kept across updates, so
   * a link to a profile stays valid while the worker stays listed.
   */
  async upsertProfile(tx: Executor, id: string, values: NewProfile): Promise<void> {
    await tx
      .insert(P)
      .values({ id, ...values })
      .onConflictDoUpdate({
        target: P.respondentId,
        set: {
          profession: values.profession,
          skills: values.skills,
          sectors: values.sectors,
          lgaCode: values.lgaCode,
          experience: values.experience,
          yearsMin: values.yearsMin,
          verified: values.verified,
          bio: values.bio,
          searchText: values.searchText,
          updatedAt: sql`now()`,
        },
      });
  }

  /** Up to `max` profiles counted (a cheap "is there any"). */
  async count(executor: Executor, max: number): Promise<number> {
    const rows = rowsOf<{ n: number }>(
      await executor.execute(sql`select count(*)::int as n from (select 1 from marketplace_profiles limit ${max}) x`),
    );
    return rows[0]?.n ?? 0;
  }

  async deleteProfile(tx: Executor, respondentId: string): Promise<boolean> {
    const rows = await tx.delete(P).where(eq(P.respondentId, respondentId)).returning({ id: P.id });
    return rows.length > 0;
  }

  async profileOf(executor: Executor, respondentId: string): Promise<ProfileRow | undefined> {
    const [row] = await executor.select().from(P).where(eq(P.respondentId, respondentId));
    return row;
  }

  async findProfile(executor: Executor, id: string): Promise<ProfileRow | undefined> {
    const [row] = await executor.select().from(P).where(eq(P.id, id));
    return row;
  }

  /**
   * One page of the public search, ordered by (tier desc, verified first, id): with free text the tier
   * ranks a match in the profession (3) above one in the skills or sectors (2) above a near spelling
   * of the profession (1, trigram); without text every row is tier 0.
   *
   * At 1,000,000 profiles a query can match a seventh of them ("tailor"), so a page is never found by
   * ranking every match. The text is first resolved against the distinct professions (a small table the
   * database keeps, migration 0022): which professions the query matches (tier 3) and which are near
   * spellings (tier 1). Each tier is then a plain condition, read in the page's order from an index
   * that carries every filtered column, tier 3 first, stopping once the page is full. See `tierPage`.
   */
  async search(executor: Executor, f: ProfileFilter, after: ProfileKey | undefined, limit: number): Promise<PageRow[]> {
    const filters = [
      f.skill ? sql`p.skills @> array[${f.skill}]::text[]` : undefined,
      f.sector ? sql`p.sectors @> array[${f.sector}]::text[]` : undefined,
      f.lga ? sql`p.lga_code = ${f.lga}` : undefined,
      f.minYears !== undefined && f.minYears > 0 ? sql`p.years_min >= ${f.minYears}` : undefined,
      f.verified !== undefined ? sql`p.verified = ${f.verified}` : undefined,
    ].filter((x) => x !== undefined);
    const keyOf = (tier: number) => (after && after[0] === tier ? after : undefined);
    // A range of one of the covering indexes to read in page order: a single profession, else the LGA.
    const lgaRange = f.lga ? sql`p.lga_code = ${f.lga}` : undefined;
    if (!f.text) return this.tierPage(executor, 0, sql`true`, filters, lgaRange, keyOf(0), limit);

    // Immutable, so the planner sees the query's lexemes (and their statistics), not a parameter.
    const tsq = sql`websearch_to_tsquery('english', ${f.text})`;
    const [terms] = rowsOf<{ t3: string[]; near: string[] }>(
      await executor.execute(sql`
        select coalesce((select array_agg(m.profession) from marketplace_professions m
                          where to_tsvector('english', translate(m.profession, '/', ' ')) @@ ${tsq}), '{}') as t3,
               coalesce((select array_agg(m.profession) from marketplace_professions m
                          where lower(m.profession) % lower(${f.text})), '{}') as near`),
    );
    const { t3, near } = terms!;
    const near1 = near.filter((x) => !t3.includes(x));
    const oneOf = (xs: string[]) => (xs.length === 1 ? sql`p.profession = ${xs[0]}` : undefined);
    const tiers: [number, SQL | undefined, SQL | undefined][] = [
      // to_tsvector(profession) matches, and the row matches at all (search text, or a near profession)
      [
        3,
        t3.length
          ? sql`p.profession = any(${arr(t3)}) and (p.search_tsv @@ ${tsq} or p.profession = any(${arr(near)}))`
          : undefined,
        oneOf(t3),
      ],
      [2, sql`p.search_tsv @@ ${tsq} and p.profession <> all(${arr(t3)})`, undefined],
      // lower(profession) % lower(text), and neither tier above
      [
        1,
        near1.length ? sql`p.profession = any(${arr(near1)}) and not p.search_tsv @@ ${tsq}` : undefined,
        oneOf(near1),
      ],
    ];
    const page: PageRow[] = [];
    for (const [tier, cond, range] of tiers) {
      if (!cond || page.length >= limit || (after && tier > after[0])) continue;
      page.push(
        ...(await this.tierPage(executor, tier, cond, filters, range ?? lgaRange, keyOf(tier), limit - page.length)),
      );
    }
    return page;
  }

  /**
   * Up to `limit` rows of one tier in page order (unverified last, then id), after `after`. Exact
   * whatever the statistics say, and cheap whether a seventh of the table matches or a handful:
   * 1. the next `scanBudget` entries in page order of a covering index, filtered inside the index (an
   *    index-only scan): of one profession's or one LGA's range when `range` names one, else of all
   *    profiles. Enough when at least ~1 in 100 rows of the range match, or the range ends sooner;
   * 2. else, with a few matches in that budget (SPARSE_HITS), the same without a budget: the page is
   *    a few budgets further on;
   * 3. else the matches are rare: collect up to `matchCap` of them through the condition's own indexes
   *    (GIN, btree) and sort them; more than that (rare here, common further on) is step 2 again.
   */
  private async tierPage(
    executor: Executor,
    tier: number,
    cond: SQL,
    filters: SQL[],
    range: SQL | undefined,
    after: ProfileKey | undefined,
    limit: number,
  ): Promise<PageRow[]> {
    const keyset = after ? sql`(not p.verified, p.id) > (${after[1] === 1}, ${after[2]}::uuid)` : sql`true`;
    const where = sql.join([cond, ...filters], sql` and `);
    const inPageOrder = async (budget: number) =>
      rowsOf<PageRow>(
        await executor.execute(sql`
          select ${PAGE_COLUMNS}, ${tier}::int as tier from (
            select p.id, p.unverified from (
              select not p.verified as unverified, p.id, p.verified, p.profession, p.search_tsv, p.skills,
                     p.sectors, p.lga_code, p.years_min
              from marketplace_profiles p where ${range ?? sql`true`} and ${keyset}
              order by not p.verified, p.id limit ${budget}) p
            where ${where}
            order by p.unverified, p.id limit ${limit}) s
          join marketplace_profiles p on p.id = s.id
          order by s.unverified, s.id`),
      );
    const { scanBudget, matchCap } = this.tuning;
    const first = await inPageOrder(scanBudget);
    if (first.length === limit) return first;
    // Too few: was the range shorter than the budget (then `first` is all there is), or are matches sparse?
    const [{ entries }] = rowsOf<{ entries: number }>(
      await executor.execute(sql`
        select count(*)::int as entries from (
          select 1 from marketplace_profiles p where ${range ?? sql`true`} and ${keyset}
          order by not p.verified, p.id limit ${scanBudget}) p`),
    ) as [{ entries: number }];
    if (entries < scanBudget) return first;
    // A few per budget: the page is a few budgets further on in page order.
    if (first.length >= SPARSE_HITS) return inPageOrder(1_000_000_000);
    const few = rowsOf<PageRow & { matched: number }>(
      await executor.execute(sql`
        with m as materialized (
          select p.id, not p.verified as unverified from marketplace_profiles p
          where ${where} and ${keyset} limit ${matchCap + 1})
        select ${PAGE_COLUMNS}, ${tier}::int as tier, (select count(*) from m)::int as matched
        from (select * from m order by unverified, id limit ${limit}) s
        join marketplace_profiles p on p.id = s.id
        order by s.unverified, s.id`),
    );
    if (!few.length || few[0]!.matched <= matchCap) return few.map(({ matched: _, ...row }) => row);
    return inPageOrder(1_000_000_000);
  }

  // --- searchers --------------------------------------------------------------------------------

  async insertSearcher(tx: Executor, values: typeof searchers.$inferInsert): Promise<void> {
    await tx.insert(searchers).values(values);
  }

  async searcher(executor: Executor, userId: string): Promise<SearcherRow | undefined> {
    const [row] = await executor.select().from(searchers).where(eq(searchers.userId, userId));
    return row;
  }

  /** The searcher row locked for a reveal: concurrent reveals of one searcher queue, so the cap holds. */
  async lockSearcher(tx: Executor, userId: string): Promise<SearcherRow | undefined> {
    const [row] = await tx.select().from(searchers).where(eq(searchers.userId, userId)).for('update');
    return row;
  }

  async lockSearcherByToken(tx: Executor, tokenHash: string): Promise<SearcherRow | undefined> {
    const [row] = await tx.select().from(searchers).where(eq(searchers.verifyTokenHash, tokenHash)).for('update');
    return row;
  }

  async updateSearcher(tx: Executor, userId: string, values: Partial<typeof searchers.$inferInsert>): Promise<void> {
    await tx.update(searchers).set(values).where(eq(searchers.userId, userId));
  }

  // --- reveals ----------------------------------------------------------------------------------

  async insertReveal(tx: Executor, values: typeof contactReveals.$inferInsert): Promise<void> {
    await tx.insert(contactReveals).values(values);
  }

  /** Distinct profiles this searcher revealed since `since` (a repeat reveal does not use the day's allowance). */
  async revealsSince(
    executor: Executor,
    searcherId: string,
    since: Date,
  ): Promise<{ count: number; profiles: string[] }> {
    const rows = await executor
      .selectDistinct({ profileId: contactReveals.profileId })
      .from(contactReveals)
      .where(and(eq(contactReveals.searcherId, searcherId), gte(contactReveals.createdAt, since)));
    return { count: rows.length, profiles: rows.map((r) => r.profileId) };
  }

  /** Who revealed this respondent's contact, newest first (their own page); names come from auth. */
  async revealsOf(executor: Executor, respondentId: string, limit = 100) {
    return executor
      .select({
        at: contactReveals.createdAt,
        purpose: contactReveals.purpose,
        searcherId: contactReveals.searcherId,
        organisation: searchers.organisation,
      })
      .from(contactReveals)
      .leftJoin(searchers, eq(searchers.userId, contactReveals.searcherId))
      .where(eq(contactReveals.respondentId, respondentId))
      .orderBy(newestFirst(contactReveals.createdAt))
      .limit(limit);
  }

  /** The super admin's log: newest first, keyset on (created_at, id). */
  async revealLog(executor: Executor, after: [string, string] | undefined, limit: number) {
    return rowsOf<{
      id: string;
      at: string;
      at_key: string;
      searcher_id: string;
      organisation: string | null;
      profile_id: string;
      respondent_id: string;
      purpose: string;
      ip: string | null;
    }>(
      await executor.execute(sql`
        select r.id, r.created_at as at, r.created_at::text as at_key, r.searcher_id, s.organisation,
               r.profile_id, r.respondent_id, r.purpose, r.ip
        from contact_reveals r
        left join searchers s on s.user_id = r.searcher_id
        ${after ? sql`where (r.created_at, r.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql``}
        order by r.created_at desc, r.id desc
        limit ${limit}`),
    );
  }
}
