import { createHash } from 'node:crypto';
import {
  ERRORS,
  MAX_BATCH,
  isLgaCode,
  isWellFormedNin,
  normalizePhone,
  parseSubmissionBody,
  reviewStep,
  type ReviewStatus,
  type Channel,
  type ResidentCorrection,
  type Role,
  type SubmissionBody,
  type SubmissionStatusView,
} from '@oslrs/core';
import { can, requireAccess, systemActor, type Actor } from '../../access/index.js';
import { deleteInBatches, type Db, type Executor } from '../../infra/db.js';
import {
  Conflict,
  DomainError,
  Forbidden,
  Invalid,
  TooManyRequests,
  Unprocessable,
  isUniqueViolation,
} from '../../errors.js';
import type { KeyValueStore } from '../../infra/kv.js';
import type { PiiCipher } from '../../infra/pii.js';
import { fraudSummary } from '../fraud/index.js';
import { respondentFieldName, type QuestionnaireService, type VersionCache } from '../questionnaires/index.js';
import { HOUSEKEEPING_EVERY_MS, type JobsService } from '../jobs/index.js';
import { recordAudit } from '../audit/index.js';
import { INGEST_JOB, ingestJobIds } from './ingest.js';
import { collectorReviewOf } from './review.js';
import type {
  NewAttachment,
  NewSubmission,
  SubmissionRepository,
  SubmissionRow,
  SubmissionStatusRow,
} from './repository.js';
import { attachmentsFor, progressOf } from './attachments.js';
import { waivedOnChannel } from './channel-rules.js';
import {
  liveRegistrationView,
  residentCorrectionOf,
  shownStatus,
  type LiveRegistration,
} from './resident-corrections.js';
import { canonical } from './canonical.js';

/** The channel comes from who is calling, never from the body. */
export const CHANNEL_BY_ROLE: Partial<Record<Role, Channel>> = {
  enumerator: 'enumerator',
  data_entry_clerk: 'clerk',
  public_user: 'public',
};

/** Roles that see a submission's fraud score and the first registration behind a duplicate NIN. */
const OVERSEER_ROLES: readonly Role[] = ['super_admin', 'supervisor', 'verification_assessor', 'government_official'];
const NIN_TAKEN_CODES = new Set(['NIN_DUPLICATE', 'NIN_DUPLICATE_STAFF']);

/**
 * A submission's status as `viewer` may see it. Collectors (enumerators, clerks) learn when and how a
 * duplicate NIN was first registered (SPEC); residents learn only that the NIN cannot be registered
 * here, whoever holds it. Only overseers see fraud scores and reasons (a collector who sees them
 * learns how to avoid them).
 */
export function toStatusView(row: SubmissionStatusRow, viewer?: Actor): SubmissionStatusView {
  const view: SubmissionStatusView = {
    id: row.id,
    status: shownStatus(row.status),
    receivedAt: row.receivedAt.toISOString(),
  };
  const error = row.error as SubmissionStatusView['error'] | null;
  if (error) {
    view.error =
      NIN_TAKEN_CODES.has(error.code) && !can(viewer ?? SYSTEM_VIEWER, 'nin.details')
        ? { code: 'NIN_UNAVAILABLE', message: ERRORS.NIN_UNAVAILABLE.message }
        : error;
  }
  if (row.respondentId) view.respondentId = row.respondentId;
  if (row.replaces) view.replaces = row.replaces;
  view.review = collectorReviewOf(row);
  if (row.ingestedAt) view.ingestedAt = row.ingestedAt.toISOString();
  const overseer = !viewer || (viewer.role !== null && OVERSEER_ROLES.includes(viewer.role));
  if (overseer && row.fraudScore !== null && row.fraudBand) {
    view.fraud = fraudSummary(row.fraudScore, row.fraudBand, row.fraudReasons);
  }
  return view;
}
const SYSTEM_VIEWER = systemActor('view');

/** A submission's sender and outcome, without its answers (SubmissionService.outcomeOf). */
export interface SubmissionOutcomeView {
  id: string;
  submittedBy: string | null;
  channel: string;
  status: string;
  respondentId: string | null;
  /** A rejection's code (NIN_DUPLICATE, ANSWERS_INVALID…). */
  errorCode?: string;
}

