import { randomBytes, timingSafeEqual } from 'node:crypto';
import { PARTNER_KEY_PATTERN, PARTNER_KEY_PREFIX } from '@oslrs/core';

/** The 12 characters after the prefix: the key's look-up id (shown in lists; not a secret). */
const LOOKUP_CHARS = 12;

/**
 * A new key: the prefix, 9 random bytes that name it, 24 random bytes of secret (base64url). 33 random
 * bytes in all: far past guessing, so a fast keyed hash (HMAC-SHA256 under a server secret) protects it
 * at rest — a slow password hash (argon2) is for low-entropy secrets people choose, and would cost
 * every partner call tens of milliseconds for nothing.
 */
export function newPartnerKey(): { key: string; lookup: string } {
  const lookup = randomBytes(9).toString('base64url');
  const key = `${PARTNER_KEY_PREFIX}${lookup}${randomBytes(24).toString('base64url')}`;
  return { key, lookup };
}

/** The look-up id of a well-formed key; undefined for anything else (wrong prefix, length or characters). */
export function lookupOf(key: string): string | undefined {
  return PARTNER_KEY_PATTERN.test(key)
    ? key.slice(PARTNER_KEY_PREFIX.length, PARTNER_KEY_PREFIX.length + LOOKUP_CHARS)
    : undefined;
}

/** What lists show of a key: enough to recognise it in a log or a leak, never to use it. */
export function visiblePrefix(lookup: string): string {
  return `${PARTNER_KEY_PREFIX}${lookup}`;
}

/** Constant-time equality of two hashes (equal lengths by construction; unequal lengths are unequal). */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A key in the URL: any query value that looks like one, or a parameter named like one. */
export function keyInQuery(url: string): boolean {
  const q = url.indexOf('?');
  if (q < 0) return false;
  const query = url.slice(q + 1);
  if (query.includes(PARTNER_KEY_PREFIX)) return true;
  for (const name of new URLSearchParams(query).keys())
    if (/^(api[_-]?key|key|access[_-]?token|token|apikey)$/i.test(name)) return true;
  return false;
}
