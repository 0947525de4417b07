import pino, { type DestinationStream, type LoggerOptions } from 'pino';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { Bindings, ChildLoggerOptions, LogFn } from 'pino';
import { hostname } from 'node:os';
import { findPgError } from './errors.js';

/** Only the call sites of a stack: its first line repeats the message, which may hold values. */
function framesOf(stack: unknown): string | undefined {
  if (typeof stack !== 'string') return undefined;
  const frames = stack.split('\n').filter((l) => /^\s+at /.test(l));
  return frames.length ? frames.slice(0, 15).join('\n') : undefined;
}

function typeOf(e: { name?: unknown; constructor?: { name?: unknown } }): string {
  const ctor = e.constructor?.name;
  if (typeof ctor === 'string' && ctor !== 'Object') return ctor;
  return typeof e.name === 'string' ? e.name : 'Error';
}

/**
 * How every error is logged (pino's `err` serializer). An error that came from the database is
 * logged by SQLSTATE code and constraint name only: Drizzle's DrizzleQueryError carries the SQL and
 * every bound value (`query`, `params`, and both again in its message and stack), and PostgreSQL's
 * own message and `detail` quote values (`Key (nin)=(…) already exists`, `invalid input syntax …: "…"`).
 * Other errors keep their type, message, code and call sites, never arbitrary properties.
 */
export function errorForLog(err: unknown, depth = 0): Record<string, unknown> {
  if (err === null || typeof err !== 'object') return { type: typeof err, message: String(err).slice(0, 300) };
  const e = err as Record<string, unknown> & { name?: unknown; constructor?: { name?: unknown } };
  const type = typeOf(e);
  const pg = findPgError(err);
  const fromDatabase =
    pg !== undefined || 'query' in e || 'params' in e || 'parameters' in e || type === 'DrizzleQueryError';
  if (fromDatabase) {
    const out: Record<string, unknown> = {
      type,
      message: pg?.code ? `database error ${pg.code}` : 'database query failed',
    };
    if (pg?.code) out.code = pg.code;
    if (pg?.constraint) out.constraint = pg.constraint;
    const stack = framesOf(e.stack);
    if (stack) out.stack = stack;
    // A client-side cause (connection lost, pool timeout) says what happened and holds no values.
    if (!pg && e.cause && depth < 3) out.cause = errorForLog(e.cause, depth + 1);
    return out;
  }
  const out: Record<string, unknown> = { type };
  if (typeof e.message === 'string') out.message = e.message.slice(0, 2000);
  if (typeof e.code === 'string' || typeof e.code === 'number') out.code = e.code;
  if (typeof e.statusCode === 'number') out.statusCode = e.statusCode;
  const stack = framesOf(e.stack);
  if (stack) out.stack = stack;
  if (e.cause && depth < 3) out.cause = errorForLog(e.cause, depth + 1);
  return out;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Seven digits with at most three other characters between each: a NIN or phone number, however written. */
const LONG_NUMBER = /\d(?:[^/]{0,3}\d){6}/;

/**
 * The path as logged: ids stay (they are how a request is traced), but a segment that is not a UUID
 * and holds a long number (a NIN or phone number put where an id belongs) is masked.
 */
export function maskPath(path: string): string {
  // No long number anywhere (the run cannot cross a slash, so none in any segment): nothing to mask.
  if (!LONG_NUMBER.test(path)) return path;
  return path
    .split('/')
    .map((segment) => (UUID.test(segment) || !LONG_NUMBER.test(segment) ? segment : '[masked]'))
    .join('/');
}

/** Which parameters a query string names; a "name" that is not one (`?08031234567`) is not repeated. */
export function queryKeysOf(query: string): string[] {
  const keys = new Set<string>();
  for (const key of new URLSearchParams(query).keys()) {
    keys.add(/^[A-Za-z_][\w.[\]-]{0,39}$/.test(key) && !/\d{5}/.test(key) ? key : '[other]');
    if (keys.size >= 20) break;
  }
  return [...keys];
}

/** A request as logged: method, the path masked, only the names of its query parameters, the address. */
export function requestForLog(req: Pick<FastifyRequest, 'url' | 'method' | 'ip'>) {
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  return {
    method: req.method,
    url: maskPath(path),
    // Only which parameters were sent, never their values.
    queryKeys: q < 0 ? undefined : queryKeysOf(req.url.slice(q + 1)),
    remoteAddress: req.ip,
  };
}

/** `JSON.stringify(requestForLog(req))`, the same bytes, without the object in between. */
function requestJson(req: Pick<FastifyRequest, 'url' | 'method' | 'ip'>): string {
  const url = req.url;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const ip = req.ip;
  return (
    `{"method":${JSON.stringify(req.method)},"url":${JSON.stringify(maskPath(path))}` +
    (q < 0 ? '' : `,"queryKeys":${JSON.stringify(queryKeysOf(url.slice(q + 1)))}`) +
    (ip === undefined ? '}' : `,"remoteAddress":${JSON.stringify(ip)}}`)
  );
}

const PROCESS_FIELDS = `"pid":${process.pid},"hostname":${JSON.stringify(hostname())}`;

/**
 * The one access line of a request, in pino's format (level 30, time, pid, hostname, reqId), built
 * directly: every field is made here from the request (requestForLog) and the status, so nothing can
 * carry a body, header or query value, and it skips the logger's generic path (a child logger's
 * bindings, redaction, serializers) that cost several times more per request.
 */
export function accessLine(
  req: Pick<FastifyRequest, 'url' | 'method' | 'ip' | 'id'>,
  statusCode: number,
  responseTimeMs: number,
): string {
  return (
    `{"level":30,"time":${Date.now()},${PROCESS_FIELDS},"reqId":${JSON.stringify(req.id)},` +
    `"req":${requestJson(req)},"res":{"statusCode":${statusCode}},` +
    `"responseTime":${Math.round(responseTimeMs * 100) / 100},"msg":"request"}\n`
  );
}

/**
 * A request's logger (`request.log`, Fastify's `childLoggerFactory`) that becomes pino's child logger
 * (the request id bound) only when the request logs something: most requests never do (their one
 * access line is written by accessLine), and a pino child per request was a cost on every request.
 * What it writes is the child's own line, byte for byte.
 */
export class LazyChildLogger implements FastifyBaseLogger {
  // The log methods live on the prototype (below): no closures per request.
  declare fatal: LogFn;
  declare error: LogFn;
  declare warn: LogFn;
  declare info: LogFn;
  declare debug: LogFn;
  declare trace: LogFn;
  declare silent: LogFn;
  private made: FastifyBaseLogger | undefined;
  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options?: ChildLoggerOptions,
  ) {}
  /** The pino child, made on first use. */
  get logger(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings, this.options));
  }
  get level(): string {
    return this.logger.level;
  }
  set level(level: string) {
    this.logger.level = level;
  }
  /** A child of this logger, lazy in turn. */
  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return new LazyChildLogger(this.logger, bindings, options);
  }
}