/** Residents: at most this many registration attempts a day (each duplicate answer is a NIN look-up). */
const PUBLIC_ATTEMPTS_PER_DAY = 5;

export class SubmissionService {
  constructor(
    private readonly db: Db,
    private readonly repo: SubmissionRepository,
    private readonly versions: VersionCache,
    private readonly jobs: JobsService,
    private readonly questionnaires: Pick<QuestionnaireService, 'getUsage'>,
    private readonly kv: KeyValueStore,
    private readonly onError: (err: unknown, msg: string) => void,
    private readonly pii: PiiCipher,
    /** The ingest job's batch size: one job is enqueued per this many submissions (ingest.ts). */
    private readonly ingestBatch = 1,
    /** The respondents module's short registration references (shown with an ingested submission's status). */
    private readonly references?: {
      referenceOf(executor: Executor, respondentId: string): Promise<string | undefined>;
    },
  ) {}

  /**
   * A resident registers one person, themself, through the public questionnaire only, and may try
   * only a few times a day: a resident's account must not be a way to look up or claim other
   * people's NINs. Counting fails closed: without the counter store, residents wait.
   */
  private async checkResidentForm(actor: Actor, versions: { questionnaireId: string }[]) {
    if (actor.role !== 'public_user') return;
    const usage = await this.questionnaires.getUsage();
    if (versions.some((v) => v.questionnaireId !== usage.publicQuestionnaireId)) throw Forbidden('PUBLIC_FORM_ONLY');
  }

  /**
   * Whether every one of these ids is stored now: the same request sent twice at once (a double tap,
   * a retry), whose twin was stored after this one looked, is answered as a replay, not refused.
   */
  private async allStored(ids: string[]) {
    return (await this.repo.findByIds(this.db, ids)).length === ids.length;
  }

  /**
   * Counted only for a registration about to be stored (a mistyped answer costs no attempt). False
   * when the request's twin stored these very ids since they were looked up (they answer as replays).
   */
  private async countResidentAttempt(actor: Actor, ids: string[]): Promise<boolean> {
    if (actor.role !== 'public_user') return true;
    // Already registered: refused before it costs an attempt (the unique index still decides races).
    if (await this.repo.hasLivePublicSubmission(this.db, actor.id!)) {
      if (await this.allStored(ids)) return false;
      throw Conflict('ALREADY_REGISTERED');
    }
    const day = new Date().toISOString().slice(0, 10);
    const { count } = await this.kv
      .incr(`reg-attempts:${actor.id}:${day}`, 86_400_000)
      .catch(() => ({ count: Number.POSITIVE_INFINITY }));
    if (count > PUBLIC_ATTEMPTS_PER_DAY)
      throw TooManyRequests('RATE_LIMITED', 'Too many registration attempts today; try again tomorrow', 3600);
    return true;
  }

  /**
   * Intake: check the shape and the answers against their exact version, then commit the raw
   * submission and its outbox row in one transaction before replying. The queue only wakes a worker.
   */
  async receive(actor: Actor, body: SubmissionBody): Promise<{ view: SubmissionStatusView; replay: boolean }> {
    const [outcome] = await this.receiveMany(actor, [body]);
    if (outcome!.error) throw outcome!.error;
    return { view: outcome!.view!, replay: outcome!.replay };
  }

