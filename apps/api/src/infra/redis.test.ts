/**
 * The circuit breaker's deadline against a real Redis: a process that was busy past the deadline (its
 * event loop blocked, as on a saturated machine) still reads the reply Redis had already sent, instead
 * of calling Redis unavailable and opening the circuit for every caller.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { TEST_REDIS_URL } from '../../test/harness.js';
import { RedisCircuit, createRedis, firstConnection, requestPathOptions } from './redis.js';

const DEADLINE_MS = 100;
const clients: Redis[] = [];
afterAll(() => {
  for (const c of clients) c.disconnect();
});

/** A request-path connection that writes each command at once (no auto-pipelining), ready to use. */
async function connect(options: Parameters<typeof createRedis>[1]) {
  const client = createRedis(TEST_REDIS_URL, { ...options, enableAutoPipelining: false });
  clients.push(client);
  await firstConnection(client);
  await client.ping();
  return client;
}

/** This process does nothing else for `ms` (what a saturated CPU or a long GC does to it). */
function busy(ms: number) {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

describe('RedisCircuit deadline', () => {
  it('a reply that arrived while the process was busy past the deadline is read, and the circuit stays closed', async () => {
    const client = await connect(requestPathOptions({ commandTimeoutMs: DEADLINE_MS, connectTimeoutMs: 2_000 }));
    const changes: boolean[] = [];
    const circuit = new RedisCircuit(client, 5_000, (open) => changes.push(open), DEADLINE_MS);
    const reply = circuit.run(() => client.ping());
    busy(DEADLINE_MS * 3);
    await expect(reply).resolves.toBe('PONG');
    expect(circuit.isOpen).toBe(false);
    expect(circuit.openings).toBe(0);
    expect(changes).toEqual([]);
  });

  it("the same block fails the command under the client's own timer (what the circuit used to rely on)", async () => {
    const client = await connect({
      ...requestPathOptions({ commandTimeoutMs: DEADLINE_MS, connectTimeoutMs: 2_000 }),
      commandTimeout: DEADLINE_MS,
    });
    const circuit = new RedisCircuit(client, 5_000);
    const reply = circuit.run(() => client.ping());
    busy(DEADLINE_MS * 3);
    await expect(reply).rejects.toThrow(/timed out/);
    expect(circuit.isOpen).toBe(true);
  });

  it('a reply that never comes still times out after the deadline and opens the circuit', async () => {
    const client = await connect(requestPathOptions({ commandTimeoutMs: DEADLINE_MS, connectTimeoutMs: 2_000 }));
    const circuit = new RedisCircuit(client, 5_000, undefined, DEADLINE_MS);
    // BLPOP on an empty list answers after 1 s: far past the deadline, as a frozen Redis would.
    await expect(circuit.run(() => client.blpop(`oslrs-test:never:${process.pid}`, 1))).rejects.toThrow(/timed out/);
    expect(circuit.isOpen).toBe(true);
    await expect(circuit.run(() => client.ping())).rejects.toThrow(/circuit open/);
  });
});
