/**
 * Domain errors: services throw these, one handler turns them into
 * `{ error: { code, message, details? } }` with the status they carry.
 * Codes are stable strings clients switch on.
 */
export class DomainError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const Invalid = (code: string, message: string, details?: unknown) =>
  new DomainError(400, code, message, details);
export const Unauthorized = (code: string, message: string) => new DomainError(401, code, message);
export const Forbidden = (code: string, message: string) => new DomainError(403, code, message);
export const NotFound = (message = 'Not found') => new DomainError(404, 'NOT_FOUND', message);
export const Conflict = (code: string, message: string, details?: unknown) =>
  new DomainError(409, code, message, details);
export const Gone = (code: string, message: string) => new DomainError(410, code, message);
export const PayloadTooLarge = (message: string) => new DomainError(413, 'PAYLOAD_TOO_LARGE', message);
export const UnsupportedMediaType = (message: string) => new DomainError(415, 'UNSUPPORTED_MEDIA_TYPE', message);
export const Unprocessable = (code: string, message: string, details?: unknown) =>
  new DomainError(422, code, message, details);
export const TooManyRequests = (code: string, message: string, retryAfterSeconds: number) =>
  new DomainError(429, code, message, { retryAfterSeconds });

/** PostgreSQL unique_violation, whichever driver raised it. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = findPgError(err);
  return !!e && e.code === '23505' && (!constraint || e.constraint === constraint);
}

function findPgError(err: unknown): { code?: string; constraint?: string } | undefined {
  let cur: unknown = err;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const c = cur as { code?: unknown; constraint?: string; cause?: unknown };
    if (typeof c.code === 'string' && /^[0-9A-Z]{5}$/.test(c.code)) return c as { code: string; constraint?: string };
    cur = c.cause;
  }
  return undefined;
}
