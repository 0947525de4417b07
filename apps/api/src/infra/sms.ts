import { and, asc, count, eq, gt, gte, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { smsOutbox } from '../db/schema/index.js';
import { inIdBatches, newestFirst, rowsOf, type Db, type Executor } from './db.js';
import type { PiiCipher } from './pii.js';

export interface SmsMessage {
  /** International form, +234…. */
  to: string;
  text: string;
  /** When a link in `text` stops working: past it the SMS is not sent and its body is erased. */
  expiresAt?: Date;
}

/**
 * Outgoing SMS goes through this seam, as mail does (infra/mail.ts): the message is written into
 * sms_outbox inside the caller's transaction, and the relay sends it through a transport.
 */
export interface SmsSender {
  send(message: SmsMessage, executor: Executor): Promise<void>;
}

/** The number at rest: sealed, and found by its blind index (never in clear). */
function sealedNumber(pii: PiiCipher, to: string) {
  return { to: null, toSealed: pii.seal(to, 'phone'), toHash: pii.blindIndex(to, 'phone') };
}

/** A row's number, from its sealed copy (or, for a row written before sealing, as it was stored). */
function numberOf(pii: PiiCipher, row: { to: string | null; toSealed: string | null }): string {
  return row.toSealed ? pii.open(row.toSealed, 'phone') : row.to!;
}

export class OutboxSms implements SmsSender {
  constructor(private readonly pii: PiiCipher) {}
  async send(message: SmsMessage, executor: Executor) {
    await executor.insert(smsOutbox).values({
      id: uuidv7(),
      ...sealedNumber(this.pii, message.to),
      body: message.text,
      expiresAt: message.expiresAt ?? null,
    });
  }
}

/** Where the relay hands each message: the network (an aggregator) or, in development, nowhere. */
export interface SmsTransport {
  readonly name: 'dev' | 'aggregator';
  /** Keep the body once sent (the development transport: it is the record of what was sent). */
  readonly keepsBodies: boolean;
  deliver(to: string, text: string): Promise<void>;
}

/**
 * Development and tests: nothing leaves the machine. The outbox row, stamped sent with its body kept,
 * is the record (the admin simulator and the tests read it); `sent` holds this process's deliveries.
 */
export class DevSmsTransport implements SmsTransport {
  readonly name = 'dev' as const;
  readonly keepsBodies = true;
  readonly sent: { to: string; text: string }[] = [];
  async deliver(to: string, text: string) {
    this.sent.push({ to, text });
    if (this.sent.length > 1000) this.sent.shift();
  }
}

/**
 * An aggregator's bulk-SMS HTTP API in the Africa's Talking convention: a form POST of `username`,
 * `to`, `message` (and `from`, a sender id, when set) with the key in an `apiKey` header. Any reply
 * but 2xx is a failure, retried by the relay.
 */
export class AggregatorSmsTransport implements SmsTransport {
  readonly name = 'aggregator' as const;
  readonly keepsBodies = false;
  constructor(
    private readonly o: { url: string; apiKey: string; username: string; senderId?: string; timeoutMs?: number },
  ) {}
  async deliver(to: string, text: string) {
    const form = new URLSearchParams({ username: this.o.username, to, message: text });
    if (this.o.senderId) form.set('from', this.o.senderId);
    const res = await fetch(this.o.url, {
      method: 'POST',
      headers: {
        apiKey: this.o.apiKey,
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: form.toString(),
      signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
    });
    const reply = await res.text().catch(() => '');
    if (!res.ok) throw new Error(`SMS gateway answered ${res.status}: ${reply.slice(0, 200)}`);
  }
}

const MAX_ATTEMPTS = 10;

/**
 * Sends the outbox, oldest first, within a daily ceiling on what SMS may cost: at most `dailyLimit`
 * messages a day (UTC), counted from the outbox itself so every process shares one count. Past the
 * ceiling nothing more is sent that day; waiting messages go the next day (unless their link expired).
 */
export class SmsRelay {
  constructor(
    private readonly db: Db,
    private readonly pii: PiiCipher,
    private readonly transport: SmsTransport,
    private readonly dailyLimit: number,
    private readonly onCeiling: (sentToday: number) => void = () => {},
  ) {}

  /** Messages sent since midnight UTC. */
  async sentToday(executor: Executor = this.db): Promise<number> {
    const [row] = await executor
      .select({ n: count() })
      .from(smsOutbox)
      .where(gte(smsOutbox.sentAt, sql`date_trunc('day', now() at time zone 'utc') at time zone 'utc'`));
    return Number(row?.n ?? 0);
  }

  async drain(max = 50): Promise<{ sent: number; failed: number; held: number }> {
    let sent = 0;
    let failed = 0;
    let held = 0;
    await this.db.transaction(async (tx) => {
      // One relay at a time decides against the ceiling (another process's drain waits here).
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('oslrs sms relay'))`);
      const room = this.dailyLimit - (await this.sentToday(tx));
      const rows = await tx
        .select()
        .from(smsOutbox)
        .where(
          and(
            isNull(smsOutbox.sentAt),
            isNotNull(smsOutbox.body),
            lt(smsOutbox.attempts, MAX_ATTEMPTS),
            or(isNull(smsOutbox.expiresAt), gt(smsOutbox.expiresAt, sql`now()`)),
          ),
        )
        .orderBy(asc(smsOutbox.createdAt))
        .limit(Math.max(0, Math.min(max, room)) + 1)
        .for('update', { skipLocked: true });
      if (rows.length > room && room < max) {
        held = rows.length - Math.max(0, room);
        this.onCeiling(this.dailyLimit - room);
      }
      for (const row of rows.slice(0, Math.max(0, Math.min(max, room)))) {
        try {
          await this.transport.deliver(numberOf(this.pii, row), row.body!);
          await tx
            .update(smsOutbox)
            .set({
              sentAt: new Date(),
              attempts: row.attempts + 1,
              lastError: null,
              transport: this.transport.name,
              ...(this.transport.keepsBodies ? {} : { body: null }),
            })
            .where(eq(smsOutbox.id, row.id));
          sent++;
        } catch (err) {
          await tx
            .update(smsOutbox)
            .set({ attempts: row.attempts + 1, lastError: (err as Error).message?.slice(0, 500) ?? 'send failed' })
            .where(eq(smsOutbox.id, row.id));
          failed++;
        }
      }
    });
    return { sent, failed, held: Math.max(0, held) };
  }
}

/** Erase bodies whose link has expired, sent or not (the ticker runs it). */
export async function eraseExpiredSms(executor: Executor): Promise<number> {
  const erased = await executor
    .update(smsOutbox)
    .set({
      body: null,
      lastError: sql`case when ${smsOutbox.sentAt} is null then 'expired before it was sent' else ${smsOutbox.lastError} end`,
    })
    .where(and(isNotNull(smsOutbox.body), lte(smsOutbox.expiresAt, sql`now()`)))
    .returning({ id: smsOutbox.id });
  return erased.length;
}

/**
 * Deletes messages older than `keepMs` that are done with: sent, or their body erased (expired).
 * Messages still waiting to be sent stay (and today's sent ones count towards the daily ceiling, so
 * `keepMs` is at least a day). Returns how many rows went.
 */
export async function purgeOldSms(executor: Executor, keepMs: number): Promise<number> {
  const gone = await executor
    .delete(smsOutbox)
    .where(
      and(
        lt(smsOutbox.createdAt, new Date(Date.now() - Math.max(keepMs, 86_400_000))),
        or(isNotNull(smsOutbox.sentAt), isNull(smsOutbox.body)),
      ),
    )
    .returning({ id: smsOutbox.id });
  return gone.length;
}

/** The newest messages (to one number, or to anyone), for the simulator and tests; numbers opened. */
export async function recentSms(executor: Executor, pii: PiiCipher, to?: string, limit = 20) {
  const rows = await executor
    .select()
    .from(smsOutbox)
    .where(to ? eq(smsOutbox.toHash, pii.blindIndex(to, 'phone')) : undefined)
    .orderBy(newestFirst(smsOutbox.createdAt))
    .limit(limit);
  return rows.map((r) => ({ ...r, to: numberOf(pii, r) }));
}

const SEAL_BATCH = 2000;

/**
 * Numbers at rest: rows written before sealing get theirs sealed (every start, a no-op once done);
 * with `rotate`, rows sealed under an older key are sealed again under the current one (and, with
 * `reindex`, their blind index rebuilt). Batches in id order, one UPDATE each.
 */
export function sealSmsNumbers(
  executor: Executor,
  pii: PiiCipher,
  opts: { rotate?: boolean; reindex?: boolean } = {},
): Promise<number> {
  return inIdBatches(
    async (after) =>
      rowsOf<{ id: string; to: string | null; to_sealed: string | null }>(
        await executor.execute(sql`
          select id, "to", to_sealed from ${smsOutbox}
           where id > ${after}::uuid and ${opts.rotate ? sql`to_sealed is not null` : sql`"to" is not null`}
           order by id limit ${SEAL_BATCH}`),
      ),
    async (rows) => {
      const values = rows
        .filter((r) => !opts.rotate || opts.reindex || pii.anyStale([r.to_sealed]))
        .map((r) => {
          const number = r.to_sealed ? pii.open(r.to_sealed, 'phone') : r.to!;
          return { id: r.id, to_sealed: pii.seal(number, 'phone'), to_hash: pii.blindIndex(number, 'phone') };
        });
      if (!values.length) return 0;
      await executor.execute(sql`
        update ${smsOutbox} o set "to" = null, to_sealed = v.to_sealed, to_hash = v.to_hash
          from jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as v(id uuid, to_sealed text, to_hash text)
         where o.id = v.id`);
      return values.length;
    },
  );
}
