/**
 * The life of a submission, after intake (service.ts) has committed it with its outbox row:
 * the ingest job re-validates it against its exact version, checks the NIN, creates the respondent
 * (respondents module), scores fraud (fraud module) and settles the outcome — idempotently (the row
 * is locked and only a `received` one is processed, so a redelivery from the at-least-once queue or
 * the outbox relay changes nothing).
 *
 * The job works in batches: one transaction claims up to `batchSize` pending submissions (SKIP
 * LOCKED: concurrent jobs take disjoint batches), each is processed under its own savepoint (one that
 * fails is rolled back alone, never its neighbours), and the report rollups of the whole batch are
 * written once, last, before the commit. The job repeats until nothing is left to claim.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  isLgaCode,
  isWellFormedNin,
  normalizeNin,
  reviewStep,
  type FormSchema,
  type ReportSubject,
  type ReviewStatus,
  type Role,
} from '@oslrs/core';
import { waivedOnChannel } from './channel-rules.js';
import { systemActor } from '../../access/index.js';
import type { Db, Executor } from '../../infra/db.js';
import { recordAudit } from '../audit/index.js';
import type { FraudResult, FraudService } from '../fraud/index.js';
import { defineJob, type JobsService } from '../jobs/index.js';
import { respondentFieldName, type VersionCache } from '../questionnaires/index.js';
import { recordRespondents } from '../reports/index.js';
import { findPgError } from '../../errors.js';
import {
  respondentFields,
  type CreateOutcome,
  type RespondentFields,
  type RespondentService,
} from '../respondents/index.js';
import type { SubmissionOutcome, SubmissionRepository, SubmissionRow } from './repository.js';
import { awaitsIngestion, correctionMove } from './resident-corrections.js';

export const INGEST_JOB = defineJob('submission.ingest');

/** The channel was derived from the submitter's role at intake; the audit row names it back. */
const ROLE_BY_CHANNEL: Record<string, Role> = {
  enumerator: 'enumerator',
  clerk: 'data_entry_clerk',
  public: 'public_user',
};

/**
 * What a channel learns when one of its submissions is settled, inside the settling transaction (so
 * a confirmation written to an outbox commits with the outcome, or not at all).
 */
export interface SettledEvent {
  submission: SubmissionRow;
  status: 'ingested' | 'rejected';
  /** The rejection's code (NIN_DUPLICATE, ANSWERS_INVALID…). */
  code?: string;
  respondentId?: string;
  /** The respondent's phone as the answers gave it (normalised), when there is one. */
  phone: string | null;
  /** A record created without a NIN: its one-time completion token. */
  ninCaptureToken?: string;
}
export type SettledListener = (tx: Executor, event: SettledEvent) => Promise<void>;

export interface IngestOutcome {
  status: 'ingested' | 'rejected' | 'skipped';
  code?: string;
}

/** Job ids for a list of submissions: one job per `batchSize` of them (each job drains, whatever its id). */
export function ingestJobIds(ids: readonly string[], batchSize: number): string[] {
  return batchSize <= 1 ? [...ids] : ids.filter((_, i) => i % batchSize === 0);
}

/** What a submission's answers say, worked out before anything is written (no database work). */
type Prepared =
  | { kind: 'skip' }
  | { kind: 'reject'; code: string; message: string; details?: unknown }
  | { kind: 'go'; nin: string | null; fields: RespondentFields };

/** What a batch read once for all its submissions. */
interface Batch {
  staffNinHashes: ReadonlySet<string>;
  fraud: Map<string, FraudResult>;
}

type ReportChanges = { before: ReportSubject | null; after: ReportSubject | null }[];
type BatchOutcome = IngestOutcome | { status: 'deferred'; error: unknown } | { status: 'failed'; error: unknown };

/** Errors that say "try again" (another transaction was in the way), not "this submission is bad". */
const TRANSIENT = new Set(['40P01', '40001', '55P03']);

export class Ingestion {
  constructor(
    private readonly db: Db,
    private readonly repo: SubmissionRepository,
    private readonly versions: VersionCache,
    private readonly fraud: FraudService,
    private readonly respondents: RespondentService,
    /** Submissions per transaction for the job; 1 runs the one-per-job path (each job its own id). */
    private readonly batchSize = 1,
    /** Batched jobs that drain at once in this process (`drainJob`). */
    private readonly maxDrains = 2,
    /**
     * How long a drain waits before claiming when nothing is waiting behind a full claim (0: never):
     * under a trickle of small requests, the next requests' submissions are claimed with these.
     */
    private readonly lingerMs = 0,
  ) {}

