import { uuidv7 } from 'uuidv7';
import {
  type PartnerRespondent,
  type PartnerRespondentsQuery,
  type ImportSkipReason,
  isWellFormedNin,
  normalizeNin,
  normalizePhone,
  skillNamed,
  type AnswerValue,
  type Answers,
  type Channel,
  type FormSchema,
  type RespondentDetail,
  type ReportSubject,
} from '@oslrs/core';
import { can, partnerLgas, partnerMay, requireAccess, requirePartner, type Actor } from '../../access/index.js';
import { checkCursorParts, decodeCursor, encodeCursor } from '../../cursor.js';
import type { Db, Executor } from '../../infra/db.js';
import type { KeyValueStore } from '../../infra/kv.js';
import type { Mailer } from '../../infra/mail.js';
import { readerLocale, textsFor } from '../../i18n/texts.js';
import { Conflict, Gone, Invalid, TooManyRequests, Unprocessable, isUniqueViolation } from '../../errors.js';
import { recordAudit, recordAudits } from '../audit/index.js';
import { recordRespondent, recordRespondents } from '../reports/index.js';
import {
  listProfiles,
  noteProfessions,
  profileValues,
  syncProfile,
  type MarketplaceSubject,
} from '../marketplace/index.js';
import { hashToken, newToken, type UserRepository } from '../auth/index.js';
import { respondentFieldName } from '../questionnaires/index.js';
import type { PiiCipher } from '../../infra/pii.js';
import type { BatchRespondent, RespondentRepository, RespondentRow } from './repository.js';
import { FRAUD_BAND_RANK } from '../../db/schema/respondents.js';

const NIN_CAPTURE_TTL_MS = 30 * 24 * 3600_000;

const text = (v: AnswerValue | undefined): string | null =>
  v === undefined || v === null
    ? null
    : typeof v === 'string'
      ? v.trim() || null
      : typeof v === 'number'
        ? String(v)
        : null;
const yes = (v: AnswerValue | undefined) => v === true || v === 'yes' || v === 'true' || v === '1';

/** Who holds a NIN: the one look-up every module uses (intake, ingestion, staff NIN, pre-check). */
export type NinHolder = { kind: 'respondent'; firstRegisteredAt: string; source: string } | { kind: 'staff' };
export interface NinRegistry {
  holder(executor: Executor, nin: string, opts?: { exceptStaff?: string }): Promise<NinHolder | null>;
}

/** The respondent fields a questionnaire's answers fill (by question name or the form's field map). */
export function respondentFields(form: FormSchema, values: Answers) {
  const get = (f: Parameters<typeof respondentFieldName>[1]) => values[respondentFieldName(form, f)];
  const phone = text(get('phone_number'));
  const dob = text(get('dob'));
  const skills = get('skills_possessed');
  return {
    surname: text(get('surname')),
    firstname: text(get('firstname')),
    gender: text(get('gender')),
    dob: dob && /^\d{4}-\d{2}-\d{2}$/.test(dob) ? dob : null,
    phone: phone ? (normalizePhone(phone) ?? phone) : null,
    email: text(get('email'))?.toLowerCase() ?? null,
    lgaCode: text(get('lga_id')),
    mainOccupation: text(get('main_occupation')),
    employmentType: text(get('employment_type')),
    yearsExperience: text(get('years_experience')),
    skills: Array.isArray(skills)
      ? skills.filter((x): x is string => typeof x === 'string')
      : typeof skills === 'string' && skills
        ? skills.split(/\s+/)
        : null,
    consentMarketplace: yes(get('consent_marketplace')),
    consentEnriched: yes(get('consent_enriched')),
    marketplaceBio: text(get('bio_short'))?.slice(0, 280) ?? null,
  };
}
export type RespondentFields = ReturnType<typeof respondentFields>;

/** What a change did to the figures reports count (the caller records it last in its transaction). */
export interface ReportChange {
  before: ReportSubject | null;
  after: ReportSubject;
}

export type CreateOutcome =
  | {
      created: true;
      id: string;
      status: 'active' | 'pending_nin_capture';
      createdAt: Date;
      report: ReportChange;
      /** What the marketplace reads of the new record (as inserted). */
      listing: MarketplaceSubject;
      /**
       * The one-time NIN-completion token of a record created without a NIN (only its hash is stored):
       * for the channel's own message (USSD sends it by SMS; email is sent here).
       */
      ninCaptureToken?: string;
    }
  | { created: false; holder: NinHolder };

/** What reports count of a respondent (never its NIN or phone). */
export function reportSubject(r: RespondentRow): ReportSubject {
  return {
    createdAt: r.createdAt,
    lgaCode: r.lgaCode,
    source: r.source,
    status: r.status,
    gender: r.gender,
    dob: r.dob,
    employmentType: r.employmentType,
    skills: r.skills,
  };
}

