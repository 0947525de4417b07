/** Every query on `respondents`: the respondents module owns the table. */
import { and, asc, desc, eq, getTableColumns, gt, gte, inArray, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { ReportSubject } from '@oslrs/core';
import type { Scope } from '../../access/index.js';
import { respondentDuplicates, respondents } from '../../db/schema/respondents.js';
import { rowsOf, tableRows, type Executor } from '../../infra/db.js';

export type RespondentRow = typeof respondents.$inferSelect;
/** A web registration whose confirmation email is due (respondents_confirmation_due_idx's predicate). */
export type DueConfirmation = Pick<
  RespondentRow,
  'id' | 'reference' | 'firstname' | 'surname' | 'status' | 'createdBy'
>;
// A literal, not a parameter: the planner must see the partial index's own predicate.
const DUE_CONFIRMATION = sql`${respondents.source} = 'public' and ${respondents.confirmationMail} is null`;
export type NewRespondent = typeof respondents.$inferInsert;
/** What an ingestion batch sets on a new record with a NIN (everything else takes its default). */
export type BatchRespondent = Required<
  Pick<
    NewRespondent,
    | 'id'
    | 'ninHash'
    | 'ninSealed'
    | 'phoneHash'
    | 'phoneSealed'
    | 'status'
    | 'surname'
    | 'firstname'
    | 'gender'
    | 'dob'
    | 'email'
    | 'lgaCode'
    | 'mainOccupation'
    | 'employmentType'
    | 'yearsExperience'
    | 'skills'
    | 'consentMarketplace'
    | 'consentEnriched'
    | 'marketplaceBio'
    | 'source'
    | 'firstSubmissionId'
    | 'createdBy'
    | 'flagRank'
  >
>;
export type DuplicateRow = typeof respondentDuplicates.$inferSelect;

/** A row of a keyset-paged list: the row and its created_at as PostgreSQL text (microseconds kept). */
export type Keyed<T> = T & { createdAtKey: string };

const createdAtKey = sql<string>`${respondents.createdAt}::text`;

/** A respondent-list scope as a WHERE clause on indexed columns. */
function scopeWhere(scope: Scope): SQL | undefined {
  switch (scope.kind) {
    case 'all':
      return undefined;
    case 'lga':
      return eq(respondents.lgaCode, scope.lgaCode);
    default:
      return sql`false`;
  }
}

/** Name search: every word must appear in "surname firstname" (trigram index respondents_name_trgm_idx). */
function nameMatches(words: string[]): SQL {
  const name = sql`lower(coalesce(${respondents.surname}, '') || ' ' || coalesce(${respondents.firstname}, ''))`;
  return and(
    ...words.map((w) => sql`${name} like ${'%' + w.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%'}`),
  )!;
}

/** An export's selection: registration time bounds (timestamptz text), LGA, channel and status. */
export interface RespondentExportFilter {
  fromAt: string | null;
  beforeAt: string | null;
  lga: string | null;
  channel: string | null;
  status: string | null;
}

export interface RespondentExportRow {
  id: string;
  surname: string | null;
  firstname: string | null;
  gender: string | null;
  dob: string | null;
  lgaCode: string | null;
  mainOccupation: string | null;
  employmentType: string | null;
  /** The skills' slugs joined by U+001F, or null. */
  skills: string | null;
  status: string;
  source: string;
  /** ISO 8601, UTC, milliseconds. */
  createdAt: string;
  /** Sealed NIN, or '' when one is on file but not requested opened, or null. */
  ninSealed: string | null;
  phoneSealed: string | null;
}

function exportWhere(f: RespondentExportFilter): (SQL | undefined)[] {
  return [
    ne(respondents.status, 'merged'),
    f.fromAt ? sql`${respondents.createdAt} >= ${f.fromAt}::timestamptz` : undefined,
    f.beforeAt ? sql`${respondents.createdAt} < ${f.beforeAt}::timestamptz` : undefined,
    f.lga ? eq(respondents.lgaCode, f.lga) : undefined,
    f.channel ? eq(respondents.source, f.channel) : undefined,
    f.status ? eq(respondents.status, f.status) : undefined,
  ];
}

export class RespondentRepository {
  /** By the NIN's blind index (never the NIN itself: it is stored only sealed). */
  async findByNinHash(executor: Executor, ninHash: string) {
    const [row] = await executor
      .select({ id: respondents.id, createdAt: respondents.createdAt, source: respondents.source })
      .from(respondents)
      .where(eq(respondents.ninHash, ninHash))
      .limit(1);
    return row;
  }

  async findById(executor: Executor, id: string): Promise<RespondentRow | undefined> {
    const [row] = await executor.select().from(respondents).where(eq(respondents.id, id)).limit(1);
    return row;
  }

  /**
   * Insert unless the NIN is taken: the partial unique index decides between simultaneous
   * submissions of one NIN, and the loser gets `undefined`.
   */
  async insertUnlessNinTaken(tx: Executor, values: NewRespondent) {
    const [row] = await tx
      .insert(respondents)
      .values(values)
      .onConflictDoNothing({ target: respondents.ninHash, where: sql`nin_hash is not null` })
      .returning();
    return row;
  }

  /**
   * `insertUnlessNinTaken` for many records in one statement (an ingestion batch): rows are inserted in
   * the order given and a NIN already taken — by a committed record, by an earlier row of this statement,
   * or by a concurrent transaction once it commits — leaves its row out. Returns the rows inserted.
   * Callers give rows sorted by NIN blind index, so two batches never wait on each other crosswise.
   */
  async insertManyUnlessNinTaken(tx: Executor, values: BatchRespondent[]): Promise<RespondentRow[]> {
    if (!values.length) return [];
    // The rows as one JSON parameter (one short statement, whatever the batch's size: Drizzle's
    // multi-row VALUES was ~1,300 parameters to build, send and plan); inserted in the order given.
    const rows = values.map((v) => ({
      id: v.id,
      nin_hash: v.ninHash,
      nin_sealed: v.ninSealed,
      phone_hash: v.phoneHash,
      phone_sealed: v.phoneSealed,
      status: v.status,
      surname: v.surname,
      firstname: v.firstname,
      gender: v.gender,
      dob: v.dob,
      email: v.email,
      lga_code: v.lgaCode,
      main_occupation: v.mainOccupation,
      employment_type: v.employmentType,
      years_experience: v.yearsExperience,
      skills: v.skills,
      consent_marketplace: v.consentMarketplace,
      consent_enriched: v.consentEnriched,
      marketplace_bio: v.marketplaceBio,
      source: v.source,
      first_submission_id: v.firstSubmissionId,
      created_by: v.createdBy,
      flag_rank: v.flagRank,
    }));
    return tableRows(
      respondents,
      await tx.execute(sql`
        insert into ${respondents} (id, nin_hash, nin_sealed, phone_hash, phone_sealed, status, surname, firstname,
               gender, dob, email, lga_code, main_occupation, employment_type, years_experience, skills,
               consent_marketplace, consent_enriched, marketplace_bio, source, first_submission_id, created_by, flag_rank)
        select id, nin_hash, nin_sealed, phone_hash, phone_sealed, status, surname, firstname,
               gender, dob, email, lga_code, main_occupation, employment_type, years_experience, skills,
               consent_marketplace, consent_enriched, marketplace_bio, source, first_submission_id, created_by, flag_rank
          from rows from (jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as (
                 id uuid, nin_hash text, nin_sealed text, phone_hash text, phone_sealed text, status text, surname text,
                 firstname text, gender text, dob date, email text, lga_code text, main_occupation text,
                 employment_type text, years_experience text, skills text[], consent_marketplace boolean,
                 consent_enriched boolean, marketplace_bio text, source text, first_submission_id uuid,
                 created_by uuid, flag_rank smallint)) with ordinality as v
         order by v.ordinality
        on conflict (nin_hash) where nin_hash is not null do nothing
        returning *`),
    );
  }

  /** Who registered each of these NINs (by blind index) first: one index look-up for a batch. */
  async findByNinHashes(executor: Executor, ninHashes: string[]) {
    if (!ninHashes.length) return new Map<string, { createdAt: Date; source: string }>();
    const rows = await executor
      .select({ ninHash: respondents.ninHash, createdAt: respondents.createdAt, source: respondents.source })
      .from(respondents)
      .where(inArray(respondents.ninHash, ninHashes));
    return new Map(rows.map((r) => [r.ninHash!, { createdAt: r.createdAt, source: r.source }]));
  }

  /**
   * Every respondent as reports count them (never NIN or phone), in pages by id: the reports
   * rebuild (`npm run reports:rebuild`).
   */
  async forEachReportSubject(executor: Executor, onPage: (page: ReportSubject[]) => void, pageSize = 10_000) {
    let after: string | null = null;
    for (;;) {
      const page: (ReportSubject & { id: string })[] = await executor
        .select({
          id: respondents.id,
          createdAt: respondents.createdAt,
          lgaCode: respondents.lgaCode,
          source: respondents.source,
          status: respondents.status,
          gender: respondents.gender,
          dob: respondents.dob,
          employmentType: respondents.employmentType,
          skills: respondents.skills,
        })
        .from(respondents)
        .where(after ? gt(respondents.id, after) : undefined)
        .orderBy(asc(respondents.id))
        .limit(pageSize);
      if (!page.length) return;
      onPage(page);
      after = page[page.length - 1]!.id;
    }
  }

  /** Respondents who may be listed in the marketplace (consent, NIN, listable status), in id pages. */
  async forEachListable(executor: Executor, onPage: (page: RespondentRow[]) => Promise<void>, pageSize = 5_000) {
    let after: string | null = null;
    for (;;) {
      const page: RespondentRow[] = await executor
        .select()
        .from(respondents)
        .where(
          and(
            eq(respondents.consentMarketplace, true),
            sql`${respondents.ninHash} is not null`,
            inArray(respondents.status, ['active', 'verified']),
            after ? gt(respondents.id, after) : undefined,
          ),
        )
        .orderBy(asc(respondents.id))
        .limit(pageSize);
      if (!page.length) return;
      await onPage(page);
      after = page[page.length - 1]!.id;
    }
  }

  /**
   * Respondents for an export, in pages from one server-side cursor (call inside a transaction; the
   * caller's snapshot is the export's): oldest first, never merged records (a merged record is the
   * same person, counted once — as the reports count them). Every column comes back as text (no Date
   * parsing per row). NIN and phone come back sealed only when `identifiers` is `sealed`; otherwise
   * only whether one is on file ('').
   */
  async *exportPages(
    tx: Executor,
    filter: RespondentExportFilter,
    identifiers: 'sealed' | 'presence',
    pageSize: number,
  ): AsyncGenerator<RespondentExportRow[]> {
    const sealed = identifiers === 'sealed';
    const r = respondents;
    const nin = sealed ? sql`${r.ninSealed}` : sql`case when ${r.ninHash} is not null then '' end`;
    const phone = sealed ? sql`${r.phoneSealed}` : sql`case when ${r.phoneHash} is not null then '' end`;
    await tx.execute(sql`declare respondent_export no scroll cursor for
      select ${r.id}::text as id, ${r.surname} as surname, ${r.firstname} as firstname, ${r.gender} as gender,
        ${r.dob}::text as dob, ${r.lgaCode} as "lgaCode", ${r.mainOccupation} as "mainOccupation",
        ${r.employmentType} as "employmentType", array_to_string(${r.skills}, chr(31)) as skills,
        ${r.status} as status, ${r.source} as source,
        to_char(${r.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "createdAt",
        ${nin} as "ninSealed", ${phone} as "phoneSealed"
      from ${r} where ${and(...exportWhere(filter))} order by ${r.createdAt}, ${r.id}`);
    try {
      for (;;) {
        const page = rowsOf<RespondentExportRow>(
          await tx.execute(sql.raw(`fetch forward ${Math.max(1, Math.floor(pageSize))} from respondent_export`)),
        );
        if (!page.length) return;
        yield page;
        if (page.length < pageSize) return;
      }
    } finally {
      await tx.execute(sql`close respondent_export`).catch(() => undefined);
    }
  }

  /** How many respondents an export with this filter holds (its job's `total`). */
  async exportCount(executor: Executor, filter: RespondentExportFilter): Promise<number> {
    const [row] = await executor
      .select({ n: sql<number>`count(*)::int` })
      .from(respondents)
      .where(and(...exportWhere(filter)));
    return row?.n ?? 0;
  }

  async lockByCaptureToken(tx: Executor, tokenHash: string): Promise<RespondentRow | undefined> {
    const [row] = await tx
      .select()
      .from(respondents)
      .where(eq(respondents.ninCaptureTokenHash, tokenHash))
      .for('update');
    return row;
  }

  /**
   * The one exact match of a searched NIN or phone number against respondents (registry search): an
   * equality on each one's blind index (indexed), never a substring scan of personal data.
   */
  async idsByExactNinOrPhone(
    executor: Executor,
    q: { ninHash: string | null; phoneHash: string | null },
  ): Promise<string[]> {
    const alternatives = [
      q.ninHash ? eq(respondents.ninHash, q.ninHash) : undefined,
      q.phoneHash ? eq(respondents.phoneHash, q.phoneHash) : undefined,
    ];
    if (!alternatives.some(Boolean)) return [];
    const rows = await executor
      .select({ id: respondents.id })
      .from(respondents)
      .where(or(...alternatives))
      .limit(50);
    return rows.map((r) => r.id);
  }

  /** The record with this registration reference (displayed form), as a list of at most one id. */
  async idsByReference(executor: Executor, reference: string): Promise<string[]> {
    const rows = await executor
      .select({ id: respondents.id })
      .from(respondents)
      .where(eq(respondents.reference, reference))
      .limit(1);
    return rows.map((r) => r.id);
  }

  /** The record with this registration reference (displayed form). */
  async findByReference(executor: Executor, reference: string): Promise<RespondentRow | undefined> {
    const [row] = await executor.select().from(respondents).where(eq(respondents.reference, reference)).limit(1);
    return row;
  }

  /** A page of the registry, newest first, keyset on (created_at, id). */
  async page(
    executor: Executor,
    opts: { scope: Scope; lga?: string; status?: string; nameWords?: string[]; ids?: string[] },
    limit: number,
    after?: { at: string; id: string },
  ): Promise<Keyed<RespondentRow>[]> {
    const where: (SQL | undefined)[] = [scopeWhere(opts.scope)];
    if (opts.lga) where.push(eq(respondents.lgaCode, opts.lga));
    if (opts.status) where.push(eq(respondents.status, opts.status));
    if (opts.nameWords?.length) where.push(nameMatches(opts.nameWords));
    if (opts.ids) where.push(opts.ids.length ? inArray(respondents.id, opts.ids) : sql`false`);
    if (after)
      where.push(sql`(${respondents.createdAt}, ${respondents.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`);
    return executor
      .select({ ...getColumns(), createdAtKey })
      .from(respondents)
      .where(and(...where))
      .orderBy(sql`${respondents.createdAt} desc nulls last, ${respondents.id} desc nulls last`)
      .limit(limit);
  }

  /**
   * Records changed since an instant, oldest change first, keyset on (updated_at, id): a partner's
   * incremental pull (respondents_updated_idx, respondents_lga_updated_idx). Merged-away records are left out.
   */
  async changedSince(
    executor: Executor,
    opts: { lgas: readonly string[] | null; since?: string },
    limit: number,
    after?: { at: string; id: string },
  ): Promise<(RespondentRow & { updatedAtKey: string })[]> {
    const where: (SQL | undefined)[] = [ne(respondents.status, 'merged')];
    if (opts.lgas) where.push(opts.lgas.length ? inArray(respondents.lgaCode, [...opts.lgas]) : sql`false`);
    if (opts.since) where.push(sql`${respondents.updatedAt} >= ${opts.since}::timestamptz`);
    if (after)
      where.push(sql`(${respondents.updatedAt}, ${respondents.id}) > (${after.at}::timestamptz, ${after.id}::uuid)`);
    return executor
      .select({ ...getColumns(), updatedAtKey: sql<string>`${respondents.updatedAt}::text` })
      .from(respondents)
      .where(and(...where))
      .orderBy(asc(respondents.updatedAt), asc(respondents.id))
      .limit(limit);
  }

  /**
   * The assessor's queue: undecided records with a submission flagged at `minRank` or above, plus the
   * clean records whose stable bucket falls in the sample; flagged (highest band) first, then oldest.
   */
  async verificationQueue(
    executor: Executor,
    opts: { minRank: number; samplePercent: number },
    limit: number,
    after?: { rank: number; at: string; id: string },
  ): Promise<Keyed<RespondentRow>[]> {
    const where: (SQL | undefined)[] = [
      sql`${respondents.verification} is null`,
      ne(respondents.status, 'merged'),
      sql`(${respondents.flagRank} >= ${opts.minRank} or ${respondents.sampleBucket} < ${opts.samplePercent})`,
    ];
    if (after)
      where.push(
        sql`(${respondents.flagRank} < ${after.rank} or (${respondents.flagRank} = ${after.rank} and (${respondents.createdAt}, ${respondents.id}) > (${after.at}::timestamptz, ${after.id}::uuid)))`,
      );
    return executor
      .select({ ...getColumns(), createdAtKey })
      .from(respondents)
      .where(and(...where))
      .orderBy(sql`${respondents.flagRank} desc nulls last`, asc(respondents.createdAt), asc(respondents.id))
      .limit(limit);
  }

  async lockById(tx: Executor, id: string): Promise<RespondentRow | undefined> {
    const [row] = await tx.select().from(respondents).where(eq(respondents.id, id)).for('update');
    return row;
  }

  /** A resident's own record: the one their account registered (never a merged one). */
  async ownedBy(executor: Executor, userId: string, lock = false): Promise<RespondentRow | undefined> {
    const q = executor
      .select()
      .from(respondents)
      .where(and(eq(respondents.createdBy, userId), eq(respondents.source, 'public'), ne(respondents.status, 'merged')))
      .orderBy(desc(respondents.createdAt))
      .limit(1);
    const [row] = lock ? await q.for('update') : await q;
    return row;
  }

  /**
   * Web registrations created since `since` whose confirmation email is still due, oldest first,
   * locked for the caller's transaction. SKIP LOCKED: two runs at once take disjoint rows; NO KEY
   * UPDATE: a duplicates row referencing one of them is not held up.
   */
  async claimDueConfirmations(tx: Executor, since: Date, limit: number): Promise<DueConfirmation[]> {
    return tx
      .select({
        id: respondents.id,
        reference: respondents.reference,
        firstname: respondents.firstname,
        surname: respondents.surname,
        status: respondents.status,
        createdBy: respondents.createdBy,
      })
      .from(respondents)
      .where(and(DUE_CONFIRMATION, gte(respondents.createdAt, since)))
      .orderBy(asc(respondents.createdAt))
      .limit(limit)
      .for('no key update', { skipLocked: true });
  }

  /** Settle confirmations still due (`sent` or `none`); returns the ids this call settled. */
  async settleConfirmations(tx: Executor, ids: string[], outcome: 'sent' | 'none'): Promise<string[]> {
    if (!ids.length) return [];
    const rows = await tx
      .update(respondents)
      .set({ confirmationMail: outcome })
      .where(and(inArray(respondents.id, ids), isNull(respondents.confirmationMail)))
      .returning({ id: respondents.id });
    return rows.map((r) => r.id);
  }

  /** Confirmations due for records created before `before` are not sent any more (`none`); returns how many. */
  async expireConfirmations(tx: Executor, before: Date): Promise<number> {
    const rows = await tx
      .update(respondents)
      .set({ confirmationMail: 'none' })
      .where(and(DUE_CONFIRMATION, lt(respondents.createdAt, before)))
      .returning({ id: respondents.id });
    return rows.length;
  }

  async lockForShare(tx: Executor, id: string): Promise<RespondentRow | undefined> {
    const [row] = await tx.select().from(respondents).where(eq(respondents.id, id)).for('share');
    return row;
  }

  async lockByIds(tx: Executor, ids: string[]): Promise<RespondentRow[]> {
    return tx.select().from(respondents).where(inArray(respondents.id, ids)).orderBy(asc(respondents.id)).for('update');
  }

  async findByIds(executor: Executor, ids: string[]): Promise<RespondentRow[]> {
    if (!ids.length) return [];
    return executor.select().from(respondents).where(inArray(respondents.id, ids));
  }

  async update(tx: Executor, id: string, values: Partial<NewRespondent>): Promise<RespondentRow> {
    const [row] = await tx
      .update(respondents)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(respondents.id, id))
      .returning();
    return row!;
  }

  /** Raise the respondent's flag rank to `rank` if it is higher (a newly scored submission). */
  async raiseFlagRank(tx: Executor, id: string, rank: number): Promise<void> {
    await tx
      .update(respondents)
      .set({ flagRank: sql`greatest(${respondents.flagRank}, ${rank})` })
      .where(eq(respondents.id, id));
  }

  // --- likely duplicates ------------------------------------------------------------------------

  /**
   * Records that look like the same person as `id` (SPEC "Identity"): at least one of the two has no
   * NIN, neither was merged away, and they share a phone number or name + date of birth + LGA.
   * Two index look-ups (respondents_phone_hash_idx, respondents_name_key_idx), so it stays cheap at any size.
   */
  async duplicateCandidates(executor: Executor, id: string): Promise<{ id: string; reasons: string[] }[]> {
    const result = await executor.execute(sql`
      with n as (select * from ${respondents} where id = ${id})
      select o.id, array_remove(array[
               case when ${samePhone(sql`o`, sql`n`)} then 'phone' end,
               case when lower(o.surname) = lower(n.surname) and lower(o.firstname) = lower(n.firstname)
                         and o.dob = n.dob and o.lga_code = n.lga_code then 'name_dob_lga' end
             ], null) as reasons
        from n join ${respondents} o
          on o.id <> n.id and o.status <> 'merged' and (o.nin_hash is null or n.nin_hash is null)
         and (${samePhone(sql`o`, sql`n`)}
              or (lower(o.surname) = lower(n.surname) and lower(o.firstname) = lower(n.firstname)
                  and o.dob = n.dob and o.lga_code = n.lga_code))
       limit 20`);
    return (result as unknown as { rows: { id: string; reasons: string[] }[] }).rows;
  }

  /**
   * `duplicateCandidates` of many records in one statement (an ingestion batch's new records, their
   * keys already locked): the same two index look-ups per record, at most 20 candidates each.
   */
  async duplicateCandidatesOf(
    executor: Executor,
    ids: string[],
  ): Promise<{ of: string; id: string; reasons: string[] }[]> {
    if (!ids.length) return [];
    const result = await executor.execute(sql`
      select n.id::text as "of", c.id::text as id, c.reasons
        from ${respondents} n
        cross join lateral (
          select o.id, array_remove(array[
                   case when ${samePhone(sql`o`, sql`n`)} then 'phone' end,
                   case when lower(o.surname) = lower(n.surname) and lower(o.firstname) = lower(n.firstname)
                             and o.dob = n.dob and o.lga_code = n.lga_code then 'name_dob_lga' end
                 ], null) as reasons
            from ${respondents} o
           where o.id <> n.id and o.status <> 'merged' and (o.nin_hash is null or n.nin_hash is null)
             and (${samePhone(sql`o`, sql`n`)}
                  or (lower(o.surname) = lower(n.surname) and lower(o.firstname) = lower(n.firstname)
                      and o.dob = n.dob and o.lga_code = n.lga_code))
           limit 20) c
       where n.id in (select unnest(${`{${ids.join(',')}}`}::uuid[]))`);
    return rowsOf<{ of: string; id: string; reasons: string[] }>(result);
  }

  /**
   * Serialise duplicate detection on the record's keys (its phone's blind index; its name + date of
   * birth + LGA) until the transaction ends. Two records that match, ingested at the same moment in
   * two transactions, would otherwise each look before the other committed and neither would see the
   * pair; with the lock the second to look waits for the first to commit, and sees it. Keys are taken
   * in one sorted order, so two transactions never wait on each other crosswise.
   */
  async lockDuplicateKeys(tx: Executor, id: string): Promise<void> {
    await tx.execute(sql`
      select pg_advisory_xact_lock(k) from (
        select distinct hashtextextended(x, 4242) as k
          from ${respondents} n,
               unnest(array['phone:' || n.phone_hash,
                             'name:' || lower(n.surname) || '|' || lower(n.firstname) || '|' || n.dob || '|' || n.lga_code]) as x
         where n.id = ${id} and x is not null
      ) keys order by k`);
  }

  /**
   * The same keys as `lockDuplicateKeys`, for many records about to be written (an ingestion batch),
   * taken in one statement and one sorted order before any of them is: concurrent batches that share
   * keys then queue behind each other instead of deadlocking crosswise.
   */
  async lockDuplicateKeysOf(
    tx: Executor,
    records: {
      phoneHash: string | null;
      surname: string | null;
      firstname: string | null;
      dob: string | null;
      lgaCode: string | null;
    }[],
  ): Promise<void> {
    if (!records.length) return;
    await tx.execute(sql`
      select pg_advisory_xact_lock(k) from (
        select distinct hashtextextended(x, 4242) as k
          from jsonb_to_recordset(${JSON.stringify(
            records.map((r) => ({
              phone_hash: r.phoneHash,
              surname: r.surname,
              firstname: r.firstname,
              dob: r.dob,
              lga_code: r.lgaCode,
            })),
          )}::jsonb)
                 as n(phone_hash text, surname text, firstname text, dob date, lga_code text),
               unnest(array['phone:' || n.phone_hash,
                             'name:' || lower(n.surname) || '|' || lower(n.firstname) || '|' || n.dob || '|' || n.lga_code]) as x
         where x is not null
      ) keys order by k`);
  }

  // --- secondary-data imports ------------------------------------------------------------------

  /**
   * Which of these keys the registry already holds (merged-away records aside): NIN blind indexes;
   * phone blind indexes and name keys (`surname|firstname|dob|lga`, lower-cased) each with whether a
   * holder lacks a NIN (a likely duplicate needs one of the pair without). Three index look-ups.
   */
  async matchKeys(
    executor: Executor,
    keys: {
      ninHashes: string[];
      phoneHashes: string[];
      names: { surname: string; firstname: string; dob: string; lgaCode: string }[];
    },
  ): Promise<{ nins: Set<string>; phones: Map<string, boolean>; names: Map<string, boolean> }> {
    const nins = new Set<string>();
    const phones = new Map<string, boolean>();
    const names = new Map<string, boolean>();
    if (keys.ninHashes.length) {
      const rows = await executor
        .select({ h: respondents.ninHash })
        .from(respondents)
        .where(inArray(respondents.ninHash, keys.ninHashes));
      for (const r of rows) if (r.h) nins.add(r.h);
    }
    if (keys.phoneHashes.length) {
      const rows = await executor
        .select({ h: respondents.phoneHash, noNin: sql<boolean>`bool_or(${respondents.ninHash} is null)` })
        .from(respondents)
        .where(and(inArray(respondents.phoneHash, keys.phoneHashes), ne(respondents.status, 'merged')))
        .groupBy(respondents.phoneHash);
      for (const r of rows) if (r.h) phones.set(r.h, r.noNin);
    }
    if (keys.names.length) {
      const result = await executor.execute(sql`
        select lower(r.surname) || '|' || lower(r.firstname) || '|' || r.dob || '|' || r.lga_code as k,
               bool_or(r.nin_hash is null) as "noNin"
          from jsonb_to_recordset(${JSON.stringify(keys.names)}::jsonb)
                 as n(surname text, firstname text, dob date, "lgaCode" text)
          join ${respondents} r
            on lower(r.surname) = lower(n.surname) and lower(r.firstname) = lower(n.firstname)
           and r.dob = n.dob and r.lga_code = n."lgaCode" and r.status <> 'merged'
         group by 1`);
      for (const r of rowsOf<{ k: string; noNin: boolean }>(result)) names.set(r.k, r.noNin);
    }
    return { nins, phones, names };
  }

  /** Many new records at once; a NIN taken meanwhile skips its row (the ids that went in are returned). */
  async insertMany(tx: Executor, values: NewRespondent[]): Promise<RespondentRow[]> {
    if (!values.length) return [];
    return tx.insert(respondents).values(values).onConflictDoNothing().returning();
  }

  /**
   * Records an import created, locked, each with why it must be kept if it changed since: edited,
   * decided by an assessor, merged or merged into, or linked to a submission.
   */
  async lockWithTouches(tx: Executor, ids: string[]): Promise<(RespondentRow & { touched: string | null })[]> {
    if (!ids.length) return [];
    const result = await tx.execute(sql`
      select r.id,
             case when r.status not in ('active', 'imported_unverified') then 'status changed to ' || r.status
                  when r.verification is not null then 'decided by an assessor (' || r.verification || ')'
                  when r.updated_at > r.created_at then 'edited since the import'
                  when exists (select 1 from ${respondents} o where o.merged_into = r.id) then 'another record was merged into it'
                  when exists (select 1 from submissions s where s.respondent_id = r.id) then 'a submission is linked to it'
             end as touched
        from ${respondents} r
       where r.id in (select unnest(${`{${ids.join(',')}}`}::uuid[]))
       order by r.id
         for update of r`);
    const touched = new Map(rowsOf<{ id: string; touched: string | null }>(result).map((r) => [r.id, r.touched]));
    const rows = await this.findByIds(tx, ids);
    return rows.map((r) => ({ ...r, touched: touched.get(r.id) ?? null }));
  }

  /** Remove records (an import rolled back), with their open likely-duplicate pairs. */
  async deleteMany(tx: Executor, ids: string[]): Promise<void> {
    if (!ids.length) return;
    await tx
      .delete(respondentDuplicates)
      .where(or(inArray(respondentDuplicates.respondentA, ids), inArray(respondentDuplicates.respondentB, ids)));
    await tx.delete(respondents).where(inArray(respondents.id, ids));
  }

  /** Ids of records without a NIN (merged ones aside), by id: the duplicates scan's batches. */
  async idsWithoutNin(executor: Executor, limit: number, afterId?: string): Promise<string[]> {
    const rows = await executor
      .select({ id: respondents.id })
      .from(respondents)
      .where(
        and(
          sql`${respondents.ninHash} is null`,
          ne(respondents.status, 'merged'),
          afterId ? gt(respondents.id, afterId) : undefined,
        ),
      )
      .orderBy(asc(respondents.id))
      .limit(limit);
    return rows.map((r) => r.id);
  }

  async insertDuplicates(
    tx: Executor,
    pairs: { id: string; a: string; b: string; reasons: string[] }[],
  ): Promise<void> {
    if (!pairs.length) return;
    await tx
      .insert(respondentDuplicates)
      .values(pairs.map((p) => ({ id: p.id, respondentA: p.a, respondentB: p.b, reasons: p.reasons })))
      .onConflictDoNothing({ target: [respondentDuplicates.respondentA, respondentDuplicates.respondentB] });
  }

  /** Open pairs, oldest first, keyset on (created_at, id); pairs with a side already merged are left out. */
  async openDuplicates(
    executor: Executor,
    limit: number,
    after?: { at: string; id: string },
  ): Promise<(DuplicateRow & { createdAtKey: string })[]> {
    const d = respondentDuplicates;
    const where: SQL[] = [
      eq(d.status, 'open'),
      sql`not exists (select 1 from ${respondents} r where r.id in (${d.respondentA}, ${d.respondentB}) and r.status = 'merged')`,
    ];
    if (after) where.push(sql`(${d.createdAt}, ${d.id}) > (${after.at}::timestamptz, ${after.id}::uuid)`);
    return executor
      .select({
        id: d.id,
        respondentA: d.respondentA,
        respondentB: d.respondentB,
        reasons: d.reasons,
        status: d.status,
        keptId: d.keptId,
        resolvedBy: d.resolvedBy,
        resolvedAt: d.resolvedAt,
        createdAt: d.createdAt,
        createdAtKey: sql<string>`${d.createdAt}::text`,
      })
      .from(d)
      .where(and(...where))
      .orderBy(asc(d.createdAt), asc(d.id))
      .limit(limit);
  }

  async lockDuplicate(tx: Executor, id: string): Promise<DuplicateRow | undefined> {
    const [row] = await tx.select().from(respondentDuplicates).where(eq(respondentDuplicates.id, id)).for('update');
    return row;
  }

  async resolveDuplicate(
    tx: Executor,
    id: string,
    values: { status: 'distinct' | 'merged'; keptId: string | null; resolvedBy: string | null },
  ): Promise<void> {
    await tx
      .update(respondentDuplicates)
      .set({ ...values, resolvedAt: new Date() })
      .where(eq(respondentDuplicates.id, id));
  }

  /** Add the NIN to a pending record while its completion link is still valid. */
  async completeNin(tx: Executor, id: string, nin: { ninHash: string; ninSealed: string }) {
    const [row] = await tx
      .update(respondents)
      .set({ ...nin, status: 'active', ninCaptureTokenHash: null, ninCaptureExpiresAt: null, updatedAt: new Date() })
      .where(and(eq(respondents.id, id), gt(respondents.ninCaptureExpiresAt, new Date())))
      .returning({ id: respondents.id, status: respondents.status });
    return row;
  }

  /**
   * A correction's answers over the record (the respondent is updated, never duplicated). `nin`, when
   * given (sealed, with its blind index), is a NIN the caller checked is free: it completes a pending record.
   */
  async updateFromCorrection(
    tx: Executor,
    id: string,
    fields: Partial<NewRespondent>,
    nin: { ninHash: string; ninSealed: string } | null,
  ) {
    const [row] = await tx
      .update(respondents)
      .set({
        ...fields,
        ...(nin ? { ...nin, status: 'active', ninCaptureTokenHash: null, ninCaptureExpiresAt: null } : {}),
        updatedAt: new Date(),
      })
      .where(eq(respondents.id, id))
      .returning({ id: respondents.id, status: respondents.status });
    return row;
  }
}

/**
 * The one comparison of two respondents' phone numbers (likely duplicates): their blind indexes.
 */
function samePhone(o: SQL, n: SQL): SQL {
  return sql`(${o}.phone_hash is not null and ${o}.phone_hash = ${n}.phone_hash)`;
}

function getColumns() {
  return getTableColumns(respondents);
}
