/**
 * The life of a submission, after intake (service.ts) has committed it with its outbox row:
 * the ingest job re-validates it against its exact version, checks the NIN, creates the respondent
 * (respondents module), scores fraud (fraud module) and settles the outcome — in one transaction,
 * idempotently (the row is locked and only a `received` one is processed, so a redelivery from the
 * at-least-once queue or the outbox relay changes nothing).
 */
import { isLgaCode, isWellFormedNin, normalizeNin, reviewStep, type ReviewStatus, type Role } from '@oslrs/core';
import { systemActor } from '../../access/index.js';
import type { Db } from '../../infra/db.js';
import { recordAudit } from '../audit/index.js';
import type { FraudService } from '../fraud/index.js';
import { defineJob, type JobsService } from '../jobs/index.js';
import { respondentFieldName, type VersionCache } from '../questionnaires/index.js';
import { recordRespondent } from '../reports/index.js';
import { respondentFields, type RespondentService } from '../respondents/index.js';
import type { SubmissionOutcome, SubmissionRepository } from './repository.js';
import { awaitsIngestion, correctionMove } from './resident-corrections.js';

export const INGEST_JOB = defineJob('submission.ingest');

/** The channel was derived from the submitter's role at intake; the audit row names it back. */
const ROLE_BY_CHANNEL: Record<string, Role> = {
  enumerator: 'enumerator',
  clerk: 'data_entry_clerk',
  public: 'public_user',
};

export interface IngestOutcome {
  status: 'ingested' | 'rejected' | 'skipped';
  code?: string;
}

export class Ingestion {
  constructor(
    private readonly db: Db,
    private readonly repo: SubmissionRepository,
    private readonly versions: VersionCache,
    private readonly fraud: FraudService,
    private readonly respondents: RespondentService,
  ) {}

  registerJobs(jobs: JobsService) {
    jobs.register(INGEST_JOB, async (id) => {
      await this.ingest(id);
    });
  }

  async ingest(submissionId: string): Promise<IngestOutcome> {
    return this.db.transaction(async (tx) => {
      const sub = await this.repo.lockForIngest(tx, submissionId);
      if (!sub) return { status: 'skipped' as const };
      // (A resident's correction request is `held` until approved: resident-corrections.ts.)
      if (!awaitsIngestion(sub)) {
        await this.repo.markDone(tx, sub.id);
        return { status: 'skipped' as const };
      }
      const version = await this.versions.load(tx, sub.questionnaireVersionId);
      // Flags never reject: every channel is scored, whatever happens to the record.
      const fraud = version ? await this.fraud.score(tx, sub, version.form) : null;
      const scored: SubmissionOutcome = fraud
        ? {
            fraudScore: fraud.score,
            fraudBand: fraud.band,
            fraudReasons: fraud.reasons,
            fraudSettingsVersion: fraud.settingsVersion,
          }
        : {};
      const reject = async (code: string, message: string, details?: unknown) => {
        await this.repo.settle(tx, sub.id, {
          status: 'rejected',
          error: { code, message, ...(details ? { details } : {}) },
          ingestedAt: new Date(),
          ...scored,
        });
        return { status: 'rejected' as const, code };
      };
      if (!version) return reject('VERSION_UNKNOWN', 'The questionnaire version no longer exists');

      const check = version.compiled.validate(sub.answers);
      const ninField = respondentFieldName(version.form, 'nin');
      const errors = check.errors.filter((e) => !(sub.ninDeferred && e.field === ninField && e.code === 'REQUIRED'));
      if (errors.length) return reject('ANSWERS_INVALID', 'The answers do not satisfy their questionnaire', { errors });
      const values = check.values;

      const rawNin = values[ninField];
      const ninText = typeof rawNin === 'number' ? String(rawNin) : typeof rawNin === 'string' ? rawNin.trim() : '';
      const nin = ninText ? normalizeNin(ninText) : null;
      if (nin && !isWellFormedNin(nin)) return reject('NIN_INVALID', 'A NIN is 11 digits (not one digit repeated)');
      if (!nin && !sub.ninDeferred) return reject('NIN_REQUIRED', 'No NIN was given and it was not marked as deferred');
      const fields = respondentFields(version.form, values);
      if (fields.lgaCode && !isLgaCode(fields.lgaCode)) return reject('LGA_UNKNOWN', `Unknown LGA "${fields.lgaCode}"`);

      const actor = systemActor(`submission:${sub.id}`, {
        id: sub.submittedBy,
        role: ROLE_BY_CHANNEL[sub.channel] ?? null,
      });
      // A correction: the returned original becomes superseded, its respondent is updated (not duplicated).
      let original: Awaited<ReturnType<SubmissionRepository['lockForIngest']>>;
      if (sub.replaces) {
        original = await this.repo.lockForIngest(tx, sub.replaces);
        if (!original || reviewStep(original.reviewStatus as ReviewStatus, correctionMove(sub)).kind !== 'change')
          return reject(
            'REPLACES_NOT_RETURNED',
            'The submission this one corrects is no longer returned for correction',
          );
      }
      const band = fraud?.band ?? null;
      const outcome = original?.respondentId
        ? await this.respondents.updateFromCorrection(tx, actor, original.respondentId, sub, nin, fields, band)
        : await this.respondents.createFromSubmission(tx, actor, sub, nin, fields, band);
      if ('holder' in outcome) {
        const { holder } = outcome;
        if (holder.kind === 'staff')
          return reject('NIN_DUPLICATE_STAFF', 'This NIN belongs to a registry staff member');
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
      await this.respondents.syncMarketplace(tx, outcome.id);
      // Report rollups, in this transaction and last in it: the shared `*` rows stay locked only until
      // the commit (the one hook; see reports/service.ts recordRespondent).
      await recordRespondent(tx, outcome.report.before, outcome.report.after);
      return { status: 'ingested' as const };
    });
  }
}