  /** Many at once (a syncing outbox): one lookup, one transaction and one enqueue for the lot. */
  async receiveMany(
    actor: Actor,
    bodies: SubmissionBody[],
    /** A gateway channel (USSD) submits as the system, for a person who has no account. */
    gatewayChannel?: Channel,
  ): Promise<{ view?: SubmissionStatusView; replay: boolean; error?: DomainError }[]> {
    const channel = gatewayChannel ?? (actor.role ? CHANNEL_BY_ROLE[actor.role] : undefined);
    if (!channel) throw Forbidden('FORBIDDEN', 'Your role does not submit surveys');
    const out: { view?: SubmissionStatusView; replay: boolean; error?: DomainError }[] = bodies.map(() => ({
      replay: false,
    }));
    // Keyed: a plain hash of a body whose one unknown is an 11-digit NIN would be reversible.
    const hashes = bodies.map((b) => `h1:${this.pii.blindIndex(canonical(b), 'body')}`);

    const ids = [...new Set(bodies.map((b) => b.id))];
    const existing = new Map((await this.repo.findByIds(this.db, ids)).map((r) => [r.id, r]));
    const versions = new Map<string, Awaited<ReturnType<VersionCache['load']>>>();
    for (const versionId of new Set(bodies.map((b) => b.questionnaireVersionId))) {
      versions.set(versionId, await this.versions.load(this.db, versionId, { checkArchived: true }));
    }
    // Replays of what a resident already sent stay harmless; only new submissions are checked.
    const freshVersions = bodies.filter((b) => !existing.has(b.id)).map((b) => versions.get(b.questionnaireVersionId));
    if (freshVersions.length && freshVersions.every(Boolean)) {
      await this.checkResidentForm(actor, freshVersions as { questionnaireId: string }[]);
    }

    // Corrections: each must name one of the caller's own returned submissions, not yet corrected.
    const replacing = [...new Set(bodies.filter((b) => b.replaces && !existing.has(b.id)).map((b) => b.replaces!))];
    const originals = new Map((await this.repo.findByIds(this.db, replacing)).map((r) => [r.id, r]));
    const corrected = await this.repo.replaced(this.db, replacing);

    const fresh: { index: number; values: NewSubmission; attachments: NewAttachment[] }[] = [];
    const seen = new Map<string, number>();
    for (const [index, body] of bodies.entries()) {
      try {
        const prior = existing.get(body.id);
        if (prior) {
          out[index] = { view: this.replay(prior, actor, hashes[index]!, body), replay: true };
          continue;
        }
        const twin = seen.get(body.id);
        if (twin !== undefined) {
          // The same id twice in one batch: the second is a replay of the first.
          if (hashes[twin] !== hashes[index])
            throw Conflict('SUBMISSION_CONFLICT', 'A different submission was already received with this id', {
              id: body.id,
            });
          out[index] = { replay: true };
          continue;
        }
        const version = versions.get(body.questionnaireVersionId);
        if (!version) throw Unprocessable('VERSION_UNKNOWN', 'No published questionnaire version has this id');
        if (version.archived)
          throw Unprocessable('VERSION_ARCHIVED', 'This questionnaire has been archived; download the current one');
        this.checkAnswers(version, body, channel);
        const attachments = attachmentsFor(version.form, body.id, body.answers, body.attachments);
        if (body.replaces) {
          this.checkReplaces(actor, originals.get(body.replaces), corrected.has(body.replaces));
          corrected.add(body.replaces);
        }
        seen.set(body.id, index);
        fresh.push({
          index,
          attachments,
          values: this.rowValues(version, body, {
            status: attachments.length ? 'awaiting_files' : 'received',
            channel,
            submittedBy: actor.id,
            replaces: body.replaces ?? null,
            fallbackLga: actor.lgaCode,
            bodyHash: hashes[index]!,
          }),
        });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        out[index] = { replay: false, error: err };
      }
    }

    if (fresh.length) {
      const values = fresh.map((f) => f.values);
      const attachments = fresh.flatMap((f) => f.attachments);
      const store = await this.countResidentAttempt(
        actor,
        values.map((v) => v.id),
      );
      // Without attachments the rows and their outbox rows are one statement, atomic on its own: no
      // BEGIN and COMMIT round trips. Attachments are a second statement, so those go in a transaction.
      const inserted = await (
        !store
          ? Promise.resolve([])
          : attachments.length
            ? this.db.transaction((tx) => this.repo.insertWithOutbox(tx, values, attachments))
            : this.repo.insertWithOutbox(this.db, values)
      )
        .then((rows) => new Map(rows.map((r) => [r.id, r])))
        .catch(async (err: unknown) => {
          const person = isUniqueViolation(err, 'submissions_public_one_person_uq');
          const replacement = isUniqueViolation(err, 'submissions_replaces_uq');
          if (!person && !replacement) throw err;
          // The same request sent twice at once (a double tap, a retry): PostgreSQL may find the
          // resident's one place (or the returned survey's one replacement) taken before it finds the
          // same id. When a row with every id of this request now exists, the rows answer as replays.
          if (await this.allStored(values.map((v) => v.id))) return new Map<string, SubmissionRow>();
          // A resident's second live registration (the partial unique index decides, race-proof).
          if (person) throw Conflict('ALREADY_REGISTERED');
          // Two corrections of one returned survey raced: the partial unique index keeps one.
          throw Conflict('REPLACEMENT_EXISTS');
        });
      const raced: string[] = [];
      for (const f of fresh) {
        const row = inserted.get(f.values.id);
        if (row) out[f.index] = { view: toStatusView(row, actor), replay: false };
        else raced.push(f.values.id);
      }
      // Lost a race with a concurrent request carrying the same id: answer as a replay.
      if (raced.length) {
        const rows = await this.repo.findByIds(this.db, raced);
        for (const r of rows) {
          const f = fresh.find((x) => x.values.id === r.id)!;
          try {
            out[f.index] = { view: this.replay(r, actor, f.values.bodyHash), replay: true };
          } catch (err) {
            out[f.index] = { replay: false, error: err as DomainError };
          }
        }
      }
      await this.enqueue([...inserted.values()].filter((r) => r.status === 'received').map((r) => r.id));
    }
    for (const [index, o] of out.entries()) {
      if (o.view || o.error) continue;
      // A repeat of an earlier item in this batch answers as that item did.
      const first = out[seen.get(bodies[index]!.id) ?? -1];
      if (first?.view) o.view = first.view;
      else
        o.error =
          first?.error ??
          Conflict('SUBMISSION_CONFLICT', 'A different submission was already received with this id', {
            id: bodies[index]!.id,
          });
    }
    return out;
  }

