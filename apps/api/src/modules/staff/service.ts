import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import {
  ACTIVATION_LINKS_CSV_COLUMNS,
  FIELD_STAFF_THRESHOLDS,
  isWellFormedNin,
  normalizeNin,
  ROLE_LABELS,
  isFieldRole,
  isLocale,
  type Locale,
  type StaffSummary,
  emailSchema,
  fullNameSchema,
  lgaName,
  type InviteStaffBody,
  type JobRowError,
  type MailDelivery,
  type MailTransport,
  type ListStaffQuery,
  type Role,
  type Staff,
  type StaffPage,
  type StaffRole,
  type UpdateStaffBody,
} from '@oslrs/core';
import type { Db, Executor } from '../../infra/db.js';
import type { Mailer } from '../../infra/mail.js';
import { Conflict, Forbidden, NotFound, Unprocessable, fail, isUniqueViolation } from '../../errors.js';
import { systemActor, type Actor } from '../../access/index.js';
import { recordAudit, type AuditEntry } from '../audit/index.js';
import {
  hashToken,
  newToken,
  type AuthService,
  STAFF_LIST,
  type NewUser,
  type UserRepository,
  type UserRow,
} from '../auth/index.js';
import { defineJob, type JobsService } from '../jobs/index.js';
import type { NinRegistry } from '../respondents/index.js';
import type { PiiCipher } from '../../infra/pii.js';
import type { ListCounts } from '../../infra/list-count.js';
import { readerLocale, textsFor } from '../../i18n/texts.js';
import { csvCell, parseStaffCsv, type StaffCsvRow } from './csv.js';
import { checkLga, checkPhone, mayGrant, resolveLga, resolveRole, type RuleError } from './rules.js';

export const STAFF_IMPORT_JOB = defineJob('staff.import');
const IMPORT_CHUNK = 250;

export function toStaff(row: UserRow, pii: PiiCipher): Staff {
  return {
    id: row.id,
    fullName: row.fullName,
    email: row.email,
    phone: pii.openOrNull(row.phoneSealed, 'phone'),
    role: row.role as StaffRole,
    lga: row.lgaCode,
    lgaName: row.lgaCode ? (lgaName(row.lgaCode) ?? null) : null,
    status: row.status as Staff['status'],
    createdAt: row.createdAt.toISOString(),
    activatedAt: row.activatedAt?.toISOString() ?? null,
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
    ninOnFile: row.ninHash !== null,
    cardNumber: row.cardNumber,
    cardExpiresAt: row.cardExpiresAt,
  };
}

/** What the audit log keeps of a staff record: no phone or NIN. */
const auditView = (s: Pick<UserRow, 'email' | 'fullName' | 'role' | 'lgaCode' | 'status'>) => ({
  email: s.email,
  fullName: s.fullName,
  role: s.role,
  lga: s.lgaCode,
  status: s.status,
});

function raise(e: RuleError): never {
  throw fail(e.code, e.message, { field: e.field });
}

/**
 * Role and status changes take this transaction-scoped lock before any row lock. Without it, two
 * admins demoting each other lock their targets first and then each other's rows (the
 * last-super-admin check) — a deadlock that PostgreSQL breaks with a 500 for one of them.
 */
const ROLE_STATUS_LOCK = 7_130_002;

export class StaffService {
  constructor(
    private readonly db: Db,
    private readonly users: UserRepository,
    private readonly ninRegistry: NinRegistry,
    private readonly auth: AuthService,
    private readonly jobs: JobsService,
    private readonly mailer: Mailer,
    private readonly publicUrl: string,
    private readonly activationTtlMs: number,
    private readonly pii: PiiCipher,
    private readonly listCounts: ListCounts,
    /** `smtp` when a mail server sends the outbox (SMTP_URL); `none` when mail stays in the outbox unsent. */
    private readonly mailTransport: MailTransport = 'none',
  ) {}

  private get mail(): MailDelivery {
    return { transport: this.mailTransport };
  }

  /** The staff module's background job: the CSV import. */
  registerJobs(jobs: JobsService) {
    jobs.register(STAFF_IMPORT_JOB, (id) => this.runImport(id));
  }