/** What the marketplace reads of a respondent to list, change or unlist their profile. */
export function marketplaceSubject(r: RespondentRow): MarketplaceSubject {
  return {
    respondentId: r.id,
    status: r.status,
    ninOnFile: !!r.ninHash,
    consentMarketplace: r.consentMarketplace,
    mainOccupation: r.mainOccupation,
    skills: r.skills,
    lgaCode: r.lgaCode,
    yearsExperience: r.yearsExperience,
    verified: r.verification === 'verified',
    bio: r.marketplaceBio,
  };
}

/**
 * Keep the respondent's marketplace profile true after a change, in the change's transaction (the one
 * hook beside reports' recordRespondent; every path that changes a respondent calls both).
 */
export async function syncMarketplace(tx: Executor, repo: RespondentRepository, id: string): Promise<boolean> {
  const row = await repo.findById(tx, id);
  return row ? syncProfile(tx, marketplaceSubject(row)) : false;
}

/** A NIN shown to staff: in full to super admins and assessors, else only its last three digits. */
export function shownNin(actor: Actor, nin: string | null): string | null {
  if (!nin) return null;
  return actor.role === 'super_admin' || actor.role === 'verification_assessor' ? nin : `********${nin.slice(-3)}`;
}

/** Record the likely duplicates of one respondent (pairs already known, distinct or not, are kept as they are). */
async function detectDuplicates(tx: Executor, repo: RespondentRepository, respondentId: string): Promise<number> {
  await repo.lockDuplicateKeys(tx, respondentId);
  const candidates = await repo.duplicateCandidates(tx, respondentId);
  await repo.insertDuplicates(
    tx,
    candidates.map((c) => {
      const [a, b] = [c.id, respondentId].sort();
      return { id: uuidv7(), a: a!, b: b!, reasons: c.reasons };
    }),
  );
  return candidates.length;
}

/**
 * The likely duplicates among records that existed before detection ran at ingestion (`npm run
 * duplicates:scan`): every record without a NIN (a pair always has one), in batches by id, each
 * batch one transaction. Idempotent: a known pair, distinct or merged, is left as it is.
 */
export async function scanDuplicates(
  db: Db,
  repo: RespondentRepository,
  opts: { batch?: number; log?: (line: string) => void } = {},
): Promise<{ scanned: number; candidates: number }> {
  const batch = opts.batch ?? 500;
  let after: string | undefined;
  let scanned = 0;
  let candidates = 0;
  for (;;) {
    const ids = await repo.idsWithoutNin(db, batch, after);
    if (!ids.length) break;
    candidates += await db.transaction(async (tx) => {
      let n = 0;
      for (const id of ids) n += await detectDuplicates(tx, repo, id);
      return n;
    });
    scanned += ids.length;
    after = ids[ids.length - 1];
    opts.log?.(`scanned ${scanned} records without a NIN; ${candidates} candidate pairs seen`);
  }
  return { scanned, candidates };
}

export class RespondentService implements NinRegistry {
  constructor(
    private readonly db: Db,
    private readonly repo: RespondentRepository,
    private readonly users: UserRepository,
    private readonly mailer: Mailer,
    private readonly kv: KeyValueStore,
    private readonly publicUrl: string,
    private readonly pii: PiiCipher,
  ) {}

  /** Both look-ups always run, so the answer takes as long whoever holds the NIN (or nobody). */
  async holder(executor: Executor, nin: string, opts: { exceptStaff?: string } = {}): Promise<NinHolder | null> {
    const ninHash = this.pii.blindIndex(nin, 'nin');
    const [r, staffId] = await Promise.all([
      this.repo.findByNinHash(executor, ninHash),
      this.users.staffIdByNinHash(executor, ninHash, opts.exceptStaff),
    ]);
    if (r) return { kind: 'respondent', firstRegisteredAt: r.createdAt.toISOString(), source: r.source };
    if (staffId) return { kind: 'staff' };
    return null;
  }

  /**
   * The pre-check's own limits, beside the route's per-account rate: per NIN queried (anyone) and,
   * for residents and searchers, per address and per account per day. Counting fails closed.
   */
  private async limitNinChecks(actor: Actor, nin: string) {
    const day = 86_400_000;
    const checks: [string, number, number][] = [[`nin-check:nin:${this.pii.blindIndex(nin, 'nin')}`, 10, 3_600_000]];
    if (!can(actor, 'nin.details')) {
      checks.push([`nin-check:ip:${actor.ip ?? 'unknown'}`, 30, 3_600_000]);
      checks.push([`nin-check:user:${actor.id ?? 'anonymous'}`, 20, day]);
    }
    for (const [key, max, windowMs] of checks) {
      const { count, ttlMs } = await this.kv
        .incr(key, windowMs)
        .catch(() => ({ count: Number.POSITIVE_INFINITY, ttlMs: 60_000 }));
      if (count > max)
        throw TooManyRequests('RATE_LIMITED', 'Too many NIN checks; try again later', Math.ceil(ttlMs / 1000));
    }
  }

