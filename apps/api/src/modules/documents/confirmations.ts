/**
 * The registration confirmation email: a resident who registered through the public wizard is
 * mailed their short reference (what it is for, their page, its public check, where to get help),
 * in the language of their account.
 *
 * Apart from ingestion on purpose: a periodic job of the worker claims web registrations created
 * recently whose email is still due (FOR NO KEY UPDATE SKIP LOCKED), writes each mail into the outbox
 * and marks the record (`confirmation_mail`) in one transaction. A second run at once takes other
 * rows or none, a later one finds them marked, and a retried ingestion creates no second record: one
 * mail per registration. The mail relay sends the outbox as for every other mail.
 */
import { DEFAULT_LOCALE, isLocale, type Locale } from '@oslrs/core';
import type { Db, Executor } from '../../infra/db.js';
import type { Mailer } from '../../infra/mail.js';
import type { UserRepository } from '../auth/index.js';
import type { DueConfirmation, RespondentRepository } from '../respondents/index.js';
import { registrationCheckUrl } from './service.js';
import { sitePageUrl, textsFor } from '../../i18n/texts.js';

/** Registrations older than this get no confirmation any more (the worker was down that long). */
export const CONFIRMATION_WINDOW_MS = 3 * 86_400_000;
/** Records claimed per transaction, and transactions per run at most (the next tick goes on). */
const BATCH = 100;
const ROUNDS = 20;

/** Records whose registration no longer stands are not confirmed. */
const NOT_LIVE = new Set(['merged', 'rejected']);

export interface ConfirmationRun {
  sent: number;
  /** Settled without a mail: no active account, the record no longer live, or too old. */
  skipped: number;
}

export class RegistrationConfirmations {
  constructor(
    private readonly db: Db,
    private readonly respondents: RespondentRepository,
    private readonly users: UserRepository,
    private readonly mailer: Mailer,
    private readonly publicUrl: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** One run of the job: every confirmation due, a batch per transaction. */
  async drain(): Promise<ConfirmationRun> {
    const since = new Date(this.now() - CONFIRMATION_WINDOW_MS);
    const run: ConfirmationRun = { sent: 0, skipped: 0 };
    run.skipped += await this.db.transaction((tx) => this.respondents.expireConfirmations(tx, since));
    for (let round = 0; round < ROUNDS; round++) {
      const claimed = await this.db.transaction(async (tx) => {
        const due = await this.respondents.claimDueConfirmations(tx, since, BATCH);
        const { sent, skipped } = await this.confirm(tx, due);
        run.sent += sent;
        run.skipped += skipped;
        return due.length;
      });
      if (claimed < BATCH) break;
    }
    return run;
  }

  private async confirm(tx: Executor, due: DueConfirmation[]): Promise<ConfirmationRun> {
    if (!due.length) return { sent: 0, skipped: 0 };
    const accounts = await this.users.mailboxesOf(
      tx,
      due.flatMap((r) => (r.createdBy ? [r.createdBy] : [])),
    );
    const mails = new Map<string, { to: string; locale: Locale; name: string; reference: string }>();
    for (const r of due) {
      const account = r.createdBy ? accounts.get(r.createdBy) : undefined;
      if (!account || account.status !== 'active' || NOT_LIVE.has(r.status)) continue;
      mails.set(r.id, {
        to: account.email,
        locale: isLocale(account.locale) ? account.locale : DEFAULT_LOCALE,
        name: (r.firstname?.trim() || account.fullName).normalize('NFC'),
        reference: r.reference,
      });
    }
    // Marked first: only what this transaction settled is mailed (the rows are locked, so all of it).
    const sent = await this.respondents.settleConfirmations(tx, [...mails.keys()], 'sent');
    const skipped = await this.respondents.settleConfirmations(
      tx,
      due.filter((r) => !mails.has(r.id)).map((r) => r.id),
      'none',
    );
    for (const id of sent) await this.mailer.send(this.mail(mails.get(id)!), tx);
    return { sent: sent.length, skipped: skipped.length };
  }

  private mail(m: { to: string; locale: Locale; name: string; reference: string }) {
    const { t } = textsFor(m.locale);
    const { reference } = m;
    // The public contact page in the reader's language (as the web's sitePath: /contact, /yo/contact).
    const help = sitePageUrl(this.publicUrl, m.locale, 'contact');
    const text = [
      t('documents.mail.greeting', { name: m.name }),
      t('documents.mail.registered'),
      `${t('documents.mail.reference', { reference })}\n${t('documents.mail.meaning')}`,
      `${t('documents.mail.myPage', { url: `${this.publicUrl}/my-registration/sign-in` })}\n` +
        t('documents.mail.check', { url: registrationCheckUrl(this.publicUrl, reference) }),
      t('documents.mail.help', { url: help }),
      `${t('documents.mail.notYou')}\n\n— ${t('documents.slip.title')}`,
    ].join('\n\n');
    return { to: m.to, subject: t('documents.mail.subject', { reference }), text: `${text}\n` };
  }
}