  activationUrl(token: string) {
    return `${this.publicUrl}/activate?token=${encodeURIComponent(token)}`;
  }

  /**
   * The invitation, in the invitee's language if the account has one, else in the language of the
   * admin's request that invites (`asked`; an import's is kept in its job).
   */
  private async sendInvitation(
    tx: Executor,
    to: { email: string; fullName: string; role: string; locale?: string | null },
    token: string,
    asked: Locale | undefined,
  ) {
    const { t } = textsFor(readerLocale(to.locale, asked));
    const roleId = `common.role.${to.role}`;
    const role = t(roleId) === roleId ? (ROLE_LABELS[to.role as Role] ?? to.role) : t(roleId);
    const days = Math.round(this.activationTtlMs / 86_400_000);
    await this.mailer.send(
      {
        to: to.email,
        subject: t('mail.staffInvite.subject'),
        text:
          `${t('mail.greeting', { name: to.fullName })}\n\n${t('mail.staffInvite.invited', { role })}\n` +
          `${t('mail.staffInvite.setPassword', { days })}\n\n${this.activationUrl(token)}\n`,
        expiresAt: new Date(Date.now() + this.activationTtlMs),
      },
      tx,
    );
  }

  /** A staff NIN: well-formed, and neither a respondent's nor another staff member's (one person, one NIN). */
  private async checkStaffNin(
    executor: Executor,
    raw: string | null | undefined,
    self?: string,
  ): Promise<string | null | undefined> {
    if (raw === undefined) return undefined;
    if (raw === null || raw === '') return null;
    const nin = normalizeNin(raw);
    if (!isWellFormedNin(nin))
      throw Unprocessable('NIN_INVALID', 'A NIN is 11 digits (not one digit repeated)', { field: 'nin' });
    const holder = await this.ninRegistry.holder(executor, nin, { exceptStaff: self });
    if (holder?.kind === 'respondent')
      throw Conflict('NIN_DUPLICATE', 'This NIN is already registered as a respondent', { field: 'nin' });
    if (holder?.kind === 'staff')
      throw Conflict('NIN_DUPLICATE_STAFF', 'Another staff member has this NIN', { field: 'nin' });
    return nin;
  }

  async invite(
    actor: Actor,
    body: InviteStaffBody,
  ): Promise<{ staff: Staff; activationUrl: string; mail: MailDelivery }> {
    if (!mayGrant(actor.role, body.role)) {
      throw Forbidden('ROLE_NOT_ALLOWED', 'You cannot grant a role above your own');
    }
    const lga = checkLga(body.role, body.lga);
    if ('error' in lga) raise(lga.error);
    const phone = checkPhone(body.phone);
    if ('error' in phone) raise(phone.error);

    const token = newToken();
    try {
      const row = await this.db.transaction(async (tx) => {
        const nin = await this.checkStaffNin(tx, body.nin);
        const created = await this.users.insert(tx, {
          ninHash: this.pii.blindIndexOrNull(nin, 'nin'),
          ninSealed: this.pii.sealOrNull(nin, 'nin'),
          id: uuidv7(),
          email: body.email,
          fullName: body.fullName,
          phoneSealed: this.pii.sealOrNull(phone.phone, 'phone'),
          role: body.role,
          status: 'invited',
          lgaCode: lga.lga,
          activationTokenHash: hashToken(token),
          activationExpiresAt: new Date(Date.now() + this.activationTtlMs),
          createdBy: actor.id,
        });
        await recordAudit(tx, actor, {
          action: 'staff.invited',
          targetType: 'user',
          targetId: created!.id,
          after: auditView(created!),
        });
        await this.sendInvitation(tx, created!, token, actor.locale);
        return created!;
      });
      await this.listCounts.invalidate(STAFF_LIST);
      return { staff: toStaff(row, this.pii), activationUrl: this.activationUrl(token), mail: this.mail };
    } catch (err) {
      if (isUniqueViolation(err, 'users_email_lower_uq')) {
        throw Conflict('EMAIL_EXISTS', 'An account with this email already exists', { field: 'email' });
      }
      if (isUniqueViolation(err, 'users_nin_hash_uq')) {
        throw Conflict('NIN_DUPLICATE_STAFF', 'Another staff member has this NIN', { field: 'nin' });
      }
      throw err;
    }
  }