  /**
   * The respondent a submission describes, created in the ingestion's transaction. A NIN held by
   * staff or by another respondent creates nothing and says who holds it.
   */
  async createFromSubmission(
    tx: Executor,
    actor: Actor,
    sub: { id: string; channel: Channel | string; submittedBy: string | null },
    nin: string | null,
    fields: RespondentFields,
    fraudBand: string | null = null,
    /**
     * An ingestion batch's work done once for all its records: the NINs staff hold (`staffNinsOf`),
     * and the duplicate keys already locked (`lockDuplicateKeysFor`).
     */
    batch?: { staffNinHashes: ReadonlySet<string> },
  ): Promise<CreateOutcome> {
    const ninHash = this.pii.blindIndexOrNull(nin, 'nin');
    if (ninHash && (batch ? batch.staffNinHashes.has(ninHash) : await this.users.staffIdByNinHash(tx, ninHash)))
      return { created: false, holder: { kind: 'staff' } };
    const captureToken = nin ? null : newToken();
    const status = nin ? ('active' as const) : ('pending_nin_capture' as const);
    const { phone, ...rest } = fields;
    const created = await this.repo.insertUnlessNinTaken(tx, {
      id: uuidv7(),
      ninHash,
      ninSealed: this.pii.sealOrNull(nin, 'nin'),
      phoneHash: this.pii.blindIndexOrNull(phone, 'phone'),
      phoneSealed: this.pii.sealOrNull(phone, 'phone'),
      // The USSD channel's number is the caller's own, as the mobile network reported it.
      phoneVerified: sub.channel === 'ussd' && !!phone,
      status,
      ...rest,
      source: sub.channel,
      firstSubmissionId: sub.id,
      createdBy: sub.submittedBy,
      ninCaptureTokenHash: captureToken ? hashToken(captureToken) : null,
      ninCaptureExpiresAt: captureToken ? new Date(Date.now() + NIN_CAPTURE_TTL_MS) : null,
    });
    if (!created) {
      const holder = nin ? await this.holder(tx, nin) : null;
      if (!holder) throw new Error('respondent insert conflicted without a holder');
      return { created: false, holder };
    }
    await recordAudit(tx, actor, {
      action: 'respondent.created',
      targetType: 'respondent',
      targetId: created.id,
      after: { source: sub.channel, status, submissionId: sub.id },
    });
    await this.noteFraudBand(tx, created.id, fraudBand);
    if (batch) await this.recordDuplicates(tx, created.id);
    else await this.detectDuplicates(tx, created.id);
    if (captureToken && fields.email) {
      const { t } = textsFor(readerLocale(await this.mailLocale(tx, sub, fields.email)));
      const { reference } = created;
      await this.mailer.send(
        {
          to: fields.email,
          subject: t('mail.ninDeferred.subject'),
          text:
            `${t('mail.ninDeferred.thanks')}\n${t('mail.ninDeferred.reference', { reference })}\n\n` +
            `${t('mail.ninDeferred.complete', { days: Math.round(NIN_CAPTURE_TTL_MS / 86_400_000) })}\n\n` +
            `${this.publicUrl}/register/complete-nin?token=${encodeURIComponent(captureToken)}\n`,
          expiresAt: new Date(Date.now() + NIN_CAPTURE_TTL_MS),
        },
        tx,
      );
    }
    return {
      created: true,
      id: created.id,
      status,
      createdAt: created.createdAt,
      listing: marketplaceSubject(created),
      ...(captureToken ? { ninCaptureToken: captureToken } : {}),
      report: {
        before: null,
        after: {
          createdAt: created.createdAt,
          lgaCode: fields.lgaCode,
          source: sub.channel,
          status,
          gender: fields.gender,
          dob: fields.dob,
          employmentType: fields.employmentType,
          skills: fields.skills,
        },
      },
    };
  }

  /**
   * The stored language of the registrant's account: the submitter's own for a self-registration
   * (the web wizard, whose account was made in the language it was asked for), else the account that
   * owns the mailbox, if any. Null: none known (the mail is in English).
   */
  private async mailLocale(tx: Executor, sub: { channel: string; submittedBy: string | null }, email: string) {
    if (sub.channel === 'public' && sub.submittedBy)
      return (await this.users.mailboxesOf(tx, [sub.submittedBy])).get(sub.submittedBy)?.locale ?? null;
    return (await this.users.findByEmail(tx, email))?.locale ?? null;
  }

  /** A respondent's short registration reference (`OY-7K3-9QX`). */
  async referenceOf(executor: Executor, id: string): Promise<string | undefined> {
    return (await this.repo.findById(executor, id))?.reference;
  }