  /**
   * A gateway channel's completed session (USSD): the public questionnaire only, received exactly as
   * any channel's submission (the same checks, the same transaction with its outbox row, the same
   * ingestion), with no account behind it. The same id and body again answers as the first time.
   */
  async receiveFromGateway(channel: Extract<Channel, 'ussd'>, body: SubmissionBody): Promise<SubmissionStatusView> {
    const [usage, version] = await Promise.all([
      this.questionnaires.getUsage(),
      this.versions.load(this.db, body.questionnaireVersionId, { checkArchived: true }),
    ]);
    if (version && version.questionnaireId !== usage.publicQuestionnaireId) throw Forbidden('PUBLIC_FORM_ONLY');
    const [outcome] = await this.receiveMany(systemActor(`gateway:${channel}`), [body], channel);
    if (outcome!.error) throw outcome!.error;
    return outcome!.view!;
  }

  /** A gateway channel's own submission, by its id (the channel made the id; no account owns it). */
  async statusOfGateway(id: string): Promise<SubmissionStatusView | null> {
    const row = await this.repo.findById(this.db, id);
    if (!row || row.submittedBy !== null) return null;
    return this.withReference(this.db, row, toStatusView(row, systemActor('gateway:ussd')));
  }

  /** The newest registration that gave this phone number (any channel), as its owner may see it. */
  async registrationByPhone(phone: string): Promise<(SubmissionStatusView & { ninDeferred: boolean }) | null> {
    const normalized = normalizePhone(phone) ?? phone;
    const row = await this.repo.latestByPhone(this.db, this.pii.blindIndex(normalized, 'phone'));
    if (!row) return null;
    const view = await this.withReference(this.db, row, toStatusView(row, systemActor('gateway:ussd')));
    return { ...view, ninDeferred: row.ninDeferred };
  }

  /** A respondent's short registration reference (`OY-7K3-9QX`), for a channel's own messages. */
  async referenceOf(executor: Executor, respondentId: string): Promise<string | undefined> {
    return this.references?.referenceOf(executor, respondentId);
  }