  /**
   * Batches whose plain submissions went the careful way after the set-wise statements failed: the
   * same outcomes, only slower (tests read it to know the set-wise path itself did the work).
   */
  setWiseFallbacks = 0;
  /** Claims that found submissions to settle (tests read it to see several requests settled in one). */
  claims = 0;

  private readonly listeners = new Map<string, SettledListener>();
  /** A channel's listener for its own submissions, settled (ingested or rejected). */
  onSettled(channel: string, listener: SettledListener) {
    this.listeners.set(channel, listener);
  }

  registerJobs(jobs: JobsService) {
    jobs.register(INGEST_JOB, async (id) => {
      if (this.batchSize <= 1) await this.ingest(id);
      else await this.drainJob();
    });
  }

  private drains = 0;
  private drainAgain = false;
  /** The last claim of a drain here was a full batch: more are waiting, a second drain may help. */
  private backlog = false;

  /**
   * A batched ingest job: drains, unless `maxDrains` drains already run here; then it leaves its
   * submissions to them and one of them drains once more before it stops (so a submission committed
   * after a running drain's last claim is still claimed now, not at the relay's next round). Each job
   * names no submission of its own: any drain claims whatever is pending. More drains at once than
   * there are cores only contend for the same locks (the rollups' shared rows, the claim's skipped rows).
   *
   * With a linger (`lingerMs`), a trickle is claimed in fewer, larger batches: a drain that starts, or
   * drains once more, with no full claim behind it first waits `lingerMs`; the jobs that arrive
   * meanwhile, or while it runs, only ask it to drain once more (a second drain starts only on a
   * backlog). The claim after the wait sees every submission whose job had arrived, since intake
   * enqueues after its commit; one that arrives later sets `drainAgain`, so none waits for the relay.
   * A submission waits at most `lingerMs` longer than without it.
   */
  async drainJob(): Promise<void> {
    const lingering = this.lingerMs > 0;
    if (this.drains >= this.maxDrains || (lingering && this.drains > 0 && !this.backlog)) {
      this.drainAgain = true;
      return;
    }
    this.drains++;
    let failure: unknown;
    try {
      do {
        if (lingering && this.drains === 1 && !this.backlog) await sleep(this.lingerMs);
        this.drainAgain = false;
        await this.drain().catch((err: unknown) => {
          failure = err;
        });
      } while (this.drainAgain);
    } finally {
      this.drains--;
    }
    // Left pending: the queue retries this job (and the relay after that), as before.
    if (failure) throw failure;
  }

  /** One submission, in its own transaction (waits for its row if another holds it): a redelivery of one id. */
  async ingest(submissionId: string): Promise<IngestOutcome> {
    return this.db.transaction(async (tx) => {
      const sub = await this.repo.lockForIngest(tx, submissionId);
      if (!sub) return { status: 'skipped' as const };
      const [outcome] = await this.process(tx, [sub], false);
      return outcome as IngestOutcome;
    });
  }

  /**
   * The ingest job: batches of pending submissions, one transaction each, until none is left to claim.
   * A submission that throws is rolled back alone (its savepoint) and left pending; the job throws at
   * the end so the queue retries it (and the relay after that), as a one-submission job would.
   */
  async drain(): Promise<{ ingested: number; rejected: number; skipped: number }> {
    const totals = { ingested: 0, rejected: 0, skipped: 0 };
    const failed = new Map<string, unknown>();
    const deferrals = new Map<string, number>();
    for (;;) {
      const round = await this.db.transaction(async (tx) => {
        const subs = await this.repo.claimPending(tx, this.batchSize, [...failed.keys()]);
        this.backlog = subs.length >= this.batchSize;
        if (subs.length) this.claims++;
        return subs.length ? { subs, outcomes: await this.process(tx, subs, true) } : null;
      });
      if (!round) break;
      round.outcomes.forEach((o, i) => {
        const id = round.subs[i]!.id;
        if (o.status === 'failed') failed.set(id, o.error);
        else if (o.status === 'deferred') {
          // Lost a lock race (a deadlock with another batch): claimed again next round, a few times.
          const n = (deferrals.get(id) ?? 0) + 1;
          deferrals.set(id, n);
          if (n >= 5) failed.set(id, o.error);
        } else totals[o.status]++;
      });
    }
    if (failed.size)
      throw new AggregateError(
        [...failed.values()],
        `${failed.size} submission(s) could not be ingested; left pending`,
      );
    return totals;
  }