  /**
   * `createFromSubmission` for an ingestion batch's records that carry a NIN, set-wise: one insert for
   * all (the partial unique index on the NIN's blind index still decides: a NIN taken — by a record
   * on file, an earlier record of this batch or a concurrent batch — inserts nothing), one look-up of
   * the holders of those left out, one audit insert, one duplicate-detection statement and one insert
   * of the pairs it finds. The batch's `lockDuplicateKeysFor` must have run first. Rows are inserted
   * sorted by blind index (ties in the batch's order: the first of one NIN wins), so concurrent batches
   * take the NIN index's entries in one order. Outcomes in the order of `records`.
   */
  async createManyFromSubmissions(
    tx: Executor,
    records: {
      actor: Actor;
      sub: { id: string; channel: Channel | string; submittedBy: string | null };
      nin: string;
      fields: RespondentFields;
      fraudBand: string | null;
    }[],
    batch: { staffNinHashes: ReadonlySet<string> },
  ): Promise<CreateOutcome[]> {
    const outcomes: (CreateOutcome | undefined)[] = new Array(records.length);
    const rows: { i: number; ninHash: string; values: BatchRespondent }[] = [];
    records.forEach(({ sub, nin, fields, fraudBand }, i) => {
      const ninHash = this.pii.blindIndex(nin, 'nin');
      if (batch.staffNinHashes.has(ninHash)) {
        outcomes[i] = { created: false, holder: { kind: 'staff' } };
        return;
      }
      const { phone, ...rest } = fields;
      rows.push({
        i,
        ninHash,
        values: {
          id: uuidv7(),
          ninHash,
          ninSealed: this.pii.seal(nin, 'nin'),
          phoneHash: this.pii.blindIndexOrNull(phone, 'phone'),
          phoneSealed: this.pii.sealOrNull(phone, 'phone'),
          status: 'active',
          ...rest,
          source: sub.channel,
          firstSubmissionId: sub.id,
          createdBy: sub.submittedBy,
          // A new record: noteFraudBand's greatest(0, rank) is the rank itself.
          flagRank: fraudBand ? (FRAUD_BAND_RANK[fraudBand] ?? 0) : 0,
        },
      });
    });
    rows.sort((a, b) => (a.ninHash < b.ninHash ? -1 : a.ninHash > b.ninHash ? 1 : a.i - b.i));
    const inserted = new Map(
      (
        await this.repo.insertManyUnlessNinTaken(
          tx,
          rows.map((r) => r.values),
        )
      ).map((r) => [r.id, r]),
    );
    const lost = rows.filter((r) => !inserted.has(r.values.id!));
    const holders = await this.repo.findByNinHashes(
      tx,
      lost.map((r) => r.ninHash),
    );
    for (const r of lost) {
      const h = holders.get(r.ninHash);
      if (!h) throw new Error('respondent insert conflicted without a holder');
      outcomes[r.i] = {
        created: false,
        holder: { kind: 'respondent', firstRegisteredAt: h.createdAt.toISOString(), source: h.source },
      };
    }
    const created = rows.flatMap((r) => {
      const row = inserted.get(r.values.id!);
      return row ? [{ i: r.i, row }] : [];
    });
    created.sort((a, b) => a.i - b.i);
    await recordAudits(
      tx,
      created.map(({ i, row }) => ({
        actor: records[i]!.actor,
        entry: {
          action: 'respondent.created',
          targetType: 'respondent',
          targetId: row.id,
          after: { source: records[i]!.sub.channel, status: 'active', submissionId: records[i]!.sub.id },
        },
      })),
    );
    // Likely duplicates: a pair found from both of its sides is one pair.
    const pairs = new Map<string, { id: string; a: string; b: string; reasons: string[] }>();
    for (const c of await this.repo.duplicateCandidatesOf(
      tx,
      created.map((c) => c.row.id),
    )) {
      const [a, b] = [c.id, c.of].sort() as [string, string];
      if (!pairs.has(`${a}|${b}`)) pairs.set(`${a}|${b}`, { id: uuidv7(), a, b, reasons: c.reasons });
    }
    await this.repo.insertDuplicates(tx, [...pairs.values()]);
    for (const { i, row } of created) {
      const f = records[i]!.fields;
      outcomes[i] = {
        created: true,
        id: row.id,
        status: 'active',
        createdAt: row.createdAt,
        listing: marketplaceSubject(row),
        report: {
          before: null,
          after: {
            createdAt: row.createdAt,
            lgaCode: f.lgaCode,
            source: records[i]!.sub.channel,
            status: 'active',
            gender: f.gender,
            dob: f.dob,
            employmentType: f.employmentType,
            skills: f.skills,
          },
        },
      };
    }
    return outcomes as CreateOutcome[];
  }

  /** `listCreated` for many new records: those that qualify listed in one statement. */
  async listCreatedMany(tx: Executor, listings: MarketplaceSubject[]): Promise<void> {
    await listProfiles(tx, listings);
  }