  private async withReference(
    executor: Executor,
    row: { respondentId: string | null },
    view: SubmissionStatusView,
  ): Promise<SubmissionStatusView> {
    if (row.respondentId && this.references)
      view.reference = await this.references.referenceOf(executor, row.respondentId);
    return view;
  }

  /** The stored row of a received survey: NIN and phone answers sealed, its LGA from the answers. */
  private rowValues(
    version: NonNullable<Awaited<ReturnType<VersionCache['load']>>>,
    body: SubmissionBody,
    o: {
      status?: 'received' | 'awaiting_files';
      channel: string;
      submittedBy: string | null;
      replaces: string | null;
      fallbackLga: string | null;
      bodyHash: string;
    },
  ): NewSubmission {
    const lga = body.answers[respondentFieldName(version.form, 'lga_id')];
    const phone = body.answers[respondentFieldName(version.form, 'phone_number')];
    const phoneText = typeof phone === 'string' && phone.trim() ? phone.trim() : null;
    return {
      id: body.id,
      questionnaireVersionId: version.id,
      ...(o.status ? { status: o.status } : {}),
      channel: o.channel,
      submittedBy: o.submittedBy,
      ...this.repo.sealAnswers(body.answers, [
        respondentFieldName(version.form, 'nin'),
        respondentFieldName(version.form, 'phone_number'),
      ]),
      ninDeferred: body.ninDeferred ?? false,
      phoneHash: phoneText ? this.pii.blindIndex(normalizePhone(phoneText) ?? phoneText, 'phone') : null,
      startedAt: new Date(body.startedAt),
      completedAt: new Date(body.completedAt),
      gpsLat: body.gps?.lat ?? null,
      gpsLng: body.gps?.lng ?? null,
      gpsAccuracy: body.gps?.accuracy ?? null,
      deviceId: body.deviceId ?? null,
      replaces: o.replaces,
      lgaCode: typeof lga === 'string' && isLgaCode(lga) ? lga : o.fallbackLga,
      bodyHash: o.bodyHash,
    };
  }

  private checkAnswers(
    version: NonNullable<Awaited<ReturnType<VersionCache['load']>>>,
    body: SubmissionBody,
    channel: string,
  ) {
    const ninField = respondentFieldName(version.form, 'nin');
    const nin = body.answers[ninField];
    const ninGiven = typeof nin === 'string' ? nin.trim() !== '' : nin !== null && nin !== undefined;
    if (ninGiven && !(typeof nin === 'string' && isWellFormedNin(nin))) {
      throw Unprocessable('NIN_INVALID', 'A NIN is 11 digits (not one digit repeated)', { field: ninField });
    }
    if (body.ninDeferred && ninGiven) throw Invalid('NIN_DEFERRED_WITH_NIN', 'ninDeferred is set but a NIN was given');
    const result = version.compiled.validate(body.answers);
    // A deferred NIN is the one required answer that may be missing (and a clerk's location: channel-rules.ts).
    const errors = result.errors.filter(
      (e) =>
        !(body.ninDeferred && e.field === ninField && e.code === 'REQUIRED') &&
        !waivedOnChannel(version.form, channel, e),
    );
    if (errors.length) {
      throw Unprocessable('ANSWERS_INVALID', `${errors.length} answer${errors.length === 1 ? '' : 's'} not valid`, {
        errors,
      });
    }
  }

  /**
   * A correction replaces one of the caller's own submissions that a reviewer returned, once. Someone
   * else's submission answers exactly like a missing one.
   */
  private checkReplaces(actor: Actor, original: SubmissionRow | undefined, alreadyCorrected: boolean) {
    if (!original || !actor.id || original.submittedBy !== actor.id)
      throw Unprocessable('REPLACES_UNKNOWN', 'None of your submissions has the id this one replaces');
    if (alreadyCorrected)
      throw Conflict('REPLACEMENT_EXISTS', 'A correction of this submission was already received', {
        replaces: original.id,
      });
    if (reviewStep(original.reviewStatus as ReviewStatus, 'replace').kind !== 'change')
      throw Conflict(
        'REPLACES_NOT_RETURNED',
        `Only a returned submission can be replaced; this one is ${original.reviewStatus}`,
        {
          replaces: original.id,
          current: original.reviewStatus,
        },
      );
  }