  /**
   * Locked submissions, in one transaction. `isolate` (a batch): the plain cases — skipped, rejected
   * from the answers, a new record with a NIN — are settled set-wise (`setWise`: a few statements for
   * the whole batch) under one savepoint; if any of that fails, the savepoint is rolled back and they go
   * the careful way with the rest (corrections, deferred NINs): each under its own savepoint, so a
   * failure rolls back that submission alone. A one-submission transaction needs none: it fails whole.
   */
  private async process(tx: Executor, subs: SubmissionRow[], isolate: boolean): Promise<BatchOutcome[]> {
    const prepared: Prepared[] = [];
    for (const sub of subs) prepared.push(await this.prepare(tx, sub));
    const batch = await this.readAhead(tx, subs, prepared);
    const reports: ReportChanges = [];
    const outcomes: BatchOutcome[] = new Array(subs.length);
    let careful = subs.map((_, i) => i);
    if (isolate) {
      // A channel that listens to its settlements (USSD: the reference by SMS, a verified phone) goes
      // the careful way, where `one` calls its listener.
      const plain = careful.filter((i) => {
        const p = prepared[i]!;
        if (this.listeners.has(subs[i]!.channel)) return false;
        return p.kind !== 'go' || (p.nin !== null && !subs[i]!.replaces);
      });
      if (plain.length > 1) {
        const mine: ReportChanges = [];
        try {
          const settled = await tx.transaction((sp) =>
            this.setWise(
              sp,
              plain.map((i) => subs[i]!),
              plain.map((i) => prepared[i]!),
              mine,
              batch,
            ),
          );
          plain.forEach((i, k) => (outcomes[i] = settled[k]!));
          reports.push(...mine);
          const done = new Set(plain);
          careful = careful.filter((i) => !done.has(i));
        } catch {
          // Rolled back to the savepoint: each of them again, alone, below (a failure is then its own).
          this.setWiseFallbacks++;
        }
      }
    }
    for (const i of careful) {
      const sub = subs[i]!;
      const prep = prepared[i]!;
      if (!isolate) {
        outcomes[i] = await this.one(tx, sub, prep, reports, batch);
        continue;
      }
      const mine: ReportChanges = [];
      try {
        outcomes[i] = await tx.transaction((sp) => this.one(sp, sub, prep, mine, batch));
        reports.push(...mine);
      } catch (error) {
        const code = findPgError(error)?.code;
        outcomes[i] = { status: code && TRANSIENT.has(code) ? 'deferred' : 'failed', error };
      }
    }
    // Report rollups, last in the transaction: the shared `*` rows stay locked only until the commit,
    // and are written once for the whole batch (see reports/service.ts recordRespondents).
    await recordRespondents(tx, reports);
    return outcomes;
  }

  /**
   * What `one` does, for many plain submissions at once (none a correction; every new record with a
   * NIN): the records created in one statement (the NIN's unique index still decides who is first),
   * then every outcome settled, the skipped marked done and the new profiles listed, one statement each.
   */
  private async setWise(
    tx: Executor,
    subs: SubmissionRow[],
    prepared: Prepared[],
    reports: ReportChanges,
    batch: Batch,
  ): Promise<IngestOutcome[]> {
    const out: IngestOutcome[] = new Array(subs.length);
    const skipped: string[] = [];
    const settle: { id: string; outcome: SubmissionOutcome }[] = [];
    const creates: {
      k: number;
      scored: SubmissionOutcome;
      nin: string;
      fields: RespondentFields;
      band: string | null;
    }[] = [];
    const now = new Date();
    const reject = (k: number, scored: SubmissionOutcome, code: string, message: string, details?: unknown) => {
      settle.push({
        id: subs[k]!.id,
        outcome: {
          status: 'rejected',
          error: { code, message, ...(details ? { details } : {}) },
          ingestedAt: now,
          ...scored,
        },
      });
      out[k] = { status: 'rejected', code };
    };
    for (let k = 0; k < subs.length; k++) {
      const sub = subs[k]!;
      const prep = prepared[k]!;
      if (prep.kind === 'skip') {
        skipped.push(sub.id);
        out[k] = { status: 'skipped' };
        continue;
      }
      const version = await this.versions.load(tx, sub.questionnaireVersionId);
      const fraud = version ? (batch.fraud.get(sub.id) ?? null) : null;
      const scored: SubmissionOutcome = fraud
        ? {
            fraudScore: fraud.score,
            fraudBand: fraud.band,
            fraudReasons: fraud.reasons,
            fraudSettingsVersion: fraud.settingsVersion,
          }
        : {};
      if (prep.kind === 'reject') reject(k, scored, prep.code, prep.message, prep.details);
      else creates.push({ k, scored, nin: prep.nin!, fields: prep.fields, band: fraud?.band ?? null });
    }
    const created = await this.respondents.createManyFromSubmissions(
      tx,
      creates.map(({ k, nin, fields, band }) => {
        const sub = subs[k]!;
        return {
          actor: systemActor(`submission:${sub.id}`, {
            id: sub.submittedBy,
            role: ROLE_BY_CHANNEL[sub.channel] ?? null,
          }),
          sub,
          nin,
          fields,
          fraudBand: band,
        };
      }),
      batch,
    );
    const listings: Extract<CreateOutcome, { created: true }>['listing'][] = [];
    created.forEach((outcome, j) => {
      const { k, scored } = creates[j]!;
      if ('holder' in outcome) {
        const { holder } = outcome;
        if (holder.kind === 'staff')
          reject(k, scored, 'NIN_DUPLICATE_STAFF', 'This NIN belongs to a registry staff member');
        else
          reject(
            k,
            scored,
            'NIN_DUPLICATE',
            `Already registered on ${holder.firstRegisteredAt.slice(0, 10)} through the ${holder.source} channel`,
            { firstRegisteredAt: holder.firstRegisteredAt, source: holder.source },
          );
        return;
      }
      settle.push({
        id: subs[k]!.id,
        outcome: { status: 'ingested', respondentId: outcome.id, ingestedAt: now, error: null, ...scored },
      });
      listings.push(outcome.listing);
      reports.push(outcome.report);
      out[k] = { status: 'ingested' };
    });
    await this.repo.markDoneMany(tx, skipped);
    await this.repo.settleMany(tx, settle);
    // The marketplace profiles follow the new records, in this transaction.
    await this.respondents.listCreatedMany(tx, listings);
    return out;
  }