  /** The NIN blind indexes among these NINs that staff hold: one query for an ingestion batch. */
  staffNinsOf(tx: Executor, nins: string[]): Promise<Set<string>> {
    return this.users.staffNinHashes(
      tx,
      nins.map((n) => this.pii.blindIndex(n, 'nin')),
    );
  }

  /**
   * A just-created record's marketplace profile, from the record as inserted (no re-read): listed if it
   * qualifies; a record that never had a profile has none to remove. The professions are noted first
   * (`noteListings`), once for the batch.
   */
  async listCreated(tx: Executor, listing: MarketplaceSubject): Promise<void> {
    if (profileValues(listing)) await syncProfile(tx, listing);
  }

  /** The professions a batch's new records will list under, noted up front in one sorted statement. */
  noteListings(tx: Executor, records: { nin: string | null; fields: RespondentFields }[]): Promise<void> {
    return noteProfessions(
      tx,
      records.map(({ nin, fields: f }) => ({
        respondentId: '',
        status: nin ? 'active' : 'pending_nin_capture',
        ninOnFile: !!nin,
        consentMarketplace: f.consentMarketplace,
        mainOccupation: f.mainOccupation,
        skills: f.skills,
        lgaCode: f.lgaCode,
        yearsExperience: f.yearsExperience,
        verified: false,
        bio: f.marketplaceBio,
      })),
    );
  }

  /** After ingestion changed a respondent: their marketplace profile follows (same transaction). */
  syncMarketplace(tx: Executor, respondentId: string): Promise<boolean> {
    return syncMarketplace(tx, this.repo, respondentId);
  }

  /**
   * A listed worker's contact for a reveal (the marketplace's ContactPort): the record locked (shared)
   * so a consent change waits for the reveal or the reveal sees it; null when no longer listable.
   */
  async lockContact(tx: Executor, respondentId: string) {
    const r = await this.repo.lockForShare(tx, respondentId);
    if (!r || !r.consentMarketplace || !r.ninHash || !(r.status === 'active' || r.status === 'verified')) return null;
    return {
      shared: r.consentEnriched,
      name: [r.firstname, r.surname].filter(Boolean).join(' ') || 'Registered worker',
      phone: this.pii.openOrNull(r.phoneSealed, 'phone'),
      email: r.email,
    };
  }

  /** A submission of this respondent was scored: the assessor queue reads the highest band. */
  async noteFraudBand(tx: Executor, respondentId: string, band: string | null): Promise<void> {
    const rank = band ? (FRAUD_BAND_RANK[band] ?? 0) : 0;
    if (rank > 0) await this.repo.raiseFlagRank(tx, respondentId, rank);
  }

  /**
   * Take, up front and in one sorted order, the duplicate-detection keys of the records an ingestion
   * batch is about to create or change (detection later re-takes its own keys, already held).
   */
  lockDuplicateKeysFor(tx: Executor, records: RespondentFields[]): Promise<void> {
    return this.repo.lockDuplicateKeysOf(
      tx,
      records.map((f) => ({
        phoneHash: this.pii.blindIndexOrNull(f.phone, 'phone'),
        surname: f.surname,
        firstname: f.firstname,
        dob: f.dob,
        lgaCode: f.lgaCode,
      })),
    );
  }

  /**
   * Likely duplicates of a new (or changed) record, found in the ingestion's transaction: two index
   * look-ups per record, so it costs the same at 100 or 1,000,000 respondents. A pair once marked
   * distinct keeps its row (the unique pair index), so it never reappears.
   */
  detectDuplicates(tx: Executor, respondentId: string): Promise<number> {
    return detectDuplicates(tx, this.repo, respondentId);
  }

  /** Detection whose keys the caller already holds (an ingestion batch took them all up front). */
  private async recordDuplicates(tx: Executor, respondentId: string): Promise<void> {
    const candidates = await this.repo.duplicateCandidates(tx, respondentId);
    await this.repo.insertDuplicates(
      tx,
      candidates.map((c) => {
        const [a, b] = [c.id, respondentId].sort();
        return { id: uuidv7(), a: a!, b: b!, reasons: c.reasons };
      }),
    );
  }