  async list(query: ListStaffQuery): Promise<StaffPage> {
    const filter = { status: query.status, role: query.role, lga: query.lga, q: query.q };
    const [rows, total] = await Promise.all([
      this.users.listStaff(this.db, filter, { limit: query.pageSize, offset: (query.page - 1) * query.pageSize }),
      this.listCounts.total(STAFF_LIST, filter, query.count, {
        exact: (cap) => this.users.countStaff(this.db, filter, cap),
        estimate: () => this.users.estimateStaff(this.db, filter),
      }),
    ]);
    return {
      items: rows.map((r) => toStaff(r, this.pii)),
      page: query.page,
      pageSize: query.pageSize,
      total: total.value,
      totalExact: total.exact,
    };
  }

  async summary(): Promise<StaffSummary> {
    const rows = await this.users.staffCountsByRoleAndStatus(this.db);
    const byRole: Record<string, number> = {};
    const byStatus: Record<string, number> = {};
    let fieldStaff = 0;
    for (const r of rows) {
      byRole[r.role] = (byRole[r.role] ?? 0) + r.n;
      byStatus[r.status] = (byStatus[r.status] ?? 0) + r.n;
      if (isFieldRole(r.role) && (r.status === 'active' || r.status === 'invited')) fieldStaff += r.n;
    }
    const passed = FIELD_STAFF_THRESHOLDS.filter((t) => fieldStaff > t);
    return {
      fieldStaff,
      byRole,
      byStatus,
      fieldStaffThresholdPassed: passed.length ? passed[passed.length - 1]! : null,
    };
  }

  private async load(executor: Executor, id: string, lock = false): Promise<UserRow> {
    const row = await this.users.findStaff(executor, id, lock);
    if (!row) throw NotFound('No such staff member');
    return row;
  }

  async get(id: string): Promise<Staff> {
    return toStaff(await this.load(this.db, id), this.pii);
  }

  async update(actor: Actor, id: string, body: UpdateStaffBody): Promise<Staff> {
    let dropped: string[] = [];
    let unchanged: UserRow | undefined;
    const updated = await this.db.transaction(async (tx) => {
      if (body.role !== undefined || body.status !== undefined) {
        await tx.execute(sql`select pg_advisory_xact_lock(${ROLE_STATUS_LOCK})`);
      }
      const target = await this.load(tx, id, true);
      const role = (body.role ?? target.role) as StaffRole;
      const status = body.status ?? target.status;
      const roleChanged = role !== target.role;
      const statusChanged = status !== target.status;

      if (target.id === actor.id && roleChanged) throw Forbidden('SELF_ROLE_CHANGE', 'You cannot change your own role');
      if (target.id === actor.id && statusChanged)
        throw Forbidden('SELF_STATUS_CHANGE', 'You cannot change your own status');
      if (!mayGrant(actor.role, target.role as Role) || !mayGrant(actor.role, role)) {
        throw Forbidden('ROLE_NOT_ALLOWED', 'You cannot grant or change a role above your own');
      }
      const lga = checkLga(role, body.lga !== undefined ? body.lga : target.lgaCode);
      if ('error' in lga) raise(lga.error);
      if (status === 'active' && statusChanged && !target.passwordHash) {
        throw Unprocessable(
          'NOT_ACTIVATED',
          'This person has not activated their account yet; send a new activation link',
        );
      }
      const losesSuperAdmin =
        target.role === 'super_admin' && target.status === 'active' && (role !== 'super_admin' || status !== 'active');
      if (losesSuperAdmin) {
        // Lock every active super admin row so two concurrent demotions can't both pass.
        const others = await this.users.lockOtherActiveSuperAdmins(tx, target.id);
        if (others.length === 0) {
          throw Conflict('LAST_SUPER_ADMIN', 'The last active super admin cannot be demoted, suspended or deactivated');
        }
      }
      const nin = await this.checkStaffNin(tx, body.nin, target.id);
      const ninHash = nin === undefined ? undefined : this.pii.blindIndexOrNull(nin, 'nin');
      const ninChanged = ninHash !== undefined && ninHash !== target.ninHash;
      if (!roleChanged && !statusChanged && !ninChanged && lga.lga === target.lgaCode) return (unchanged = target);

      const row = await this.users.update(tx, id, {
        role,
        status,
        lgaCode: lga.lga,
        ...(ninChanged ? { ninHash, ninSealed: this.pii.sealOrNull(nin, 'nin') } : {}),
        updatedAt: new Date(),
      });
      await recordAudit(tx, actor, {
        action: 'staff.updated',
        targetType: 'user',
        targetId: id,
        // The NIN itself stays out of the audit log: only that it changed.
        before: { role: target.role, lga: target.lgaCode, status: target.status, ninOnFile: target.ninHash !== null },
        after: { role: row!.role, lga: row!.lgaCode, status: row!.status, ninOnFile: row!.ninHash !== null },
      });
      // A new role or status takes effect at once: that person signs in again.
      if (roleChanged || statusChanged) dropped = await this.auth.endSessions(tx, id);
      else {
        // An LGA change keeps them signed in, but their cached session holds the old LGA (which scopes
        // what a supervisor sees): drop the cache entries so the next request reads the new one.
        dropped = await this.auth.sessionCacheKeys(tx, id);
      }
      return row!;
    });
    await this.auth.forgetSessions(dropped);
    if (updated !== unchanged) await this.listCounts.invalidate(STAFF_LIST);
    return toStaff(updated, this.pii);
  }

