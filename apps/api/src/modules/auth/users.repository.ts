/**
 * Every query on `users` outside sign-in itself: the auth module owns the accounts table, and the
 * staff module administers staff accounts through this repository (never through the table).
 */
import { and, count, desc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import { STAFF_PREDICATE, STAFF_SEARCH_TEXT, users } from '../../db/schema/users.js';
import { rowsOf, type Executor } from '../../infra/db.js';

export type UserRow = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;

/** A field staff member as a team list shows them. */
export interface TeamPerson {
  id: string;
  fullName: string;
  role: string;
  lgaCode: string | null;
  status: string;
}

/** The staff list's name for its cached totals (infra/list-count.ts): every write to staff retires them. */
export const STAFF_LIST = 'staff';

export interface StaffFilter {
  status?: string;
  role?: string;
  lga?: string;
  /** Free text over name, email and phone (a trigram-indexed expression). */
  q?: string;
}

function staffWhere(f: StaffFilter): SQL | undefined {
  const where: SQL[] = [STAFF_PREDICATE];
  if (f.status) where.push(eq(users.status, f.status));
  if (f.role) where.push(eq(users.role, f.role));
  if (f.lga) where.push(eq(users.lgaCode, f.lga));
  if (f.q) {
    // The search text is data, never pattern: escape LIKE's wildcards.
    const pattern = `%${f.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(sql`${STAFF_SEARCH_TEXT} like ${pattern}`);
  }
  return and(...where);
}

export class UserRepository {
  async insert(tx: Executor, values: NewUser): Promise<UserRow> {
    const [row] = await tx.insert(users).values(values).returning();
    return row!;
  }

  /** Many at once; emails taken meanwhile (a concurrent invite) are skipped, not errors. */
  async insertMany(tx: Executor, values: NewUser[]): Promise<UserRow[]> {
    if (!values.length) return [];
    return tx.insert(users).values(values).onConflictDoNothing().returning();
  }

  async update(tx: Executor, id: string, set: Partial<NewUser>): Promise<UserRow | undefined> {
    const [row] = await tx.update(users).set(set).where(eq(users.id, id)).returning();
    return row;
  }

  /** The accounts a staff CSV import created that are still not activated, locked for the caller's transaction. */
  async importedInvitees(tx: Executor, importJobId: string): Promise<UserRow[]> {
    return tx
      .select()
      .from(users)
      .where(and(eq(users.importJobId, importJobId), eq(users.status, 'invited'), STAFF_PREDICATE))
      .orderBy(users.createdAt, users.id)
      .for('update');
  }

  /** New activation tokens (hashed) for many accounts at once; the old links stop working. */
  async setActivationTokens(tx: Executor, tokens: { id: string; hash: string }[], expiresAt: Date): Promise<void> {
    if (!tokens.length) return;
    // Array literals (uuids and hex hashes need no quoting): drizzle would spread a JS array into a list.
    const ids = `{${tokens.map((t) => t.id).join(',')}}`;
    const hashes = `{${tokens.map((t) => t.hash).join(',')}}`;
    await tx.execute(sql`
      update ${users} set activation_token_hash = v.hash, activation_expires_at = ${expiresAt}, updated_at = now()
      from unnest(${ids}::uuid[], ${hashes}::text[]) as v(id, hash)
      where ${users.id} = v.id`);
  }

  /** The staff account holding an ID card number (the public card check). */
  async findStaffByCard(executor: Executor, cardNumber: string): Promise<UserRow | undefined> {
    const [row] = await executor
      .select()
      .from(users)
      .where(and(eq(users.cardNumber, cardNumber), STAFF_PREDICATE))
      .limit(1);
    return row;
  }

  /** A staff account (never a resident or searcher), optionally locked for the caller's transaction. */
  async findStaff(executor: Executor, id: string, lock = false): Promise<UserRow | undefined> {
    const q = executor
      .select()
      .from(users)
      .where(and(eq(users.id, id), STAFF_PREDICATE))
      .limit(1);
    const [row] = lock ? await q.for('update') : await q;
    return row;
  }

  async listStaff(executor: Executor, f: StaffFilter, page: { limit: number; offset: number }): Promise<UserRow[]> {
    return executor
      .select()
      .from(users)
      .where(staffWhere(f))
      .orderBy(desc(users.createdAt), desc(users.id))
      .limit(page.limit)
      .offset(page.offset);
  }

  /** How many staff match; with `cap`, reads at most `cap` rows (so answers at most `cap`). */
  async countStaff(executor: Executor, f: StaffFilter, cap?: number): Promise<number> {
    if (cap === undefined) {
      const [row] = await executor.select({ n: count() }).from(users).where(staffWhere(f));
      return row?.n ?? 0;
    }
    const capped = executor
      .select({ one: sql`1` })
      .from(users)
      .where(staffWhere(f))
      .limit(cap)
      .as('capped');
    const [row] = await executor.select({ n: count() }).from(capped);
    return row?.n ?? 0;
  }

  /** The planner's estimate of how many staff match (EXPLAIN: no rows read). */
  async estimateStaff(executor: Executor, f: StaffFilter): Promise<number> {
    const result = await executor.execute(sql`explain (format json) select 1 from ${users} where ${staffWhere(f)}`);
    const [row] = rowsOf<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(result);
    return row?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0;
  }

  async staffCountsByRoleAndStatus(executor: Executor) {
    return executor
      .select({ role: users.role, status: users.status, n: count() })
      .from(users)
      .where(STAFF_PREDICATE)
      .groupBy(users.role, users.status);
  }

  /** Every other active super admin, locked: two concurrent demotions can't both pass the last-admin check. */
  async lockOtherActiveSuperAdmins(tx: Executor, exceptId: string): Promise<{ id: string }[]> {
    return tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.role, 'super_admin'), eq(users.status, 'active'), ne(users.id, exceptId)))
      .for('update');
  }

  async anyActiveSuperAdmin(executor: Executor): Promise<boolean> {
    const [row] = await executor
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.role, 'super_admin'), eq(users.status, 'active')))
      .limit(1);
    return !!row;
  }

  async findByEmail(executor: Executor, email: string): Promise<UserRow | undefined> {
    const [row] = await executor
      .select()
      .from(users)
      .where(sql`lower(${users.email}) = ${email.toLowerCase()}`)
      .limit(1);
    return row;
  }

  /** Which of these emails (lower-cased) already have an account. */
  async existingEmails(executor: Executor, emails: string[]): Promise<Set<string>> {
    if (!emails.length) return new Set();
    const rows = await executor
      .select({ email: sql<string>`lower(${users.email})` })
      .from(users)
      .where(inArray(sql`lower(${users.email})`, emails));
    return new Set(rows.map((r) => r.email));
  }

  async lgaOf(executor: Executor, id: string): Promise<string | null> {
    const [row] = await executor.select({ lga: users.lgaCode }).from(users).where(eq(users.id, id)).limit(1);
    return row?.lga ?? null;
  }

  /** The staff member holding this NIN (by its blind index), if any (optionally not counting one person). */
  async staffIdByNinHash(executor: Executor, ninHash: string, except?: string): Promise<string | undefined> {
    const [row] = await executor
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.ninHash, ninHash), except ? ne(users.id, except) : undefined))
      .limit(1);
    return row?.id;
  }

  /** Which of these NIN blind indexes staff hold (an ingestion batch's check, one query for all). */
  async staffNinHashes(executor: Executor, ninHashes: string[]): Promise<Set<string>> {
    if (!ninHashes.length) return new Set();
    const rows = await executor.select({ ninHash: users.ninHash }).from(users).where(inArray(users.ninHash, ninHashes));
    return new Set(rows.map((r) => r.ninHash!));
  }

  // --- field teams (supervision) ----------------------------------------------------------------

  /**
   * Field staff of one role who can work (active or invited), in one LGA or all (null), by name.
   * No contact or identity columns: a team list needs none.
   */
  async fieldTeam(executor: Executor, role: 'enumerator' | 'supervisor', lga: string | null): Promise<TeamPerson[]> {
    return executor
      .select({
        id: users.id,
        fullName: users.fullName,
        role: users.role,
        lgaCode: users.lgaCode,
        status: users.status,
      })
      .from(users)
      .where(
        and(
          eq(users.role, role),
          inArray(users.status, ['active', 'invited']),
          lga === null ? undefined : eq(users.lgaCode, lga),
        ),
      )
      .orderBy(users.fullName, users.id);
  }

  /** One staff member's team-relevant facts (role, LGA, status), or undefined. */
  async teamPerson(executor: Executor, id: string): Promise<TeamPerson | undefined> {
    const [row] = await executor
      .select({
        id: users.id,
        fullName: users.fullName,
        role: users.role,
        lgaCode: users.lgaCode,
        status: users.status,
      })
      .from(users)
      .where(and(eq(users.id, id), STAFF_PREDICATE))
      .limit(1);
    return row;
  }

  /** Display names for ids (message senders and recipients). */
  async namesOf(executor: Executor, ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = await executor
      .select({ id: users.id, fullName: users.fullName })
      .from(users)
      .where(inArray(users.id, [...new Set(ids)]));
    return new Map(rows.map((r) => [r.id, r.fullName]));
  }

  /** Where and in which language to write to accounts (a registration's confirmation email). */
  async mailboxesOf(
    executor: Executor,
    ids: string[],
  ): Promise<Map<string, { email: string; fullName: string; locale: string | null; status: string }>> {
    if (!ids.length) return new Map();
    const rows = await executor
      .select({
        id: users.id,
        email: users.email,
        fullName: users.fullName,
        locale: users.locale,
        status: users.status,
      })
      .from(users)
      .where(inArray(users.id, [...new Set(ids)]));
    return new Map(rows.map(({ id, ...r }) => [id, r]));
  }

  /** Names and emails for ids (the marketplace's reveal log). */
  async peopleOf(executor: Executor, ids: string[]): Promise<Map<string, { fullName: string; email: string }>> {
    if (!ids.length) return new Map();
    const rows = await executor
      .select({ id: users.id, fullName: users.fullName, email: users.email })
      .from(users)
      .where(inArray(users.id, [...new Set(ids)]));
    return new Map(rows.map((r) => [r.id, { fullName: r.fullName, email: r.email }]));
  }
}