  /**
   * A returned submission's correction updates the respondent the original created (never a second
   * one), in the ingestion's transaction. A NIN that changes must still be free (the same holder
   * look-up as a new registration); a correction without a NIN keeps the one on file.
   */
  async updateFromCorrection(
    tx: Executor,
    actor: Actor,
    respondentId: string,
    sub: { id: string; replaces: string | null },
    nin: string | null,
    fields: RespondentFields,
    fraudBand: string | null = null,
  ): Promise<
    { updated: true; id: string; status: string; report: ReportChange } | { updated: false; holder: NinHolder }
  > {
    const r = await this.repo.lockById(tx, respondentId);
    if (!r) throw new Error(`respondent ${respondentId} of a returned submission is missing`);
    let newNin: string | null = null;
    if (nin && this.pii.blindIndex(nin, 'nin') !== r.ninHash) {
      const holder = await this.holder(tx, nin);
      if (holder) return { updated: false, holder };
      newNin = nin;
    }
    // The record's LGA stays valid: an unknown code was refused before this point.
    const { phone, ...rest } = fields;
    const updated = await this.repo.updateFromCorrection(
      tx,
      r.id,
      {
        ...rest,
        phoneHash: this.pii.blindIndexOrNull(phone, 'phone'),
        phoneSealed: this.pii.sealOrNull(phone, 'phone'),
      },
      newNin ? { ninHash: this.pii.blindIndex(newNin, 'nin'), ninSealed: this.pii.seal(newNin, 'nin') } : null,
    );
    await recordAudit(tx, actor, {
      action: 'respondent.corrected',
      targetType: 'respondent',
      targetId: r.id,
      before: { status: r.status, submissionId: sub.replaces },
      after: { status: updated!.status, submissionId: sub.id, ninChanged: newNin !== null },
    });
    // Scored and checked for likely duplicates like a new record.
    await this.noteFraudBand(tx, r.id, fraudBand);
    await this.detectDuplicates(tx, r.id);
    const { phone: _phone, ...counted } = fields;
    return {
      updated: true,
      id: r.id,
      status: updated!.status,
      report: { before: reportSubject(r), after: reportSubject({ ...r, ...counted, status: updated!.status }) },
    };
  }

  /** The deferred-NIN path: the emailed one-time link adds the NIN, through the same uniqueness rules. */
  async completeNin(actor: Actor, token: string, rawNin: string) {
    const nin = normalizeNin(rawNin);
    if (!isWellFormedNin(nin))
      throw Unprocessable('NIN_INVALID', 'A NIN is 11 digits (not one digit repeated)', { field: 'nin' });
    const hash = hashToken(token);
    try {
      return await this.db.transaction(async (tx) => {
        const r = await this.repo.lockByCaptureToken(tx, hash);
        if (!r || r.status !== 'pending_nin_capture')
          throw Invalid('TOKEN_INVALID', 'This link is not valid or was already used');
        if (!r.ninCaptureExpiresAt || r.ninCaptureExpiresAt.getTime() < Date.now())
          throw Gone('TOKEN_EXPIRED', 'This link has expired');
        // The link's holder is a resident: a taken NIN gets the one neutral answer, whoever holds it.
        if (await this.holder(tx, nin)) throw Conflict('NIN_UNAVAILABLE');
        const updated = await this.repo.completeNin(tx, r.id, {
          ninHash: this.pii.blindIndex(nin, 'nin'),
          ninSealed: this.pii.seal(nin, 'nin'),
        });
        if (updated) await recordRespondent(tx, reportSubject(r), reportSubject({ ...r, status: updated.status }));
        if (updated) await syncMarketplace(tx, this.repo, r.id);
        await recordAudit(tx, actor, {
          action: 'respondent.nin_completed',
          targetType: 'respondent',
          targetId: r.id,
          before: { status: r.status },
          after: { status: 'active' },
        });
        return updated!;
      });
    } catch (err) {
      if (isUniqueViolation(err, 'respondents_nin_hash_uq')) throw Conflict('NIN_UNAVAILABLE');
      throw err;
    }
  }

  /** Pre-check: staff learn when and how; the public learn only yes/no. Every check is audited. */
  async checkNin(actor: Actor, rawNin: string) {
    const nin = normalizeNin(rawNin);
    const valid = isWellFormedNin(nin);
    if (valid) await this.limitNinChecks(actor, nin);
    const holder = valid ? await this.holder(this.db, nin) : null;
    const details = can(actor, 'nin.details');
    await recordAudit(this.db, actor, {
      action: 'nin.checked',
      targetType: 'nin',
      // Never the NIN itself: the audit log is read by people too.
      // Keyed (the blind index): an unkeyed hash of an 11-digit number is reversed in minutes.
      targetId: valid ? this.pii.blindIndex(nin, 'nin') : null,
      after: { valid, available: valid && !holder },
    });
    const out: { valid: boolean; available: boolean; firstRegisteredAt?: string; source?: string } = {
      valid,
      available: valid && !holder,
    };
    if (details && holder?.kind === 'respondent')
      Object.assign(out, { firstRegisteredAt: holder.firstRegisteredAt, source: holder.source });
    if (details && holder?.kind === 'staff') out.source = 'staff';
    return out;
  }

