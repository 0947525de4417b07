import { ERRORS, type ErrorCode } from '@oslrs/core';

/**
 * Domain errors: services throw these, one handler turns them into
 * `{ error: { code, message, details? } }`. The code comes from the catalogue in `@oslrs/core`
 * and carries its HTTP status there; a message given here only makes the default more precise.
 */
export class DomainError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: unknown,
  ) {
    super(message ?? ERRORS[code].message);
    this.name = 'DomainError';
    this.statusCode = ERRORS[code].status;
  }
}

type CodeWithStatus<S extends number> = {
  [C in ErrorCode]: (typeof ERRORS)[C]['status'] extends S ? C : never;
}[ErrorCode];

/** Throw any catalogued error: `fail('NIN_DUPLICATE', message?, details?)`. */
export const fail = (code: ErrorCode, message?: string, details?: unknown) => new DomainError(code, message, details);

// Status-named helpers: the type system checks that the code really carries that status.
export const Invalid = (code: CodeWithStatus<400>, message?: string, details?: unknown) =>
  new DomainError(code, message, details);
export const Unauthorized = (code: CodeWithStatus<401>, message?: string) => new DomainError(code, message);
export const Forbidden = (code: CodeWithStatus<403>, message?: string) => new DomainError(code, message);
export const NotFound = (message = 'Not found') => new DomainError('NOT_FOUND', message);
export const Conflict = (code: CodeWithStatus<409>, message?: string, details?: unknown) =>
  new DomainError(code, message, details);
export const Gone = (code: CodeWithStatus<410>, message?: string) => new DomainError(code, message);
export const PayloadTooLarge = (message: string) => new DomainError('PAYLOAD_TOO_LARGE', message);
export const UnsupportedMediaType = (message: string) => new DomainError('UNSUPPORTED_MEDIA_TYPE', message);
export const Unprocessable = (code: CodeWithStatus<422>, message?: string, details?: unknown) =>
  new DomainError(code, message, details);
export const TooManyRequests = (code: CodeWithStatus<429>, message: string, retryAfterSeconds: number) =>
  new DomainError(code, message, { retryAfterSeconds });

/** PostgreSQL unique_violation, whichever driver raised it. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = findPgError(err);
  return !!e && e.code === '23505' && (!constraint || e.constraint === constraint);
}

/** An error and the errors it wraps (`cause`: drizzle wraps the driver's), at most four deep. */
function* causes(err: unknown): Generator<object> {
  let cur: unknown = err;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    yield cur;
    cur = (cur as { cause?: unknown }).cause;
  }
}

export function findPgError(err: unknown): { code?: string; constraint?: string } | undefined {
  for (const c of causes(err)) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return c as { code: string; constraint?: string };
  }
  return undefined;
}

/**
 * The connection pool had no connection free for its whole wait (pg-pool's connection timeout): the
 * database is saturated, the request did nothing. Answered 503 BUSY with Retry-After, not 500.
 */
export function isPoolExhausted(err: unknown): boolean {
  for (const c of causes(err)) if ((c as Error).message === 'timeout exceeded when trying to connect') return true;
  return false;
}
