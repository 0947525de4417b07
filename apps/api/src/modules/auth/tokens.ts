import { createHash, randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'oslrs_session';

/** 256 bits of randomness, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Only hashes of tokens are stored: a leaked table opens no session or invitation. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Derived from the session token, so it needs no storage and dies with the session. */
export function csrfTokenFor(sessionToken: string): string {
  return createHash('sha256').update(`csrf:${sessionToken}`).digest('base64url');
}

/** A long-lived random token naming this browser, for the account-wide lockout (see lockout.ts). */
export const DEVICE_COOKIE = 'oslrs_device';
