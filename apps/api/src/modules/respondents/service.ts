import { and, eq, gt, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import {
  isLgaCode,
  isWellFormedNin,
  normalizeNin,
  normalizePhone,
  type AnswerValue,
  type Answers,
  type FormSchema,
  type Role,
  type SessionUser,
} from '@oslrs/core';
import { respondents, submissionOutbox, submissions, users } from '../../db/schema/index.js';
import type { Db, Executor } from '../../infra/db.js';
import type { Mailer } from '../../infra/mail.js';
import { Conflict, Gone, Invalid, Unprocessable, isUniqueViolation } from '../../errors.js';
import { recordAudit, type ActorContext } from '../audit/service.js';
import { hashToken, newToken } from '../auth/tokens.js';
import type { FraudService } from '../fraud/service.js';
import type { VersionCache } from '../questionnaires/compiled.js';
import { respondentFieldName } from './mapping.js';

type SubmissionRow = typeof submissions.$inferSelect;
const NIN_CAPTURE_TTL_MS = 30 * 24 * 3600_000;
/** The channel was derived from the submitter's role at intake; the audit row names it back. */
const ROLE_BY_CHANNEL: Record<string, Role> = {
  enumerator: 'enumerator',
  clerk: 'data_entry_clerk',
  public: 'public_user',
};

const text = (v: AnswerValue | undefined): string | null =>
  v === undefined || v === null
    ? null
    : typeof v === 'string'
      ? v.trim() || null
      : typeof v === 'number'
        ? String(v)
        : null;
const yes = (v: AnswerValue | undefined) => v === true || v === 'yes' || v === 'true' || v === '1';

export interface IngestOutcome {
  status: 'ingested' | 'rejected' | 'skipped';
  code?: string;
}

export class RespondentService {
  constructor(
    private readonly db: Db,
    private readonly versions: VersionCache,
    private readonly fraud: FraudService,
    private readonly mailer: Mailer,
    private readonly publicUrl: string,
  ) {}

  /** Who holds this NIN already: a respondent (with when/how) or a staff member. */
  async ninHolder(executor: Executor, nin: string) {
    const [r] = await executor
      .select({ createdAt: respondents.createdAt, source: respondents.source })
      .from(respondents)
      .where(eq(respondents.nin, nin))
      .limit(1);
    if (r) return { kind: 'respondent' as const, firstRegisteredAt: r.createdAt.toISOString(), source: r.source };
    const [s] = await executor.select({ id: users.id }).from(users).where(eq(users.nin, nin)).limit(1);
    if (s) return { kind: 'staff' as const };
    return null;
  }

  /**
   * The one ingestion pipeline for every channel. Idempotent: the submission row is locked and
   * only a `received` one is processed, so redelivery (at-least-once queue, relay) changes nothing.
   */
  async ingest(submissionId: string): Promise<IngestOutcome> {
    return this.db.transaction(async (tx) => {
      const [sub] = await tx.select().from(submissions).where(eq(submissions.id, submissionId)).for('update');
      if (!sub) return { status: 'skipped' as const };
      if (sub.status !== 'received') {
        await this.markDone(tx, sub.id);
        return { status: 'skipped' as const };
      }
      const version = await this.versions.load(tx, sub.questionnaireVersionId);
      // Flags never reject: every channel is scored, whatever happens to the record.
      const fraud = version ? await this.fraud.score(tx, sub, version.form) : null;
      const scored = fraud
        ? {
            fraudScore: fraud.score,
            fraudBand: fraud.band,
            fraudReasons: fraud.reasons,
            fraudSettingsVersion: fraud.settingsVersion,
          }
        : {};
      const reject = async (code: string, message: string, details?: unknown) => {
        await this.settle(tx, sub.id, {
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

      const rawNin = text(values[ninField]);
      const nin = rawNin ? normalizeNin(rawNin) : null;
      if (nin && !isWellFormedNin(nin)) return reject('NIN_INVALID', 'A NIN is 11 digits (not one digit repeated)');
      if (!nin && !sub.ninDeferred) return reject('NIN_REQUIRED', 'No NIN was given and it was not marked as deferred');
      if (nin) {
        const [staff] = await tx.select({ id: users.id }).from(users).where(eq(users.nin, nin)).limit(1);
        if (staff) return reject('NIN_DUPLICATE_STAFF', 'This NIN belongs to a registry staff member');
      }
      const fields = this.fields(version.form, values);
      if (fields.lgaCode && !isLgaCode(fields.lgaCode)) return reject('LGA_UNKNOWN', `Unknown LGA "${fields.lgaCode}"`);

      const captureToken = nin ? null : newToken();
      const id = uuidv7();
      // The partial unique index decides between simultaneous submissions of one NIN.
      const [created] = await tx
        .insert(respondents)
        .values({
          id,
          nin,
          status: nin ? 'active' : 'pending_nin_capture',
          ...fields,
          source: sub.channel,
          firstSubmissionId: sub.id,
          createdBy: sub.submittedBy,
          ninCaptureTokenHash: captureToken ? hashToken(captureToken) : null,
          ninCaptureExpiresAt: captureToken ? new Date(Date.now() + NIN_CAPTURE_TTL_MS) : null,
        })
        .onConflictDoNothing({ target: respondents.nin, where: sql`nin is not null` })
        .returning({ id: respondents.id, createdAt: respondents.createdAt });
      if (!created) {
        const holder = nin ? await this.ninHolder(tx, nin) : null;
        if (holder?.kind === 'respondent') {
          return reject(
            'NIN_DUPLICATE',
            `Already registered on ${holder.firstRegisteredAt.slice(0, 10)} through the ${holder.source} channel`,
            {
              firstRegisteredAt: holder.firstRegisteredAt,
              source: holder.source,
            },
          );
        }
        throw new Error('respondent insert conflicted without a holder');
      }
      await this.settle(tx, sub.id, {
        status: 'ingested',
        respondentId: created.id,
        ingestedAt: new Date(),
        error: null,
        ...scored,
      });
      await recordAudit(
        tx,
        {
          actorId: sub.submittedBy,
          actorRole: ROLE_BY_CHANNEL[sub.channel] ?? null,
          ip: null,
          requestId: `submission:${sub.id}`,
        },
        {
          action: 'respondent.created',
          targetType: 'respondent',
          targetId: created.id,
          after: { source: sub.channel, status: nin ? 'active' : 'pending_nin_capture', submissionId: sub.id },
        },
      );
      if (captureToken && fields.email) {
        await this.mailer.send(
          {
            to: fields.email,
            subject: 'Complete your OSLRS registration',
            text:
              `Thank you for registering with the Oyo State Labour & Skills Registry.\n\n` +
              `When you have your National Identity Number (NIN), complete your registration here ` +
              `(the link works once, for 30 days):\n\n${this.publicUrl}/register/complete-nin?token=${encodeURIComponent(captureToken)}\n`,
            expiresAt: new Date(Date.now() + NIN_CAPTURE_TTL_MS),
          },
          tx,
        );
      }
      return { status: 'ingested' as const };
    });
  }

  /** The outcome and the outbox receipt in one round trip. */
  private async settle(tx: Executor, submissionId: string, outcome: Partial<typeof submissions.$inferInsert>) {
    const set = tx.update(submissions).set(outcome).where(eq(submissions.id, submissionId)).getSQL();
    await tx.execute(
      sql`with outcome as (${set}) update ${submissionOutbox} set done_at = now() where ${submissionOutbox.submissionId} = ${submissionId}`,
    );
  }

  private async markDone(tx: Executor, submissionId: string) {
    await tx
      .update(submissionOutbox)
      .set({ doneAt: new Date() })
      .where(eq(submissionOutbox.submissionId, submissionId));
  }

  private fields(form: FormSchema, values: Answers) {
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
      skills: Array.isArray(skills) ? skills : typeof skills === 'string' && skills ? skills.split(/\s+/) : null,
      consentMarketplace: yes(get('consent_marketplace')),
      consentEnriched: yes(get('consent_enriched')),
    };
  }

  /** The deferred-NIN path: the emailed one-time link adds the NIN, through the same uniqueness rules. */
  async completeNin(token: string, rawNin: string, ctx: ActorContext) {
    const nin = normalizeNin(rawNin);
    if (!isWellFormedNin(nin))
      throw Unprocessable('NIN_INVALID', 'A NIN is 11 digits (not one digit repeated)', { field: 'nin' });
    const hash = hashToken(token);
    try {
      return await this.db.transaction(async (tx) => {
        const [r] = await tx.select().from(respondents).where(eq(respondents.ninCaptureTokenHash, hash)).for('update');
        if (!r || r.status !== 'pending_nin_capture')
          throw Invalid('TOKEN_INVALID', 'This link is not valid or was already used');
        if (!r.ninCaptureExpiresAt || r.ninCaptureExpiresAt.getTime() < Date.now())
          throw Gone('TOKEN_EXPIRED', 'This link has expired');
        const holder = await this.ninHolder(tx, nin);
        if (holder?.kind === 'staff')
          throw Conflict('NIN_DUPLICATE_STAFF', 'This NIN belongs to a registry staff member');
        if (holder) {
          throw Conflict('NIN_DUPLICATE', `Already registered on ${holder.firstRegisteredAt.slice(0, 10)}`, {
            firstRegisteredAt: holder.firstRegisteredAt,
            source: holder.source,
          });
        }
        const [updated] = await tx
          .update(respondents)
          .set({ nin, status: 'active', ninCaptureTokenHash: null, ninCaptureExpiresAt: null, updatedAt: new Date() })
          .where(and(eq(respondents.id, r.id), gt(respondents.ninCaptureExpiresAt, new Date())))
          .returning({ id: respondents.id, status: respondents.status });
        await recordAudit(tx, ctx, {
          action: 'respondent.nin_completed',
          targetType: 'respondent',
          targetId: r.id,
          before: { status: r.status },
          after: { status: 'active' },
        });
        return updated!;
      });
    } catch (err) {
      if (isUniqueViolation(err, 'respondents_nin_uq'))
        throw Conflict('NIN_DUPLICATE', 'This NIN was registered a moment ago');
      throw err;
    }
  }

  /** Pre-check: staff learn when and how; the public learn only yes/no. Every check is audited. */
  async checkNin(viewer: SessionUser, rawNin: string, ctx: ActorContext) {
    const nin = normalizeNin(rawNin);
    const valid = isWellFormedNin(nin);
    const holder = valid ? await this.ninHolder(this.db, nin) : null;
    const staff = viewer.role !== 'public_user' && viewer.role !== 'searcher';
    await recordAudit(this.db, ctx, {
      action: 'nin.checked',
      targetType: 'nin',
      // Never the NIN itself: the audit log is read by people too.
      targetId: valid ? hashToken(`nin:${nin}`).slice(0, 16) : null,
      after: { valid, available: valid && !holder },
    });
    const out: { valid: boolean; available: boolean; firstRegisteredAt?: string; source?: string } = {
      valid,
      available: valid && !holder,
    };
    if (staff && holder?.kind === 'respondent')
      Object.assign(out, { firstRegisteredAt: holder.firstRegisteredAt, source: holder.source });
    if (staff && holder?.kind === 'staff') out.source = 'staff';
    return out;
  }
}

export type { SubmissionRow };