  async reissueInvitation(actor: Actor, id: string): Promise<{ activationUrl: string; mail: MailDelivery }> {
    const token = newToken();
    await this.db.transaction(async (tx) => {
      const target = await this.load(tx, id, true);
      if (target.status !== 'invited') {
        throw Conflict('ALREADY_ACTIVATED', 'This account is already activated');
      }
      await this.users.update(tx, id, {
        activationTokenHash: hashToken(token),
        activationExpiresAt: new Date(Date.now() + this.activationTtlMs),
        updatedAt: new Date(),
      });
      await recordAudit(tx, actor, { action: 'staff.invitation_reissued', targetType: 'user', targetId: id });
      await this.sendInvitation(tx, target, token, actor.locale);
    });
    return { activationUrl: this.activationUrl(token), mail: this.mail };
  }

  /** A finished staff import of this registry, or the reason it cannot be used yet. */
  private async finishedImport(jobId: string) {
    const job = await this.jobs.load(jobId);
    if (!job || job.type !== STAFF_IMPORT_JOB.name) throw NotFound('No such staff import');
    if (job.state === 'queued' || job.state === 'running')
      throw Conflict('IMPORT_NOT_FINISHED', 'This import has not finished yet; try again when it has');
    return job;
  }

  /**
   * New activation links for everyone a staff import created who has not activated yet: each person's
   * old link stops working. `email` mails each new link (resend invitations); `csv` returns them as a
   * CSV to hand over (no mail). One audit row per person and one for the whole action.
   */
  private async reissueForImport(actor: Actor, jobId: string, channel: 'email' | 'csv') {
    await this.finishedImport(jobId);
    const expiresAt = new Date(Date.now() + this.activationTtlMs);
    return this.db.transaction(async (tx) => {
      const people = await this.users.importedInvitees(tx, jobId);
      const issued = people.map((person) => ({ person, token: newToken() }));
      await this.users.setActivationTokens(
        tx,
        issued.map(({ person, token }) => ({ id: person.id, hash: hashToken(token) })),
        expiresAt,
      );
      await recordAudit(tx, actor, [
        ...issued.map(({ person }): AuditEntry => ({
          action: 'staff.invitation_reissued',
          targetType: 'user',
          targetId: person.id,
          after: { importJob: jobId, channel },
        })),
        {
          action: channel === 'email' ? 'staff.import_invitations_resent' : 'staff.import_activation_links_exported',
          targetType: 'job',
          targetId: jobId,
          after: { people: issued.length },
        },
      ]);
      if (channel === 'email')
        for (const { person, token } of issued) await this.sendInvitation(tx, person, token, actor.locale);
      return { issued, expiresAt };
    });
  }

