import { Redis, type RedisOptions } from 'ioredis';

/** A Redis connection that reports failures through `onError` instead of crashing the process. */
export function createRedis(url: string, options: RedisOptions = {}, onError?: (err: Error) => void): Redis {
  const client = new Redis(url, {
    lazyConnect: false,
    enableAutoPipelining: true,
    ...options,
  });
  client.on('error', (err: Error) => onError?.(err));
  return client;
}

/**
 * Options for a connection used on the request path: a command gets at most `commandTimeoutMs` for
 * its reply (a hung or paused Redis keeps the TCP connection open, so without this a command would
 * wait forever), a connection attempt at most `connectTimeoutMs`, and nothing waits in an offline
 * queue while Redis is away. Never for a connection that runs blocking commands (BullMQ's worker).
 */
export function requestPathOptions(timeouts: { commandTimeoutMs: number; connectTimeoutMs: number }): RedisOptions {
  return {
    // A backstop: calls through a RedisCircuit get its own deadline (`commandTimeoutMs`), which, unlike
    // ioredis's timer, does not mistake a busy process for a silent Redis (see RedisCircuit.run).
    commandTimeout: Math.max(timeouts.commandTimeoutMs * 10, 5_000),
    connectTimeout: timeouts.connectTimeoutMs,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  };
}

/** Thrown at once, without touching the network, while the circuit is open. */
export class RedisUnavailableError extends Error {
  constructor(reason: string) {
    super(`Redis unavailable (${reason})`);
    this.name = 'RedisUnavailableError';
  }
}

/**
 * A circuit breaker in front of a Redis connection. After a command fails for lack of Redis (a
 * timeout, a dropped or refused connection), every call fails at once for `retryAfterMs`; then one
 * call at a time is let through to probe, and the first success closes the circuit again. So a
 * paused Redis costs one request at most one command timeout, not every request every timeout, and
 * callers take their fallback (PostgreSQL, an in-process limiter) straight away.
 */
export class RedisCircuit {
  private openUntil = 0;
  private probing = false;
  private failures = 0;

  constructor(
    private readonly client: Pick<Redis, 'status'>,
    private readonly retryAfterMs: number,
    private readonly onChange?: (open: boolean, err?: Error) => void,
    /** A call's reply due within this (0: none here, the client's own timeout applies). */
    private readonly commandTimeoutMs = 0,
  ) {}

  /** True while calls are being refused without trying Redis. */
  get isOpen(): boolean {
    return this.client.status !== 'ready' || Date.now() < this.openUntil;
  }

  /** How many times the circuit has opened (for tests and logs). */
  get openings(): number {
    return this.failures;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.client.status !== 'ready') throw new RedisUnavailableError(this.client.status);
    const halfOpen = this.openUntil > 0;
    if (halfOpen) {
      if (Date.now() < this.openUntil) throw new RedisUnavailableError('circuit open');
      // One probe at a time: the others keep failing fast until it answers.
      if (this.probing) throw new RedisUnavailableError('circuit half-open');
      this.probing = true;
    }
    try {
      const result = await this.withDeadline(fn());
      if (halfOpen) {
        this.openUntil = 0;
        this.onChange?.(false);
      }
      return result;
    } catch (err) {
      if (isOutage(err)) this.trip(err as Error);
      throw err;
    } finally {
      if (halfOpen) this.probing = false;
    }
  }

  /**
   * The reply, or a timeout once `commandTimeoutMs` is over and the reply is still missing after this
   * process has read its sockets. A process busy for longer than the deadline (a saturated CPU, a long
   * GC) runs its due timers before it reads what arrived meanwhile: ioredis's own timer then failed
   * commands whose replies were already waiting, and one such false timeout opened the circuit — for
   * `retryAfterMs`, every caller took its fallback (sessions from PostgreSQL, NIN checks refused),
   * adding load to a machine already saturated. The check runs in setImmediate, after this turn's poll
   * phase has delivered whatever Redis had sent.
   */
  private withDeadline<T>(reply: Promise<T>): Promise<T> {
    if (this.commandTimeoutMs <= 0) return reply;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(
        () =>
          setImmediate(() => {
            if (settled) return;
            settled = true;
            reject(new Error(`Command timed out after ${this.commandTimeoutMs} ms`));
          }),
        this.commandTimeoutMs,
      );
      reply.then(
        (value) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          reject(err as Error);
        },
      );
    });
  }

  private trip(err: Error) {
    const wasClosed = this.openUntil === 0;
    this.openUntil = Date.now() + this.retryAfterMs;
    this.failures++;
    if (wasClosed) this.onChange?.(true, err);
  }
}

/** Errors that mean "Redis is not answering", as opposed to a bad command. */
function isOutage(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'MaxRetriesPerRequestError') return true;
  return /timed out|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection is closed|writeable|not connected/i.test(
    err.message,
  );
}

/**
 * Wait for the first connection attempt to settle (ready, or an error such as ECONNREFUSED), at most
 * `timeoutMs`. A client without an offline queue refuses commands until it is ready; this keeps the
 * first requests after start-up from failing while a healthy Redis is still being dialled, and never
 * blocks start-up on a dead one.
 */
export async function firstConnection(client: Redis, timeoutMs = 2000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      client.off('error', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    timer.unref();
    client.once('ready', done);
    client.once('error', done);
  });
}