/**
 * The logger to give Fastify (`loggerInstance`): `log` itself, except that its children are
 * LazyChildLoggers. Fastify's default child factory then makes each request's logger lazily, without
 * the check it runs on every request's logger when the factory is a custom one (`validateLogger`,
 * an array and a closure per request).
 */
export function withLazyChildren(log: FastifyBaseLogger): FastifyBaseLogger {
  return Object.create(log, {
    child: { value: (bindings: Bindings, options?: ChildLoggerOptions) => new LazyChildLogger(log, bindings, options) },
  }) as FastifyBaseLogger;
}
// Each log method hands its call to the child.
for (const method of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const) {
  LazyChildLogger.prototype[method] = function (this: LazyChildLogger, ...args: Parameters<LogFn>) {
    this.logger[method](...args);
  } as LogFn;
}

/**
 * Logs carry a request id and never personal data: no bodies, no query values (a search box can
 * hold a phone number or NIN), no cookies, tokens or CSRF headers.
 */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    // Exact paths only: a wildcard makes the redactor walk every logged object, on every line. The
    // request and error serializers below build their objects from scratch (no headers, bodies or
    // query values), so these are a second line for a value logged by name at the top level.
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
        'password',
        'nin',
        'phone',
        'token',
        'email',
      ],
      censor: '[redacted]',
    },
    serializers: {
      err: (err: unknown) => errorForLog(err),
      req: requestForLog,
    },
  };
}

/**
 * Where log lines go: standard output, written at most every `flushEveryMs` (or at once past 64 KB)
 * rather than once per line: under load, one write for the lines of many turns of the event loop
 * (once per turn cost a write for every few requests). Through `process.stdout` itself, not its file
 * descriptor: PM2's cluster mode takes a worker's output from `process.stdout.write`, and a line
 * written to fd 1 directly never reaches its log file. What is still buffered is written when the
 * process exits.
 */
