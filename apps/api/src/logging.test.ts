import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { DrizzleQueryError } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import {
  LazyChildLogger,
  accessLine,
  appendingFile,
  batchedStdout,
  errorForLog,
  loggerOptions,
  maskPath,
  openAddress,
  prettyLine,
  prettyStdout,
  queryKeysOf,
  requestForLog,
  withLazyChildren,
} from './logging.js';
import Fastify from 'fastify';

const NIN = '91357924680';
const PHONE = '+2348039991234';
const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA';

/** What node-postgres raises: a server message and detail that quote the values. */
function pgError() {
  return Object.assign(new Error(`duplicate key value violates unique constraint "users_nin_uq"`), {
    code: '23505',
    constraint: 'users_nin_uq',
    detail: `Key (nin)=(${NIN}) already exists.`,
    table: 'users',
    severity: 'ERROR',
  });
}

function logged(obj: object): string {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  const log = pino(loggerOptions('info'), sink);
  log.child({ reqId: 'r1' }).error(obj, 'failed');
  return lines.join('');
}

describe('errorForLog', () => {
  it("logs Drizzle's query error by SQLSTATE code and constraint, never the SQL or its parameters", () => {
    const err = new DrizzleQueryError(
      'insert into "users" ("nin", "phone", "password_hash") values ($1, $2, $3)',
      [NIN, PHONE, HASH],
      pgError(),
    );
    const out = errorForLog(err);
    expect(out).toMatchObject({ type: 'DrizzleQueryError', code: '23505', constraint: 'users_nin_uq' });
    expect(Object.keys(out).sort()).toEqual(['code', 'constraint', 'message', 'stack', 'type']);
    const line = logged({ err });
    for (const value of [NIN, PHONE.slice(4), HASH, 'insert into', 'Key (nin)']) expect(line).not.toContain(value);
    expect(line).toContain('"code":"23505"');
  });

  it('a bare driver error (no Drizzle wrapper) is treated the same', () => {
    const line = logged({ err: pgError() });
    expect(line).not.toContain(NIN);
    expect(line).toContain('"constraint":"users_nin_uq"');
  });

  it('a query error whose cause is not from the server (connection lost) keeps that cause', () => {
    const err = new DrizzleQueryError(
      'select * from users where phone = $1',
      [PHONE],
      new Error('Connection terminated'),
    );
    const out = errorForLog(err);
    expect(out).toMatchObject({ message: 'database query failed', cause: { message: 'Connection terminated' } });
    expect(JSON.stringify(out)).not.toContain(PHONE.slice(4));
  });

  it('other errors keep type, message, code and call sites, and a wrapped database error is still found', () => {
    const plain = Object.assign(new TypeError('boom'), { code: 'E_BOOM', secret: NIN });
    expect(errorForLog(plain)).toMatchObject({ type: 'TypeError', message: 'boom', code: 'E_BOOM' });
    expect(JSON.stringify(errorForLog(plain))).not.toContain(NIN);
    const wrapped = new Error('job failed', {
      cause: new DrizzleQueryError('update respondents set nin = $1', [NIN], pgError()),
    });
    expect(JSON.stringify(errorForLog(wrapped))).not.toContain(NIN);
  });
});

describe('request lines', () => {
  it('mask a path segment holding a long number, keep ids', () => {
    expect(maskPath(`/api/v1/respondents/${NIN}`)).toBe('/api/v1/respondents/[masked]');
    expect(maskPath('/api/v1/staff/0803%20999%201234')).toBe('/api/v1/staff/[masked]');
    expect(maskPath('/api/v1/staff/01a248e4-c87b-767f-8ddd-890971740312')).toBe(
      '/api/v1/staff/01a248e4-c87b-767f-8ddd-890971740312',
    );
    expect(maskPath('/api/v1/forms/abc/schema')).toBe('/api/v1/forms/abc/schema');
  });

  it('name only real query parameters', () => {
    expect(queryKeysOf(`08039991234&q=${NIN}&page=2`)).toEqual(['[other]', 'q', 'page']);
  });
});

describe('batched standard output', () => {
  it('writes the lines of several turns of the event loop in one write, in order, and nothing is lost', async () => {
    const writes: string[] = [];
    const out = batchedStdout({ write: (chunk: string) => writes.push(chunk) > 0 }, 30);
    for (let i = 0; i < 50; i++) out.write(`line ${i}\n`);
    // Another turn of the event loop: still buffered, and the next lines join the same write.
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual([]);
    for (let i = 50; i < 100; i++) out.write(`line ${i}\n`);
    await vi.waitFor(() => expect(writes).toHaveLength(1));
    expect(writes[0]!.split('\n').slice(0, -1)).toEqual(Array.from({ length: 100 }, (_, i) => `line ${i}`));
    // A burst past 64 KB is written at once, without waiting for the turn to end.
    out.write(`${'x'.repeat(70_000)}\n`);
    expect(writes).toHaveLength(2);
  });
});

