import { and, asc, eq, gt, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import nodemailer, { type Transporter } from 'nodemailer';
import { uuidv7 } from 'uuidv7';
import { mailOutbox } from '../db/schema/index.js';
import type { Db, Executor } from './db.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /**
   * When the link in `text` stops working. Past it the mail is not sent, and its body (the only
   * copy of the token besides the recipient's inbox) is erased. Bodies are erased once sent anyway.
   */
  expiresAt?: Date;
}

/**
 * Outgoing email goes through this seam. The outbox adapter writes the message inside the
 * caller's transaction (so an invitation and its email commit together); an SMTP relay can
 * drain the outbox without changing any caller.
 */
export interface Mailer {
  send(message: MailMessage, executor: Executor): Promise<void>;
}

export class OutboxMailer implements Mailer {
  async send(message: MailMessage, executor: Executor) {
    await executor.insert(mailOutbox).values({
      id: uuidv7(),
      to: message.to,
      subject: message.subject,
      body: message.text,
      expiresAt: message.expiresAt ?? null,
    });
  }
}

/**
 * Erase the bodies of mail whose link has expired, sent or not (the ticker runs it; the relay
 * erases sent bodies itself). Unsent ones keep a note of why they never went. Returns how many.
 */
export async function eraseExpiredMail(executor: Executor): Promise<number> {
  const erased = await executor
    .update(mailOutbox)
    .set({
      body: null,
      lastError: sql`case when ${mailOutbox.sentAt} is null then 'expired before it was sent' else ${mailOutbox.lastError} end`,
    })
    .where(and(isNotNull(mailOutbox.body), lte(mailOutbox.expiresAt, sql`now()`)))
    .returning({ id: mailOutbox.id });
  return erased.length;
}

/**
 * Deletes mail older than `keepMs` that is done with: sent, or its body already erased (expired).
 * Mail still waiting to be sent, with its body, stays. Returns how many rows went.
 */
export async function purgeOldMail(executor: Executor, keepMs: number): Promise<number> {
  const gone = await executor
    .delete(mailOutbox)
    .where(
      and(
        lt(mailOutbox.createdAt, new Date(Date.now() - keepMs)),
        or(isNotNull(mailOutbox.sentAt), isNull(mailOutbox.body)),
      ),
    )
    .returning({ id: mailOutbox.id });
  return gone.length;
}

/**
 * Sends the outbox over SMTP (when SMTP_URL is set), oldest first. A row is locked while it is
 * sent, stamped when the server accepted it — and its body erased in the same update: the link
 * inside is a secret the outbox no longer needs — and retried later (attempts, last_error) when
 * not. Mail whose link has expired is not sent (eraseExpiredMail clears it).
 */
export class SmtpRelay {
  private readonly transport: Transporter;
  constructor(
    private readonly db: Db,
    smtpUrl: string,
    private readonly from: string,
  ) {
    const url = new URL(smtpUrl);
    // Timeouts are query parameters of the URL (nodemailer reads them from there), with sane defaults.
    for (const [k, v] of [
      ['connectionTimeout', '10000'],
      ['greetingTimeout', '10000'],
      ['socketTimeout', '20000'],
    ]) {
      if (!url.searchParams.has(k!)) url.searchParams.set(k!, v!);
    }
    this.transport = nodemailer.createTransport(url.toString());
  }

  async drain(max = 50): Promise<{ sent: number; failed: number }> {
    let sent = 0;
    let failed = 0;
    await this.db.transaction(async (tx) => {
      const rows = await tx
        .select()
        .from(mailOutbox)
        .where(
          and(
            isNull(mailOutbox.sentAt),
            isNotNull(mailOutbox.body),
            lt(mailOutbox.attempts, MAX_ATTEMPTS),
            or(isNull(mailOutbox.expiresAt), gt(mailOutbox.expiresAt, sql`now()`)),
          ),
        )
        .orderBy(asc(mailOutbox.createdAt))
        .limit(max)
        .for('update', { skipLocked: true });
      for (const row of rows) {
        try {
          await this.transport.sendMail({ from: this.from, to: row.to, subject: row.subject, text: row.body! });
          await tx
            .update(mailOutbox)
            .set({ sentAt: new Date(), attempts: row.attempts + 1, lastError: null, body: null })
            .where(eq(mailOutbox.id, row.id));
          sent++;
        } catch (err) {
          const message = (err as Error).message?.slice(0, 500) ?? 'send failed';
          await tx
            .update(mailOutbox)
            .set({ attempts: row.attempts + 1, lastError: message })
            .where(eq(mailOutbox.id, row.id));
          failed++;
        }
      }
    });
    return { sent, failed };
  }

  close() {
    this.transport.close();
  }
}

const MAX_ATTEMPTS = 10;