export function batchedStdout(
  out: Pick<NodeJS.WritableStream, 'write'> = process.stdout,
  flushEveryMs = 20,
): DestinationStream {
  let lines: string[] = [];
  let size = 0;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (!lines.length) return;
    const chunk = lines.join('');
    lines = [];
    size = 0;
    out.write(chunk);
  };
  process.on('exit', flush);
  return {
    write(line: string) {
      lines.push(line);
      size += line.length;
      if (size >= 65_536) flush();
      else if (!scheduled) {
        scheduled = true;
        // Unref'd: a quiet process is not kept alive by its last lines ('exit' writes them).
        setTimeout(flush, flushEveryMs).unref();
      }
    },
  };
}

/**
 * Where log lines go when LOG_FILE names a file: appended to it directly (O_APPEND, so several
 * processes may share one file, as PM2's own log files are shared by a cluster's workers, and
 * logrotate's copytruncate needs no signal), in writes of up to 64 KB, and at least every
 * `flushEveryMs`; what is still buffered is written when the process exits. pino's own asynchronous
 * destination (sonic-boom) does the writing.
 */
export function appendingFile(path: string, flushEveryMs = 200): DestinationStream {
  const dest = pino.destination({
    dest: path,
    sync: false,
    append: true,
    mkdir: true,
    minLength: 65_536,
    maxWrite: 1 << 20,
  });
  // Only when something was written since the last round (sonic-boom's flush of nothing is still a write).
  let dirty = false;
  const flush = () => {
    if (!dirty) return;
    dirty = false;
    try {
      dest.flush();
    } catch {
      // Nothing to flush yet, or the file is being reopened: the next round writes it.
    }
  };
  dest.once('ready', () => setInterval(flush, flushEveryMs).unref());
  // A failed write (disk full, the file removed) must not end the process: say so on stderr, once.
  let told = false;
  dest.on('error', (err: Error) => {
    if (!told) process.stderr.write(`log file ${path}: ${err.message}\n`);
    told = true;
  });
  process.on('exit', () => {
    try {
      dest.flushSync();
    } catch {
      // The process is ending; nothing else can be done with the lines.
    }
  });
  return {
    write(line: string) {
      dirty = true;
      dest.write(line);
    },
  };
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const COLOURS: Record<number, string> = {
  20: '\x1b[90m',
  30: '\x1b[32m',
  40: '\x1b[33m',
  50: '\x1b[31m',
  60: '\x1b[35m',
};
const OMIT = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

/**
 * One JSON log line as a person reads it in a terminal: `12:04:05 INFO  message  key=value …`.
 * Only formatting: the line has already been through pino's redaction and serializers, so what it
 * holds (no NIN, phone, email, password or token) is exactly what the JSON line would hold.
 */
export function prettyLine(line: string, colour = false): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = typeof entry.level === 'number' ? entry.level : 30;
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 19) : '';
  const name = (LEVELS[level] ?? String(level)).padEnd(5);
  const fields = Object.entries(entry)
    .filter(([key]) => !OMIT.has(key))
    .map(([key, value]) => {
      if (key === 'err' && value && typeof value === 'object') {
        const err = value as { type?: string; message?: string; stack?: string };
        return `\n  ${err.type ?? 'Error'}: ${err.message ?? ''}${err.stack ? `\n${err.stack}` : ''}`;
      }
      return ` ${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`;
    })
    .join('');
  const head = colour ? `${COLOURS[level] ?? ''}${name}\x1b[0m` : name;
  return `${time} ${head} ${String(entry.msg ?? '')}${fields}\n`;
}

/** batchedStdout, each line made readable (prettyLine): for a terminal in development. */
export function prettyStdout(
  out: Pick<NodeJS.WritableStream, 'write'> = process.stdout,
  colour = true,
): DestinationStream {
  const sink = batchedStdout(out);
  return {
    write: (line: string) =>
      void sink.write(
        line
          .split('\n')
          .filter(Boolean)
          .map((l) => prettyLine(l, colour))
          .join(''),
      ),
  };
}

/**
 * The address to open, the same in the "ready" line and the logger's "listening" line: the public
 * URL when configured, else the bound host and port (`localhost` for a wildcard bind).
 */
export function openAddress(publicUrl: string | undefined, host: string, port: number): string {
  if (publicUrl) return publicUrl;
  const name =
    host === '0.0.0.0' || host === '::' || host === '' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}