  /** Someone else's id answers exactly like one's own id with another body: nothing about it leaks. */
  private replay(row: SubmissionRow, actor: Actor, bodyHash: string, body?: SubmissionBody): SubmissionStatusView {
    // Rows received before the keyed hash (migration 0014) kept a plain SHA-256 of the body.
    const same = row.bodyHash.startsWith('h1:')
      ? row.bodyHash === bodyHash
      : body !== undefined && row.bodyHash === createHash('sha256').update(canonical(body)).digest('base64url');
    if (!same || row.submittedBy !== actor.id) {
      throw Conflict('SUBMISSION_CONFLICT', 'A different submission was already received with this id', { id: row.id });
    }
    return toStatusView(row, actor);
  }

  // --- residents' correction requests (resident-corrections.ts) -----------------------------------

  /**
   * A resident asks for a correction of their registration: the public form's body, checked as the
   * public form is, stored `held` (not ingested) with `replaces` = their live registration, until a
   * reviewer decides. One waiting request per resident (the partial unique index decides races);
   * the same id again answers as the first time.
   */
  async requestCorrection(
    actor: Actor,
    body: SubmissionBody,
  ): Promise<{ view: SubmissionStatusView; replay: boolean }> {
    if (actor.role !== 'public_user' || !actor.id)
      throw Forbidden('FORBIDDEN', 'Only residents ask for a correction of their own registration');
    const bodyHash = `h1:${this.pii.blindIndex(canonical(body), 'body')}`;
    const prior = await this.repo.findById(this.db, body.id);
    if (prior) return { view: this.replay(prior, actor, bodyHash, body), replay: true };

    const version = await this.versions.load(this.db, body.questionnaireVersionId, { checkArchived: true });
    if (!version) throw Unprocessable('VERSION_UNKNOWN', 'No published questionnaire version has this id');
    await this.checkResidentForm(actor, [version]);
    if (version.archived)
      throw Unprocessable('VERSION_ARCHIVED', 'This questionnaire has been archived; download the current one');
    const live = await this.repo.liveRegistration(this.db, actor.id);
    if (!live)
      throw Conflict('NOT_REGISTERED', 'You have no registration to correct yet (or it is still being processed)');
    if (body.replaces && body.replaces !== live.id)
      throw Unprocessable('REPLACES_UNKNOWN', 'A correction request replaces your current registration only');
    this.checkAnswers(version, body, 'public');
    if (attachmentsFor(version.form, body.id, body.answers, body.attachments).length)
      throw Unprocessable('ATTACHMENTS_INVALID', 'A correction request cannot carry files yet');

    const values = this.rowValues(version, body, {
      channel: 'public',
      submittedBy: actor.id,
      replaces: live.id,
      fallbackLga: live.lgaCode,
      bodyHash,
    });
    const row = await this.db
      .transaction(async (tx) => {
        const inserted = await this.repo.insertHeld(tx, values);
        if (inserted)
          await recordAudit(tx, actor, {
            action: 'submission.correction_requested',
            targetType: 'submission',
            targetId: inserted.id,
            after: { replaces: live.id },
          });
        return inserted;
      })
      .catch(async (err: unknown) => {
        // Another request of this resident is waiting (or raced this one in): the indexes keep one.
        if (isUniqueViolation(err, 'submissions_public_held_uq') || isUniqueViolation(err, 'submissions_replaces_uq')) {
          // The same request sent twice at once: PostgreSQL may find the resident's one waiting place
          // taken before it finds the same id, so the first one's row answers this one as a replay.
          if (await this.repo.findById(this.db, body.id)) return null;
          throw Conflict('CORRECTION_PENDING');
        }
        throw err;
      });
    if (row) return { view: toStatusView(row, actor), replay: false };
    // Lost a race with a concurrent request carrying the same id: answer as a replay.
    const raced = await this.repo.findById(this.db, body.id);
    return { view: this.replay(raced!, actor, bodyHash, body), replay: true };
  }