describe('a log file (LOG_FILE)', () => {
  const until = async (file: string, lines: number) => {
    for (let i = 0; i < 200; i++) {
      const text = readFileSync(file, 'utf8');
      if (text.split('\n').length - 1 >= lines) return text;
      await new Promise((r) => setTimeout(r, 25));
    }
    return readFileSync(file, 'utf8');
  };

  it('appends every line, in order, after what the file held, with the same redaction; two writers share one file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'oslrs-log-')), 'api.out.log');
    writeFileSync(file, 'OSLRS is ready\n');
    // Two processes of a cluster (two destinations on one file), each below the 64 KB batch: the
    // timer writes their lines.
    const a = pino(loggerOptions('info'), appendingFile(file, 20));
    const b = pino(loggerOptions('info'), appendingFile(file, 20));
    for (let i = 0; i < 300; i++) {
      a.info({ i, writer: 'a', nin: NIN, phone: PHONE }, 'request');
      b.info({ i, writer: 'b' }, 'request');
    }
    const text = await until(file, 601);
    const lines = text.split('\n').slice(0, -1);
    expect(lines[0]).toBe('OSLRS is ready');
    const parsed = lines.slice(1).map((l) => JSON.parse(l) as { i: number; writer: string; nin?: string });
    for (const w of ['a', 'b']) {
      expect(parsed.filter((p) => p.writer === w).map((p) => p.i)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    }
    expect(text).not.toContain(NIN);
    expect(text).not.toContain(PHONE.slice(4));
  });
});

describe('the access line', () => {
  it("is one line of pino's JSON: id, pid, method, masked path, parameter names only, status, time", () => {
    const line = accessLine(
      { id: 'req-1', method: 'GET', url: `/api/v1/respondents/${NIN}?q=${PHONE}&lga=x`, ip: '10.0.0.9' },
      404,
      1.23456,
    );
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    const rec = JSON.parse(line) as Record<string, unknown>;
    expect(rec).toMatchObject({
      level: 30,
      pid: process.pid,
      reqId: 'req-1',
      req: { method: 'GET', url: '/api/v1/respondents/[masked]', queryKeys: ['q', 'lga'], remoteAddress: '10.0.0.9' },
      res: { statusCode: 404 },
      responseTime: 1.23,
      msg: 'request',
    });
    expect(typeof rec.time).toBe('number');
    expect(line).not.toContain(NIN);
    expect(line).not.toContain(PHONE.slice(4));
  });

  it('holds exactly what the request serializer gives (requestForLog), whatever the URL', () => {
    const requests = [
      { method: 'GET', url: '/api/v1/health', ip: '127.0.0.1' },
      { method: 'POST', url: `/api/v1/staff/${NIN}/x?`, ip: '::1' },
      { method: 'GET', url: `/api/v1/staff?q=${PHONE}&q=2&${NIN}=1&a"b=\\`, ip: undefined },
      { method: 'DELETE', url: '/api/v1/\u2028"quoted"/\\path', ip: '10.0.0.1' },
    ];
    for (const req of requests) {
      const rec = JSON.parse(accessLine({ ...req, id: 'r' } as never, 200, 1)) as { req: unknown };
      expect(rec.req).toEqual(JSON.parse(JSON.stringify(requestForLog(req as never))));
      expect(JSON.stringify(rec.req)).toBe(JSON.stringify(requestForLog(req as never)));
    }
  });
});

