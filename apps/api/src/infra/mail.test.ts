/** The SMTP path end to end: a real SMTP server on loopback receives what the outbox holds. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { mailOutbox } from '../db/schema/index.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, call, login, startTestApp, waitFor, type TestApp } from '../../test/harness.js';

interface Received {
  to: string[];
  data: string;
}

function startSmtp(): Promise<{ server: SMTPServer; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, done) {
      let data = '';
      stream.on('data', (c: Buffer) => (data += c.toString()));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
        done();
      });
    },
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.server.address() as { port: number }).port, received }),
    );
  });
}

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
beforeAll(async () => {
  smtp = await startSmtp();
  t = await startTestApp({
    env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_INTERVAL_MS: '200', MAIL_FROM: 'OSLRS <registry@oyo.test>' },
  });
});
afterAll(async () => {
  await t?.close();
  await new Promise<void>((r) => smtp?.server.close(() => r()));
});

describe('mail over SMTP', () => {
  it('sends an invitation from the outbox and stamps it sent', async () => {
    const admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const res = await call(t.app, admin, {
      method: 'POST',
      url: '/api/v1/staff',
      payload: {
        fullName: 'Mail Person',
        email: 'mail.person@test.oslrs',
        phone: '08031234567',
        role: 'data_entry_clerk',
      },
    });
    expect(res.statusCode).toBe(201);
    const { activationUrl } = res.json();
    const message = await waitFor(async () => smtp.received.find((m) => m.to.includes('mail.person@test.oslrs')));
    expect(message.data).toContain('Subject: Your OSLRS staff account');
    expect(message.data).toContain('registry@oyo.test');
    // Quoted-printable may fold long lines: compare without soft breaks.
    expect(message.data.replace(/=\r?\n/g, '').replace(/=3D/g, '=')).toContain(activationUrl);
    const [row] = await waitFor(async () => {
      const rows = await t.database.db.select().from(mailOutbox).where(eq(mailOutbox.to, 'mail.person@test.oslrs'));
      return rows[0]?.sentAt ? rows : undefined;
    });
    expect(row!.attempts).toBe(1);
    expect(row!.lastError).toBeNull();
  });

  it('keeps unsent mail with the error when the SMTP server is down, and sends it once it is back', async () => {
    const port = smtp.port;
    await new Promise<void>((r) => smtp.server.close(() => r()));
    const admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    await call(t.app, admin, {
      method: 'POST',
      url: '/api/v1/staff',
      payload: {
        fullName: 'Later Person',
        email: 'later.person@test.oslrs',
        phone: '08031234568',
        role: 'data_entry_clerk',
      },
    });
    const [failed] = await waitFor(async () => {
      const rows = await t.database.db.select().from(mailOutbox).where(eq(mailOutbox.to, 'later.person@test.oslrs'));
      return rows[0]?.lastError ? rows : undefined;
    });
    expect(failed!.sentAt).toBeNull();
    expect(failed!.attempts).toBeGreaterThanOrEqual(1);

    const received: Received[] = [];
    const again = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, done) {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString()));
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          done();
        });
      },
    });
    await new Promise<void>((r) => again.listen(port, '127.0.0.1', () => r()));
    try {
      await waitFor(async () => received.find((m) => m.to.includes('later.person@test.oslrs')));
      const [sent] = await waitFor(async () => {
        const rows = await t.database.db.select().from(mailOutbox).where(eq(mailOutbox.to, 'later.person@test.oslrs'));
        return rows[0]?.sentAt ? rows : undefined;
      });
      expect(sent!.lastError).toBeNull();
    } finally {
      await new Promise<void>((r) => again.close(() => r()));
    }
  });
});