  /** Resend the invitation (a new link) to everyone of an import still not activated. */
  async resendImportInvitations(actor: Actor, jobId: string): Promise<{ resent: number; mail: MailDelivery }> {
    const { issued } = await this.reissueForImport(actor, jobId, 'email');
    return { resent: issued.length, mail: this.mail };
  }

  /** A CSV of new activation links for everyone of an import still not activated (their old links stop working). */
  async importActivationLinksCsv(actor: Actor, jobId: string): Promise<{ csv: string; count: number }> {
    const { issued, expiresAt } = await this.reissueForImport(actor, jobId, 'csv');
    const lines = [
      ACTIVATION_LINKS_CSV_COLUMNS.join(','),
      ...issued.map(({ person, token }) =>
        [
          person.fullName,
          person.email,
          ROLE_LABELS[person.role as Role] ?? person.role,
          person.lgaCode ? (lgaName(person.lgaCode) ?? person.lgaCode) : '',
          this.activationUrl(token),
          expiresAt.toISOString(),
        ]
          .map(csvCell)
          .join(','),
      ),
    ];
    return { csv: lines.join('\r\n') + '\r\n', count: issued.length };
  }

  /** Whole-file checks now; rows are created by a background job that reports per-row errors. */
  async startImport(actor: Actor, file: Buffer, fileName: string | undefined) {
    const rows = parseStaffCsv(file);
    const job = await this.db.transaction(async (tx) => {
      const created = await this.jobs.create(tx, {
        type: STAFF_IMPORT_JOB,
        // The admin's language, for the invitations the job mails.
        input: { rows, actor: { id: actor.id, role: actor.role }, ip: actor.ip, locale: actor.locale ?? null },
        total: rows.length,
        createdBy: actor.id,
      });
      await recordAudit(tx, actor, {
        action: 'staff.import_started',
        targetType: 'job',
        targetId: created.id,
        after: { rows: rows.length, fileName: fileName?.slice(0, 200) ?? null },
      });
      return created;
    });
    await this.jobs.enqueue(job);
    return job;
  }

  /**
   * Idempotent and resumable: each chunk locks the job row, creates its rows and advances
   * `processed` in one transaction, so a killed worker resumes exactly where it stopped.
   */
  async runImport(jobId: string): Promise<void> {
    const job = await this.jobs.load(jobId);
    if (!job || job.state === 'completed' || job.state === 'failed') return;
    const input = job.input as {
      rows: StaffCsvRow[];
      actor: { id: string; role: Role };
      ip: string | null;
      locale?: string | null;
    };
    const asked = isLocale(input.locale) ? input.locale : undefined;
    const rows = input.rows;
    const ctx: Actor = {
      ...systemActor(`job:${jobId}`, input.actor),
      ip: input.ip,
    };

    // Duplicates inside the file: the first occurrence wins, later ones are reported.
    const firstLine = new Map<string, number>();
    for (const r of rows) {
      const email = r.email.trim().toLowerCase();
      if (email && !firstLine.has(email)) firstLine.set(email, r.line);
    }

    for (;;) {
      const done = await this.db.transaction(async (tx) => {
        const locked = await this.jobs.lockProgress(tx, jobId);
        if (!locked) return true;
        const chunk = rows.slice(locked.processed, locked.processed + IMPORT_CHUNK);
        const errors: JobRowError[] = [];
        const valid: { row: StaffCsvRow; values: NewUser; token: string }[] = [];

        for (const row of chunk) {
          const checked = this.checkRow(row, input.actor.role, input.actor.id, firstLine);
          if ('errors' in checked) errors.push(...checked.errors.map((e) => ({ row: row.line, ...e })));
          else valid.push({ row, values: { ...checked.values, importJobId: jobId }, token: newToken() });
        }
        if (valid.length) {
          const emails = valid.map((v) => v.values.email.toLowerCase());
          const existing = await this.users.existingEmails(tx, emails);
          const fresh = valid.filter((v) => {
            if (!existing.has(v.values.email.toLowerCase())) return true;
            errors.push({
              row: v.row.line,
              field: 'email',
              code: 'EMAIL_EXISTS',
              message: 'An account with this email already exists',
            });
            return false;
          });
          // A concurrent invite may have taken an email since the check above: skipped, reported below.
          const inserted = await this.users.insertMany(
            tx,
            fresh.map((v) => ({ ...v.values, activationTokenHash: hashToken(v.token) })),
          );
          const insertedIds = new Set(inserted.map((u) => u.id));
          for (const v of fresh) {
            if (!insertedIds.has(v.values.id!)) {
              errors.push({
                row: v.row.line,
                field: 'email',
                code: 'EMAIL_EXISTS',
                message: 'An account with this email already exists',
              });
            }
          }
          const audits: AuditEntry[] = inserted.map((u) => ({
            action: 'staff.invited',
            targetType: 'user',
            targetId: u.id,
            after: { ...auditView(u), importJob: jobId },
          }));
          await recordAudit(tx, ctx, audits);
          const tokenById = new Map(fresh.map((v) => [v.values.id!, v.token]));
          for (const u of inserted) await this.sendInvitation(tx, u, tokenById.get(u.id)!, asked);
        }
        // Stable: a row's problems stay in column order.
        errors.sort((a, b) => a.row - b.row);
        const processed = locked.processed + chunk.length;
        const finished = processed >= rows.length;
        const failedRows = new Set(errors.map((e) => e.row)).size;
        await this.jobs.recordProgress(tx, jobId, {
          processed,
          succeeded: chunk.length - failedRows,
          failed: failedRows,
          errors,
          finished,
        });
        if (finished) {
          await recordAudit(tx, ctx, {
            action: 'staff.import_finished',
            targetType: 'job',
            targetId: jobId,
            after: { rows: rows.length },
          });
        }
        return finished;
      });
      // Each committed chunk may have added staff.
      await this.listCounts.invalidate(STAFF_LIST);
      if (done) return;
    }
  }

