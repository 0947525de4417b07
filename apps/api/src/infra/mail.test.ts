/**
 * The SMTP path end to end: a real SMTP server on loopback receives what the outbox holds. And the
 * links in mail bodies are secrets: the outbox erases a body once it is sent, or once its link expired.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { uuidv7 } from 'uuidv7';
import { mailOutbox } from '../db/schema/index.js';
import { eraseExpiredMail } from './mail.js';
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
    env: {
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      MAIL_INTERVAL_MS: '200',
      MAIL_FROM: 'OSLRS <registry@oyo.test>',
      // The expired-mail sweep runs on this schedule.
      RELAY_INTERVAL_MS: '200',
    },
  });
});
afterAll(async () => {
  await t?.close();
  await new Promise<void>((r) => smtp?.server.close(() => r()));
});

/** Whether a token (as issued, or URL-encoded as in a link) is anywhere in the outbox, in any column. */
async function outboxHolds(app: TestApp, token: string): Promise<boolean> {
  const res = (await app.database.db.execute(
    sql`select count(*)::int as n from mail_outbox m where strpos(m::text, ${token}) > 0 or strpos(m::text, ${encodeURIComponent(token)}) > 0`,
  )) as { rows: { n: number }[] };
  return res.rows[0]!.n > 0;
}

const tokenOf = (url: string) => new URL(url).searchParams.get('token')!;

async function invite(app: TestApp, email: string, phone: string) {
  const admin = await login(app.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  const res = await call(app.app, admin, {
    method: 'POST',
    url: '/api/v1/staff',
    payload: { fullName: 'Secret Keeper', email, phone, role: 'data_entry_clerk' },
  });
  expect(res.statusCode).toBe(201);
  return res.json() as { staff: { id: string }; activationUrl: string };
}

const activate = (app: TestApp, token: string) =>
  app.app.inject({ method: 'POST', url: '/api/v1/auth/activate', payload: { token, password: 'a long new password' } });

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
    // Sent: the body (and the token in it) is gone from the outbox, in the update that stamped it.
    expect(row!.body).toBeNull();
    expect(await outboxHolds(t, tokenOf(activationUrl))).toBe(false);
  });

  it('erases the body once sent; the link in the inbox still activates the account', async () => {
    const { activationUrl } = await invite(t, 'inbox.only@test.oslrs', '08031234569');
    const token = tokenOf(activationUrl);
    const message = await waitFor(async () => smtp.received.find((m) => m.to.includes('inbox.only@test.oslrs')));
    const [row] = await waitFor(async () => {
      const rows = await t.database.db.select().from(mailOutbox).where(eq(mailOutbox.to, 'inbox.only@test.oslrs'));
      return rows[0]?.sentAt ? rows : undefined;
    });
    expect(row!.body).toBeNull();
    expect(row!.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    expect(await outboxHolds(t, token)).toBe(false);
    // The recipient's copy is the only one left, and it works.
    const received = message.data.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    const link = /http:\/\/registry\.test\/activate\?token=[\w%-]+/.exec(received)![0];
    expect(tokenOf(link)).toBe(token);
    const ok = await activate(t, token);
    expect(ok.statusCode).toBe(200);
  });

  it('does not send mail whose link has expired, and the sweep erases its body', async () => {
    const id = uuidv7();
    const token = 'expired-token-0123456789abcdef';
    await t.database.db.insert(mailOutbox).values({
      id,
      to: 'too.late@test.oslrs',
      subject: 'Your OSLRS staff account',
      body: `Set your password here: http://registry.test/activate?token=${token}\n`,
      createdAt: new Date(Date.now() - 8 * 86_400_000),
      expiresAt: new Date(Date.now() - 1000),
    });
    const [row] = await waitFor(async () => {
      const rows = await t.database.db.select().from(mailOutbox).where(eq(mailOutbox.id, id));
      return rows[0]?.body === null ? rows : undefined;
    });
    expect(row!.sentAt).toBeNull();
    expect(row!.lastError).toBe('expired before it was sent');
    expect(await outboxHolds(t, token)).toBe(false);
    // A few relay rounds later it still has not gone out.
    await new Promise((r) => setTimeout(r, 600));
    expect(smtp.received.some((m) => m.to.includes('too.late@test.oslrs'))).toBe(false);
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
      expect(sent!.body).toBeNull();
    } finally {
      await new Promise<void>((r) => again.close(() => r()));
    }
  });
});

describe('mail without SMTP (the outbox is the end)', () => {
  let local: TestApp;
  beforeAll(async () => {
    local = await startTestApp({ env: { RELAY_INTERVAL_MS: '200' } });
  });
  afterAll(async () => {
    await local?.close();
  });

  it('keeps the body while the link works, erases it once the link has expired', async () => {
    const first = await invite(local, 'waiting.one@test.oslrs', '08031234570');
    const second = await invite(local, 'waiting.two@test.oslrs', '08031234571');
    const rows = await local.database.db.select().from(mailOutbox);
    for (const r of rows) {
      // Unsent and unexpired: the body is there to be sent (or read, in development).
      expect(r.sentAt).toBeNull();
      expect(r.body).toContain('/activate?token=');
      // An invitation's mail expires with its link (ACTIVATION_TTL_HOURS, 7 days by default).
      const ttl = r.expiresAt!.getTime() - r.createdAt.getTime();
      expect(ttl).toBeGreaterThan(7 * 86_400_000 - 60_000);
      expect(ttl).toBeLessThan(7 * 86_400_000 + 60_000);
    }
    // The sweep runs and leaves unexpired mail alone.
    expect(await eraseExpiredMail(local.database.db)).toBe(0);
    expect(await outboxHolds(local, tokenOf(first.activationUrl))).toBe(true);

    // The first link is used: the token still works while it is in the outbox.
    expect((await activate(local, tokenOf(first.activationUrl))).statusCode).toBe(200);

    // The second one's time runs out (as if 7 days had passed): the ticker erases its body.
    await local.database.db
      .update(mailOutbox)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(mailOutbox.to, 'waiting.two@test.oslrs'));
    const [gone] = await waitFor(async () => {
      const r = await local.database.db.select().from(mailOutbox).where(eq(mailOutbox.to, 'waiting.two@test.oslrs'));
      return r[0]?.body === null ? r : undefined;
    });
    expect(gone!.lastError).toBe('expired before it was sent');
    expect(gone!.to).toBe('waiting.two@test.oslrs');
    expect(await outboxHolds(local, tokenOf(second.activationUrl))).toBe(false);
    expect(await eraseExpiredMail(local.database.db)).toBe(0);
  });
});
