/**
 * A saturated database answers 503 BUSY with Retry-After — the request did nothing and may be sent
 * again — not 500. The error is pg-pool's own, from a real pool whose one connection is taken.
 */
import Fastify from 'fastify';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../../test/harness.js';
import { registerErrorHandling, toErrorReply } from './errors.js';

const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1, connectionTimeoutMillis: 1_000 });
afterAll(() => pool.end());

describe('errors: a database with no connection free', () => {
  it('is 503 BUSY with Retry-After, through the error handler, and other errors stay 500', async () => {
    const db = drizzle(pool);
    const app = Fastify();
    registerErrorHandling(app);
    app.get('/query', async () => (await db.execute(sql`select 1 as one`)).rows);
    app.get('/broken', async () => (await db.execute(sql`select * from no_such_table_here`)).rows);

    expect((await app.inject({ method: 'GET', url: '/query' })).statusCode).toBe(200);
    const held = await pool.connect();
    try {
      const busy = await app.inject({ method: 'GET', url: '/query' });
      expect(busy.statusCode).toBe(503);
      expect(busy.headers['retry-after']).toBe('2');
      expect(busy.json()).toEqual({
        error: {
          code: 'BUSY',
          message: 'The registry is busy; try again in a few seconds',
          details: { retryAfterSeconds: 2 },
        },
      });
      // The plain pool error (not wrapped by drizzle) is recognised too.
      const raw = await pool.connect().then(
        () => undefined,
        (err: Error) => err,
      );
      expect(toErrorReply(raw!)).toMatchObject({ status: 503, code: 'BUSY' });
    } finally {
      held.release();
    }
    const broken = await app.inject({ method: 'GET', url: '/broken' });
    expect(broken.statusCode).toBe(500);
    expect(broken.json().error.code).toBe('INTERNAL');
    await app.close();
  });
});
