/**
 * Keyset cursors for lists that grow without bound: the sort key of the last row seen, opaque to
 * clients (base64url of a JSON array). Timestamps travel as PostgreSQL's own text (microseconds
 * kept), so a page boundary never falls between two rows of the same millisecond.
 */
import { Invalid } from './errors.js';

export function encodeCursor(values: (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** The cursor's values, checked against the expected shape ('s' string, 'n' integer); else 400. */
export function decodeCursor(cursor: string, shape: ('s' | 'n')[]): (string | number)[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = undefined;
  }
  const ok =
    Array.isArray(values) &&
    values.length === shape.length &&
    values.every((v, i) =>
      shape[i] === 'n' ? Number.isInteger(v) : typeof v === 'string' && v.length > 0 && v.length <= 64,
    );
  if (!ok) throw Invalid('VALIDATION_FAILED', 'Use the nextCursor of the previous page', { field: 'cursor' });
  return values as (string | number)[];
}

/** A cursor's timestamp must parse; a cursor's id must be a UUID (else 400, never a database error). */
export function checkCursorParts(at: string, id: string): void {
  const okAt = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)?$/.test(at);
  const okId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
  if (!okAt || !okId)
    throw Invalid('VALIDATION_FAILED', 'Use the nextCursor of the previous page', { field: 'cursor' });
}