  /** A resident's correction requests, newest first, as they see them (for their self-service page). */
  async correctionsOf(executor: Executor, userId: string): Promise<ResidentCorrection[]> {
    return (await this.repo.correctionRequests(executor, userId)).map(residentCorrectionOf);
  }

  /** The caller's own correction requests (GET /me/registration/corrections). */
  async myCorrections(actor: Actor): Promise<ResidentCorrection[]> {
    return actor.id ? this.correctionsOf(this.db, actor.id) : [];
  }

  /** A resident's current registration (their live ingested public submission), answers whole; null if none. */
  async liveRegistrationOf(executor: Executor, userId: string): Promise<LiveRegistration | null> {
    const row = await this.repo.liveRegistration(executor, userId);
    return row ? liveRegistrationView(row) : null;
  }

  /** Wake the ingest job for submissions whose outbox rows are committed (an approved correction request). */
  enqueueIngestion(ids: string[]): Promise<void> {
    return this.enqueue(ids);
  }

  /** Enqueue without ever blocking the reply on Redis: the relay covers what this misses. */
  private async enqueue(ids: string[]) {
    if (!ids.length) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.jobs.enqueueMany(INGEST_JOB, ingestJobIds(ids, this.ingestBatch)),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('enqueue timed out')), 1000);
      }),
    ])
      .catch((err) => this.onError(err, 'enqueue failed; the outbox relay will retry'))
      .finally(() => clearTimeout(timer));
  }

  /** Up to 50 at once; each item succeeds or fails on its own. */
  async receiveBatch(actor: Actor, items: unknown[]) {
    // Batches are for collectors' outboxes; a resident registers one person at a time.
    if (actor.role === 'public_user') throw Forbidden('FORBIDDEN', 'Residents register one person at a time');
    if (items.length > MAX_BATCH) {
      throw Invalid('BATCH_TOO_LARGE', `Send at most ${MAX_BATCH} submissions at once`, {
        max: MAX_BATCH,
        got: items.length,
      });
    }
    const results: {
      index: number;
      id?: string;
      status: SubmissionStatusView['status'] | 'error';
      error?: SubmissionStatusView['error'];
    }[] = [];
    const valid: { index: number; body: SubmissionBody }[] = [];
    for (const [index, item] of items.entries()) {
      const parsed = parseSubmissionBody(item);
      if (parsed.success) {
        valid.push({ index, body: parsed.data });
        continue;
      }
      const id =
        typeof (item as { id?: unknown })?.id === 'string' ? (item as { id: string }).id.slice(0, 64) : undefined;
      results.push({
        index,
        id,
        status: 'error',
        error: {
          code: 'VALIDATION_FAILED',
          message: 'The submission is not valid',
          details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
        },
      });
    }
    const outcomes = valid.length
      ? await this.receiveMany(
          actor,
          valid.map((v) => v.body),
        )
      : [];
    for (const [k, o] of outcomes.entries()) {
      const { index, body } = valid[k]!;
      if (o.error)
        results.push({
          index,
          id: body.id,
          status: 'error',
          error: { code: o.error.code, message: o.error.message, details: o.error.details },
        });
      else
        results.push({
          index,
          id: body.id,
          status: o.view!.status,
          ...(o.view!.error ? { error: o.view!.error } : {}),
        });
    }
    return { results: results.sort((a, b) => a.index - b.index) };
  }

  /** One submission's status: its submitter, or an overseer within their scope (others: 404). */
  async status(actor: Actor, id: string): Promise<SubmissionStatusView> {
    const row = await this.repo.statusById(this.db, id);
    requireAccess(actor, 'submission.read', row && { ownerId: row.submittedBy, lgaCode: row.lgaCode });
    const view = toStatusView(row!, actor);
    if (row!.respondentId && this.references)
      view.reference = await this.references.referenceOf(this.db, row!.respondentId);
    if (row!.status === 'awaiting_files')
      view.attachments = (await this.repo.attachmentsOf(this.db, id)).map(progressOf);
    return view;
  }

  /**
   * Who sent a submission and what became of it (no answers), for another module that decides the
   * caller's access itself (the documents module: a clerk's slip); undefined when there is none.
   */
  async outcomeOf(id: string): Promise<SubmissionOutcomeView | undefined> {
    const row = await this.repo.findById(this.db, id);
    if (!row) return undefined;
    const { submittedBy, channel, status, respondentId } = row;
    return { id, submittedBy, channel, status, respondentId, errorCode: (row.error as { code?: string } | null)?.code };
  }

  /**
   * The caller's own recent submissions, newest first. The cursor is `<completedAt>_<id>` of the last
   * one seen (ties on completedAt are broken by id, so a page boundary never skips a survey); a bare
   * completedAt is still accepted.
   */
  async mine(actor: Actor, limit: number, cursor?: string) {
    const [at, afterId] = cursor ? cursor.split('_') : [];
    const rows = await this.repo.page(
      this.db,
      actor.id ? { kind: 'own', userId: actor.id } : { kind: 'none' },
      limit + 1,
      at ? { at: new Date(at), id: afterId } : undefined,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({ ...toStatusView(r, actor), completedAt: r.completedAt.toISOString() })),
      nextCursor: rows.length > limit && last ? `${last.completedAt.toISOString()}_${last.id}` : null,
    };
  }

  /** A respondent's submissions, for a reader already allowed to see the respondent. */
  async forRespondent(actor: Actor, respondentId: string) {
    const rows = await this.repo.forRespondent(this.db, respondentId);
    return rows.map((r) => ({
      ...toStatusView(r, actor),
      channel: r.channel,
      completedAt: r.completedAt.toISOString(),
    }));
  }

  /** A duplicates merge, in the caller's transaction: the kept respondent receives every submission. */
  reassignRespondent(tx: Executor, from: string, to: string): Promise<number> {
    return this.repo.reassignRespondent(tx, from, to);
  }

  /** Submission counts per respondent, for readers already allowed to see those respondents. */
  countsForRespondents(ids: string[]): Promise<Map<string, number>> {
    return this.repo.countByRespondents(this.db, ids);
  }

  /**
   * Ingestion is quick: a submission still waiting after `staleMs` was lost on the way (Redis down,
   * worker killed). Done outbox rows are deleted after `keepMs`, once an hour.
   */
  registerRelay(jobs: JobsService, staleMs: number, keepMs: number) {
    jobs.addRelay(() => this.requeuePending(staleMs));
    jobs.addTicker(HOUSEKEEPING_EVERY_MS, () => this.purgeDoneOutbox(keepMs));
  }

  /**
   * Deletes outbox rows done more than `keepMs` ago, in batches (short statements beside ingestion),
   * and returns how many. A row still pending is never deleted, however old. Nothing needs a done row:
   * every path that writes one is guarded by the submission's own status (a redelivered job finds
   * the submission ingested and skips it).
   */
  async purgeDoneOutbox(keepMs: number, batch = 10_000): Promise<number> {
    const before = new Date(Date.now() - keepMs);
    return deleteInBatches(batch, (max) => this.repo.deleteDoneOutbox(this.db, before, max));
  }

  /** Relay: outbox rows not done after `olderThanMs` go back on the queue (lost Redis, dead worker). */
  async requeuePending(olderThanMs: number, max = 5000): Promise<number> {
    const rows = (await this.repo.pendingOutbox(this.db, olderThanMs, max)).map((id) => ({ id }));
    // `redeliver`, not `enqueue`: a job id still held by a killed worker, or failed for good, must not
    // silence the relay (the same id would be ignored by the queue and the row would wait for ever).
    for (let i = 0; i < rows.length; i += 100) {
      const results = await Promise.allSettled(
        rows.slice(i, i + 100).map((r) => this.jobs.redeliver(INGEST_JOB, r.id)),
      );
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) {
        // Queue unavailable: one log line, and the next round tries again.
        this.onError(failed.reason, 'relay enqueue failed; the next round retries');
        break;
      }
    }
    await this.repo.countAttempt(
      this.db,
      rows.map((r) => r.id),
    );
    return rows.length;
  }
}
