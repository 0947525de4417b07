import { uuidv7 } from 'uuidv7';
import { mailOutbox } from '../db/schema/index.js';
import type { Executor } from './db.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
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
    await executor
      .insert(mailOutbox)
      .values({ id: uuidv7(), to: message.to, subject: message.subject, body: message.text });
  }
}