  /**
   * One respondent's record for an overseer within their scope (others: 404 or 403). Every view of
   * personal data is audited: who, which record, when, from where.
   */
  async get(actor: Actor, id: string): Promise<RespondentView> {
    const row = await this.repo.findById(this.db, id);
    requireAccess(actor, 'respondent.read', row && { lgaCode: row.lgaCode });
    await recordAudit(this.db, actor, { action: 'respondent.viewed', targetType: 'respondent', targetId: id });
    return this.view(actor, row!);
  }

  /** A record as its viewer may see it: NIN and phone opened, the NIN masked unless the role sees it whole. */
  view(actor: Actor, row: RespondentRow): RespondentView {
    return {
      ...row,
      ninShown: shownNin(actor, this.pii.openOrNull(row.ninSealed, 'nin')),
      phone: this.pii.openOrNull(row.phoneSealed, 'phone'),
    };
  }
  /**
   * A partner's pull of records (issue 15): only the key's LGAs (or the one it names, if covered),
   * only the fields its scopes allow — the NIN with `respondents:nin`, the phone with `respondents:phone`.
   */
  async forPartner(
    actor: Actor,
    query: PartnerRespondentsQuery,
  ): Promise<{ items: PartnerRespondent[]; nextCursor: string | null }> {
    requirePartner(actor, 'respondents:read', query.lga ?? null);
    let after: { at: string; id: string } | undefined;
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor, ['s', 's']) as [string, string];
      checkCursorParts(at, id);
      after = { at, id };
    }
    const rows = await this.repo.changedSince(
      this.db,
      { lgas: partnerLgas(actor, query.lga), since: query.updatedSince },
      query.limit + 1,
      after,
    );
    const page = rows.slice(0, query.limit);
    const withNin = partnerMay(actor, 'respondents:nin');
    const withPhone = partnerMay(actor, 'respondents:phone');
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        id: r.id,
        status: r.status,
        surname: r.surname,
        firstname: r.firstname,
        gender: r.gender,
        dob: r.dob,
        lga: r.lgaCode,
        mainOccupation: r.mainOccupation,
        employmentType: r.employmentType,
        yearsExperience: r.yearsExperience,
        skills: r.skills ?? [],
        verified: r.verification === 'verified',
        source: r.source,
        createdAt: r.createdAt.toISOString(),
        updatedAt: r.updatedAt.toISOString(),
        ...(withNin ? { nin: this.pii.openOrNull(r.ninSealed, 'nin') } : {}),
        ...(withPhone ? { phone: this.pii.openOrNull(r.phoneSealed, 'phone') } : {}),
      })),
      nextCursor: rows.length > query.limit && last ? encodeCursor([last.updatedAtKey, last.id]) : null,
    };
  }
  // --- secondary-data imports (issue 15) ----------------------------------------------------------

  /**
   * Why each person of an import could not be created against the registry as it stands: the NIN
   * already registered or held by staff; likely the same person as a record (phone, or name + date of
   * birth + LGA, when one of the two has no NIN). One entry per person, empty when it may be created.
   */
  async importConflicts(executor: Executor, people: ImportedPerson[]): Promise<ImportSkipReason[][]> {
    const ninHash = (p: ImportedPerson) => this.pii.blindIndexOrNull(p.nin, 'nin');
    const phoneHash = (p: ImportedPerson) => this.pii.blindIndexOrNull(p.fields.phone, 'phone');
    const hashes = people.map((p) => ({ nin: ninHash(p), phone: phoneHash(p), name: nameKeyOf(p.fields) }));
    const ninHashes = hashes.flatMap((h) => (h.nin ? [h.nin] : []));
    const [found, staff] = await Promise.all([
      this.repo.matchKeys(executor, {
        ninHashes,
        phoneHashes: hashes.flatMap((h) => (h.phone ? [h.phone] : [])),
        names: people.flatMap((p) =>
          nameKeyOf(p.fields)
            ? [
                {
                  surname: p.fields.surname!,
                  firstname: p.fields.firstname!,
                  dob: p.fields.dob!,
                  lgaCode: p.fields.lgaCode!,
                },
              ]
            : [],
        ),
      }),
      ninHashes.length ? this.users.staffNinHashes(executor, ninHashes) : Promise.resolve(new Set<string>()),
    ]);
    return hashes.map((h) => {
      const reasons: ImportSkipReason[] = [];
      if (h.nin && found.nins.has(h.nin)) reasons.push('nin_duplicate_registry');
      if (h.nin && staff.has(h.nin)) reasons.push('nin_staff');
      // A likely duplicate needs one of the pair without a NIN: this row, or a holder of the key.
      const phoneHolder = h.phone ? found.phones.get(h.phone) : undefined;
      if (phoneHolder !== undefined && (!h.nin || phoneHolder)) reasons.push('likely_duplicate_phone');
      const nameHolder = h.name ? found.names.get(h.name) : undefined;
      if (nameHolder !== undefined && (!h.nin || nameHolder)) reasons.push('likely_duplicate_name');
      return reasons;
    });
  }

  /**
   * Create an import's people in the caller's transaction: checked again against the registry as it
   * is now (it may have changed since the dry run), with the duplicate keys locked as ingestion does.
   * A person with a NIN is `active`; without one, `imported_unverified` (outside NIN checks and the
   * marketplace until verified). Returns, per person, the new id or why it was skipped.
   */
  async createImported(
    tx: Executor,
    actor: Actor,
    people: ImportedPerson[],
  ): Promise<({ id: string } | { skipped: ImportSkipReason[] })[]> {
    await this.lockDuplicateKeysFor(
      tx,
      people.map((p) => p.fields),
    );
    const conflicts = await this.importConflicts(tx, people);
    const values = people.flatMap((p, i) => {
      if (conflicts[i]!.length) return [];
      const { phone, ...rest } = p.fields;
      return [
        {
          id: uuidv7(),
          ninHash: this.pii.blindIndexOrNull(p.nin, 'nin'),
          ninSealed: this.pii.sealOrNull(p.nin, 'nin'),
          phoneHash: this.pii.blindIndexOrNull(phone, 'phone'),
          phoneSealed: this.pii.sealOrNull(phone, 'phone'),
          status: p.nin ? 'active' : 'imported_unverified',
          ...rest,
          consentMarketplace: false,
          consentEnriched: false,
          source: 'import',
          createdBy: actor.id,
          ninCaptureTokenHash: null,
        },
      ];
    });
    const inserted = await this.repo.insertMany(tx, values);
    const ids = new Set(inserted.map((r) => r.id));
    await recordRespondents(
      tx,
      inserted.map((r) => ({ before: null, after: reportSubject(r) })),
    );
    let v = 0;
    return people.map((_, i) => {
      if (conflicts[i]!.length) return { skipped: conflicts[i]! };
      const id = values[v++]!.id;
      // Not inserted: its NIN was registered in the meantime.
      return ids.has(id) ? { id } : { skipped: ['nin_duplicate_registry' as const] };
    });
  }

  /**
   * Undo an import's records in the caller's transaction: those untouched since are removed (and
   * leave the report rollups); those changed since are kept and reported with the reason.
   */
  async removeImported(
    tx: Executor,
    ids: string[],
  ): Promise<{ removed: number; kept: { respondentId: string; reason: string }[] }> {
    const rows = await this.repo.lockWithTouches(tx, ids);
    const removable = rows.filter((r) => !r.touched);
    await recordRespondents(
      tx,
      removable.map((r) => ({ before: reportSubject(r), after: null })),
    );
    await this.repo.deleteMany(
      tx,
      removable.map((r) => r.id),
    );
    return {
      removed: removable.length,
      kept: rows.filter((r) => r.touched).map((r) => ({ respondentId: r.id, reason: r.touched! })),
    };
  }
}