  /**
   * A batch does once, up front, what each submission would otherwise ask on its own: fraud signals'
   * reads; which NINs staff hold; duplicate detection's keys for every record it may write, locked in
   * one sorted order; the professions it will list under. Every transaction, a one-submission one
   * too (a redelivery racing a batch), takes these locks first and in this order: none waits crosswise.
   */
  private async readAhead(tx: Executor, subs: SubmissionRow[], prepared: Prepared[]): Promise<Batch> {
    const scored: { sub: SubmissionRow; form: FormSchema }[] = [];
    for (let i = 0; i < subs.length; i++) {
      if (prepared[i]!.kind === 'skip') continue;
      const version = await this.versions.load(tx, subs[i]!.questionnaireVersionId);
      if (version) scored.push({ sub: subs[i]!, form: version.form });
    }
    const results = await this.fraud.scoreMany(tx, scored);
    const fraud = new Map(scored.map(({ sub }, i) => [sub.id, results[i]!]));
    const goes = prepared.flatMap((p) => (p.kind === 'go' ? [p] : []));
    const nins = goes.flatMap((p) => (p.nin ? [p.nin] : []));
    const staffNinHashes = await this.respondents.staffNinsOf(tx, nins);
    if (goes.length) {
      await this.respondents.lockDuplicateKeysFor(
        tx,
        goes.map((p) => p.fields),
      );
      await this.respondents.noteListings(tx, goes);
    }
    return { staffNinHashes, fraud };
  }

  /** Everything decided from the answers alone: validity, NIN, respondent fields. */
  private async prepare(tx: Executor, sub: SubmissionRow): Promise<Prepared> {
    // (A resident's correction request is `held` until approved: resident-corrections.ts.)
    if (!awaitsIngestion(sub)) return { kind: 'skip' };
    const version = await this.versions.load(tx, sub.questionnaireVersionId);
    if (!version)
      return { kind: 'reject', code: 'VERSION_UNKNOWN', message: 'The questionnaire version no longer exists' };
    const check = version.compiled.validate(sub.answers);
    const ninField = respondentFieldName(version.form, 'nin');
    const errors = check.errors.filter(
      (e) =>
        !(sub.ninDeferred && e.field === ninField && e.code === 'REQUIRED') &&
        !waivedOnChannel(version.form, sub.channel, e),
    );
    if (errors.length)
      return {
        kind: 'reject',
        code: 'ANSWERS_INVALID',
        message: 'The answers do not satisfy their questionnaire',
        details: { errors },
      };
    const values = check.values;
    const rawNin = values[ninField];
    const ninText = typeof rawNin === 'number' ? String(rawNin) : typeof rawNin === 'string' ? rawNin.trim() : '';
    const nin = ninText ? normalizeNin(ninText) : null;
    if (nin && !isWellFormedNin(nin))
      return { kind: 'reject', code: 'NIN_INVALID', message: 'A NIN is 11 digits (not one digit repeated)' };
    if (!nin && !sub.ninDeferred)
      return { kind: 'reject', code: 'NIN_REQUIRED', message: 'No NIN was given and it was not marked as deferred' };
    const fields = respondentFields(version.form, values);
    if (fields.lgaCode && !isLgaCode(fields.lgaCode))
      return { kind: 'reject', code: 'LGA_UNKNOWN', message: `Unknown LGA "${fields.lgaCode}"` };
    return { kind: 'go', nin, fields };
  }

