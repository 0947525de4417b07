import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ERRORS, type ErrorCode } from '@oslrs/core';
import { DomainError, Invalid, isPoolExhausted } from '../errors.js';

interface ErrorReply {
  status: number;
  code: ErrorCode;
  message: string;
  details?: unknown;
}

/** Fastify's own client errors, mapped onto the registry's stable codes (and, where given, a status). */
const FRAMEWORK_CODES: Record<string, { code: ErrorCode; message: string; status?: number }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'INVALID_JSON', message: 'The request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'INVALID_JSON', message: 'The request body is empty' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' },
  FST_REQ_FILE_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'The file is too large (limit 10 MB)' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'This content type is not accepted here',
  },
  FST_INVALID_MULTIPART_CONTENT_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Send the file as multipart/form-data',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'BAD_REQUEST', message: 'Content-Length does not match the body' },
  // Raised by the router, before any route: see `frameworkErrors` below.
  FST_ERR_BAD_URL: { code: 'BAD_REQUEST', message: 'The URL is not valid (a broken %-encoding)', status: 400 },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'BAD_REQUEST', message: 'A part of the URL is too long', status: 400 },
};

/** What a BUSY answer tells the caller to wait (Retry-After): the pool's wait is 5 s. */
const BUSY_RETRY_S = 2;

export function toErrorReply(err: FastifyError | DomainError | Error): ErrorReply {
  if (err instanceof DomainError) {
    return { status: err.statusCode, code: err.code, message: err.message, details: err.details };
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = (err as FastifyError).validationContext ?? 'request';
    const issues = err.validation.map((v) => ({
      path: v.instancePath.replace(/^\//, '').replaceAll('/', '.'),
      message: v.message ?? 'Invalid value',
    }));
    // Name the first field in the message too, for callers that only show the message.
    const first = issues[0];
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    return {
      status: 400,
      code: 'VALIDATION_FAILED',
      message: first?.path
        ? `The ${where} is not valid: ${first.path.slice(0, 100)}: ${first.message}${more}`
        : `The ${where} is not valid`,
      details: { issues },
    };
  }
  if (isPoolExhausted(err))
    return { status: 503, code: 'BUSY', message: ERRORS.BUSY.message, details: { retryAfterSeconds: BUSY_RETRY_S } };
  const fe = err as FastifyError;
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 500) return { status: 500, code: 'INTERNAL', message: ERRORS.INTERNAL.message };
  const known = fe.code ? FRAMEWORK_CODES[fe.code] : undefined;
  if (known) return { status: known.status ?? status, code: known.code, message: known.message };
  if (status === 429) return { status, code: 'RATE_LIMITED', message: 'Too many requests, slow down' };
  if (status === 413) return { status, code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' };
  if (status === 415)
    return { status, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'This content type is not accepted here' };
  if (err instanceof SyntaxError)
    return { status: 400, code: 'INVALID_JSON', message: 'The request body is not valid JSON' };
  return { status, code: 'BAD_REQUEST', message: status === 400 ? 'The request is not valid' : fe.message };
}

function sendError(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const out = toErrorReply(err);
  // The `err` serializer (logging.ts) logs a database error by SQLSTATE code and constraint only.
  if (out.code === 'BUSY') request.log.warn({ code: out.code }, 'no database connection free: answered busy');
  else if (out.status >= 500) request.log.error({ err }, 'unhandled error');
  else request.log.info({ code: out.code, status: out.status }, 'request refused');
  const retry = (out.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
  if ((out.status === 429 || out.status === 503) && retry) void reply.header('retry-after', String(retry));
  const error: Record<string, unknown> = { code: out.code, message: out.message };
  if (out.details !== undefined) error.details = out.details;
  return reply.status(out.status).send({ error });
}

export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler(sendError);
}

/**
 * Fastify's `frameworkErrors` option: errors the router raises before any route or error handler
 * (a broken %-encoding, an over-long path parameter) get the same JSON error body as every other.
 */
export const frameworkErrors = (err: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
  sendError(err, request, reply);

/** Unknown API routes get the JSON error; other GETs get the single-page app when it is built. */
export function registerNotFound(app: FastifyInstance, spaIndex?: Buffer) {
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    if (spaIndex && request.method === 'GET' && !path.startsWith('/api/') && !path.startsWith('/assets/')) {
      return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(spaIndex);
    }
    return reply.status(404).send({ error: { code: 'NOT_FOUND', message: `No route for ${request.method} ${path}` } });
  });
}

/**
 * Read a multipart upload (`request.file()`, `toBuffer()`). The parser throws plain errors for a body
 * that is not the multipart it claims to be (no boundary, cut short, a malformed part header): those
 * are the client's, a 400, not a 500. Its own limits (file too large, too many parts) keep their status.
 */
export async function readingUpload<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof DomainError || typeof (err as FastifyError).statusCode === 'number') throw err;
    throw Invalid('BAD_REQUEST', 'The multipart/form-data body is malformed');
  }
}