/** One person of a secondary list, normalised: the NIN apart, the rest as a submission would fill it. */
export interface ImportedPerson {
  nin: string | null;
  fields: RespondentFields;
}

/** The likely-duplicate name key (as the name index reads it), or null when a part is missing. */
export function nameKeyOf(f: Pick<RespondentFields, 'surname' | 'firstname' | 'dob' | 'lgaCode'>): string | null {
  return f.surname && f.firstname && f.dob && f.lgaCode
    ? `${f.surname.toLowerCase()}|${f.firstname.toLowerCase()}|${f.dob}|${f.lgaCode}`
    : null;
}

export type RespondentView = RespondentRow & { ninShown: string | null; phone: string | null };

/** The assessor's decision as the API shows it. */
export function verificationOf(row: RespondentRow): RespondentDetail['verification'] {
  return {
    decision: (row.verification as RespondentDetail['verification']['decision']) ?? null,
    by: row.verifiedBy,
    at: row.verifiedAt?.toISOString() ?? null,
    reason: row.verificationReason,
  };
}

export function toRespondentDetail(
  row: RespondentView,
  submissions: RespondentDetail['submissions'],
  history: RespondentDetail['history'] = [],
): RespondentDetail {
  return {
    id: row.id,
    reference: row.reference,
    status: row.status as RespondentDetail['status'],
    nin: row.ninShown,
    ninOnFile: row.ninHash !== null,
    surname: row.surname,
    firstname: row.firstname,
    gender: row.gender,
    dob: row.dob,
    phone: row.phone,
    email: row.email,
    lga: row.lgaCode,
    mainOccupation: row.mainOccupation,
    mainOccupationSkill: skillNamed(row.mainOccupation),
    employmentType: row.employmentType,
    yearsExperience: row.yearsExperience,
    skills: row.skills ?? [],
    consentMarketplace: row.consentMarketplace,
    consentEnriched: row.consentEnriched,
    source: row.source,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    verification: verificationOf(row),
    verified: row.verification === 'verified',
    mergedInto: row.mergedInto,
    submissions,
    history,
  };
}