describe('LazyChildLogger (request.log)', () => {
  const sinkOf = (lines: string[]) =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });

  it("writes pino's child line, the request id bound and the same redaction, and makes the child only when used", () => {
    const direct: string[] = [];
    const lazy: string[] = [];
    const parent = pino(loggerOptions('info'), sinkOf(lazy));
    let children = 0;
    const counting = Object.create(parent, {
      child: { value: (...args: Parameters<typeof parent.child>) => (children++, parent.child(...args)) },
    }) as typeof parent;
    const log = new LazyChildLogger(counting, { reqId: 'req-7' });
    const err = pgError();
    expect(children).toBe(0);
    log.debug('below the level'); // still a call on the child, as before: it decides
    log.info({ nin: NIN, code: 'X' }, 'request refused');
    log.error({ err }, 'unhandled error');
    log.warn('plain');
    expect(children).toBe(1);
    expect(log.level).toBe('info');

    const reference = pino(loggerOptions('info'), sinkOf(direct)).child({ reqId: 'req-7' });
    reference.debug('below the level');
    reference.info({ nin: NIN, code: 'X' }, 'request refused');
    reference.error({ err }, 'unhandled error');
    reference.warn('plain');
    const withoutTime = (l: string) => l.replace(/"time":\d+,/, '');
    expect(lazy.map(withoutTime)).toEqual(direct.map(withoutTime));
    expect(lazy).toHaveLength(3);
    expect(lazy.join('')).not.toContain(NIN);
    expect(lazy[0]).toContain('"reqId":"req-7"');
  });
});

describe("withLazyChildren (Fastify's loggerInstance)", () => {
  it("request.log is made only for a request that logs, with Fastify's request id and the same redaction", async () => {
    const lines: string[] = [];
    const parent = pino(
      loggerOptions('info'),
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          lines.push(chunk.toString());
          cb();
        },
      }),
    );
    // Every pino child made, at any depth: pino's own child(), spied on where all its loggers find it.
    const made = vi.spyOn(Object.getPrototypeOf(parent) as typeof parent, 'child');
    const app = Fastify({ loggerInstance: withLazyChildren(parent), disableRequestLogging: true });
    app.get('/quiet', async () => 'ok');
    let loudId = '';
    app.get('/loud', async (request) => {
      loudId = request.id;
      request.log.info({ nin: NIN, code: 'X' }, 'noted');
      return 'ok';
    });
    await app.ready();
    try {
      for (let i = 0; i < 5; i++) expect((await app.inject('/quiet')).statusCode).toBe(200);
      // At most the server's own logger (Fastify's child of the instance), made once.
      const afterQuiet = made.mock.calls.length;
      expect(afterQuiet).toBeLessThanOrEqual(1);
      expect(lines).toEqual([]);
      const loud = await app.inject('/loud');
      expect(loud.statusCode).toBe(200);
      expect(made.mock.calls.length).toBe(afterQuiet + 1);
      expect(made.mock.calls.at(-1)![0]).toEqual({ reqId: loudId });
      expect(lines).toHaveLength(1);
      const line = JSON.parse(lines[0]!) as Record<string, unknown>;
      expect(line).toMatchObject({ msg: 'noted', code: 'X', nin: '[redacted]' });
      expect(line.reqId).toBe(loudId);
      expect(lines[0]).not.toContain(NIN);
    } finally {
      made.mockRestore();
      await app.close();
    }
  });
});

describe('prettyStdout (a terminal in development)', () => {
  it('prints readable lines that still hold no PII: redaction happens before formatting', async () => {
    const written: string[] = [];
    const log = pino(loggerOptions('info'), prettyStdout({ write: (c: string) => (written.push(c), true) }, false));
    log.info({ nin: NIN, phone: PHONE, email: 'a@b.ng', lga: 'Ibadan North', count: 3 }, 'respondent stored');
    log.error({ err: pgError() }, 'insert failed');
    await vi.waitFor(() => expect(written).not.toHaveLength(0));
    const out = written.join('');
    expect(out).toMatch(
      /^\d\d:\d\d:\d\d INFO {2}respondent stored nin=\[redacted\] phone=\[redacted\] email=\[redacted\] lga=Ibadan North count=3$/m,
    );
    expect(out).toMatch(/^\d\d:\d\d:\d\d ERROR insert failed$/m);
    expect(out).toContain('database error 23505');
    expect(out).not.toContain(NIN);
    expect(out).not.toContain(PHONE);
    expect(out).not.toMatch(/^\{/m);
  });

  it('passes through a line that is not JSON', () => {
    expect(prettyLine('plain text\n')).toBe('plain text\n');
  });
});

describe('openAddress', () => {
  it('is the public URL when set, else the bound host, with localhost for a wildcard bind', () => {
    expect(openAddress('https://oslrs.example.ng', 'localhost', 3000)).toBe('https://oslrs.example.ng');
    expect(openAddress(undefined, 'localhost', 3000)).toBe('http://localhost:3000');
    expect(openAddress(undefined, '0.0.0.0', 8080)).toBe('http://localhost:8080');
    expect(openAddress(undefined, '127.0.0.1', 3001)).toBe('http://127.0.0.1:3001');
    expect(openAddress(undefined, '::1', 3002)).toBe('http://[::1]:3002');
  });
});