  /** One prepared submission: scored, then rejected or made a respondent, and settled. */
  private async one(
    tx: Executor,
    sub: SubmissionRow,
    prep: Prepared,
    reports: ReportChanges,
    batch: Batch,
  ): Promise<IngestOutcome> {
    if (prep.kind === 'skip') {
      await this.repo.markDone(tx, sub.id);
      return { status: 'skipped' };
    }
    const version = await this.versions.load(tx, sub.questionnaireVersionId);
    // Flags never reject: every channel is scored, whatever happens to the record.
    const fraud = version ? (batch.fraud.get(sub.id) ?? null) : null;
    const scored: SubmissionOutcome = fraud
      ? {
          fraudScore: fraud.score,
          fraudBand: fraud.band,
          fraudReasons: fraud.reasons,
          fraudSettingsVersion: fraud.settingsVersion,
        }
      : {};
    const listener = this.listeners.get(sub.channel);
    const phone = prep.kind === 'go' ? (prep.fields.phone ?? null) : null;
    const reject = async (code: string, message: string, details?: unknown) => {
      await this.repo.settle(tx, sub.id, {
        status: 'rejected',
        error: { code, message, ...(details ? { details } : {}) },
        ingestedAt: new Date(),
        ...scored,
      });
      if (listener) await listener(tx, { submission: sub, status: 'rejected', code, phone });
      return { status: 'rejected' as const, code };
    };
    if (prep.kind === 'reject') return reject(prep.code, prep.message, prep.details);
    const { nin, fields } = prep;

    const actor = systemActor(`submission:${sub.id}`, {
      id: sub.submittedBy,
      role: ROLE_BY_CHANNEL[sub.channel] ?? null,
    });
    // A correction: the returned original becomes superseded, its respondent is updated (not duplicated).
    let original: Awaited<ReturnType<SubmissionRepository['lockForIngest']>>;
    if (sub.replaces) {
      original = await this.repo.lockForIngest(tx, sub.replaces);
      if (!original || reviewStep(original.reviewStatus as ReviewStatus, correctionMove(sub)).kind !== 'change')
        return reject('REPLACES_NOT_RETURNED', 'The submission this one corrects is no longer returned for correction');
    }
    const band = fraud?.band ?? null;
    const outcome = original?.respondentId
      ? await this.respondents.updateFromCorrection(tx, actor, original.respondentId, sub, nin, fields, band)
      : await this.respondents.createFromSubmission(tx, actor, sub, nin, fields, band, batch);
    if ('holder' in outcome) {
      const { holder } = outcome;
      if (holder.kind === 'staff') return reject('NIN_DUPLICATE_STAFF', 'This NIN belongs to a registry staff member');
      return reject(
        'NIN_DUPLICATE',
        `Already registered on ${holder.firstRegisteredAt.slice(0, 10)} through the ${holder.source} channel`,
        { firstRegisteredAt: holder.firstRegisteredAt, source: holder.source },
      );
    }
    if (original) {
      await this.repo.setReview(tx, original.id, { reviewStatus: 'superseded' });
      await recordAudit(tx, actor, {
        action: 'submission.superseded',
        targetType: 'submission',
        targetId: original.id,
        before: { reviewStatus: original.reviewStatus },
        after: { reviewStatus: 'superseded', by: sub.id },
      });
    }
    await this.repo.settle(tx, sub.id, {
      status: 'ingested',
      respondentId: outcome.id,
      ingestedAt: new Date(),
      error: null,
      ...scored,
    });
    // The marketplace profile follows the record (listed, changed or unlisted) in this transaction.
    if ('listing' in outcome) await this.respondents.listCreated(tx, outcome.listing);
    else await this.respondents.syncMarketplace(tx, outcome.id);
    if (listener)
      await listener(tx, {
        submission: sub,
        status: 'ingested',
        respondentId: outcome.id,
        phone,
        ...('ninCaptureToken' in outcome && outcome.ninCaptureToken
          ? { ninCaptureToken: outcome.ninCaptureToken }
          : {}),
      });
    // Report rollups: recorded by the caller, once for the batch, last in the transaction.
    reports.push(outcome.report);
    return { status: 'ingested' };
  }
}
