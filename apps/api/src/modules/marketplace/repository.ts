import { and, desc, eq, gte, sql } from 'drizzle-orm';
import type { Executor } from '../../infra/db.js';
import { rowsOf } from '../../infra/db.js';
import { contactReveals, marketplaceProfiles, searchers } from '../../db/schema/marketplace.js';

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
   * of the profession (1, trigram); without text every row is tier 0 and the order is an index's.
   * Every filter is an indexed column; the keyset cursor makes page 1,000 cost what page 1 costs.
   */
  async search(executor: Executor, f: ProfileFilter, after: ProfileKey | undefined, limit: number) {
    const filters = [
      f.skill ? sql`p.skills @> array[${f.skill}]::text[]` : undefined,
      f.sector ? sql`p.sectors @> array[${f.sector}]::text[]` : undefined,
      f.lga ? sql`p.lga_code = ${f.lga}` : undefined,
      f.minYears !== undefined && f.minYears > 0 ? sql`p.years_min >= ${f.minYears}` : undefined,
      f.verified !== undefined ? sql`p.verified = ${f.verified}` : undefined,
    ].filter((x) => x !== undefined);
    const where = (extra: ReturnType<typeof sql>[]) => {
      const all = [...filters, ...extra];
      return all.length ? sql`where ${sql.join(all, sql` and `)}` : sql``;
    };
    if (!f.text) {
      const keyset = after ? [sql`(not p.verified, p.id) > (${after[1] === 1}, ${after[2]}::uuid)`] : [];
      return rowsOf<PageRow>(
        await executor.execute(sql`
          select ${PAGE_COLUMNS}, 0 as tier
          from marketplace_profiles p
          ${where(keyset)}
          order by not p.verified, p.id
          limit ${limit}`),
      );
    }
    const keyset = after
      ? [sql`(-t.tier, not p.verified, p.id) > (${-after[0]}, ${after[1] === 1}, ${after[2]}::uuid)`]
      : [];
    return rowsOf<PageRow>(
      await executor.execute(sql`
        with q as (select websearch_to_tsquery('english', ${f.text}) as tsq, lower(${f.text}) as lq)
        select ${PAGE_COLUMNS}, t.tier
        from q, marketplace_profiles p
        cross join lateral (
          select case
            when to_tsvector('english', p.profession) @@ q.tsq then 3
            when to_tsvector('english', p.search_text) @@ q.tsq then 2
            else 1
          end as tier
        ) t
        ${where([sql`(to_tsvector('english', p.search_text) @@ q.tsq or lower(p.profession) % q.lq)`, ...keyset])}
        order by t.tier desc, not p.verified, p.id
        limit ${limit}`),
    );
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
      .orderBy(desc(contactReveals.createdAt))
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