  /** Every problem of one row (a row is imported only when it has none), in column order. */
  private checkRow(
    row: StaffCsvRow,
    actorRole: Role,
    actorId: string,
    firstLine: Map<string, number>,
  ): { errors: RuleError[] } | { values: NewUser } {
    const errors: RuleError[] = [];
    const name = fullNameSchema.safeParse(row.full_name);
    if (!name.success)
      errors.push({ field: 'full_name', code: 'NAME_INVALID', message: 'Give the full name (2–120 characters)' });
    const email = emailSchema.safeParse(row.email);
    if (!email.success) errors.push({ field: 'email', code: 'EMAIL_INVALID', message: 'Not a valid email address' });
    else {
      const first = firstLine.get(email.data);
      if (first !== undefined && first !== row.line) {
        errors.push({
          field: 'email',
          code: 'EMAIL_DUPLICATE_IN_FILE',
          message: `This email is already on line ${first} of the file`,
        });
      }
    }
    const phone = checkPhone(row.phone);
    if ('error' in phone) errors.push(phone.error);
    const role = resolveRole(row.role);
    let lga: ReturnType<typeof checkLga> | undefined;
    if ('error' in role) {
      errors.push(role.error);
      // Without a role, the LGA can still be checked for existence (whether it is required depends on the role).
      const raw = row.lga.trim();
      if (raw && !resolveLga(raw))
        errors.push({ field: 'lga', code: 'LGA_UNKNOWN', message: `Unknown LGA "${raw.slice(0, 40)}"` });
    } else {
      if (!mayGrant(actorRole, role.role))
        errors.push({ field: 'role', code: 'ROLE_NOT_ALLOWED', message: 'You cannot grant a role above your own' });
      lga = checkLga(role.role, row.lga);
      if ('error' in lga) errors.push(lga.error);
    }
    if (
      !name.success ||
      !email.success ||
      'error' in phone ||
      'error' in role ||
      !lga ||
      'error' in lga ||
      errors.length
    )
      return { errors };
    return {
      values: {
        id: uuidv7(),
        email: email.data,
        fullName: name.data,
        phoneSealed: this.pii.sealOrNull(phone.phone, 'phone'),
        role: role.role,
        status: 'invited',
        lgaCode: lga.lga,
        createdBy: actorId,
        activationExpiresAt: new Date(Date.now() + this.activationTtlMs),
      },
    };
  }
}
