/**
 * The one way the web app talks to the API: same-origin cookies, JSON, the CSRF token on every
 * mutating call, and errors turned into ApiError with the API's stable code.
 */

import type { ErrorCode } from '@oslrs/core';
import { i18n, t } from '../i18n';

export const API_BASE = '/api/v1';

/** The API's catalogued codes, plus the three the client itself names when no API answer arrived. */
export type ApiErrorCode = ErrorCode | 'NETWORK_ERROR' | 'SERVER_ERROR' | 'HTTP_ERROR';

/**
 * The words for an error code in the active language: `common.error.<CODE>` from the catalogue. In
 * English the registry's own sentence is kept (it may be more precise than the code's default);
 * in any other language the catalogue's, else the registry's English when the code has no entry.
 */
export function apiErrorText(code: ApiErrorCode, fallback: string, values?: Record<string, unknown>): string {
  if (!i18n.locale || i18n.locale === 'en') return fallback;
  const id = `common.error.${code}`;
  const text = t(id, values);
  return text && text !== id ? text : fallback;
}

/**
 * An error code in an API answer. The API answers only with the codes of its one catalogue (its
 * error helpers take nothing else, and its error handler maps the framework's own errors onto them),
 * so the browser checks the shape rather than carrying that catalogue with its English messages
 * (3 KB gzipped on every first screen); each code's words come from the message catalogue
 * (`common.error.<CODE>`, checked complete by packages/core/src/i18n/errors.test.ts).
 */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code);
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly details: unknown;
  /** Seconds to wait, from Retry-After (sent with 429). */
  readonly retryAfter: number | undefined;
  /** The message as built (the registry's words, or the client's), before translation. */
  readonly original: string;

  constructor(init: {
    status: number;
    code: ApiErrorCode;
    /** The registry's (or the client's) English sentence; `message` is it in the active language. */
    message: string;
    details?: unknown;
    retryAfter?: number;
  }) {
    super(apiErrorText(init.code, init.message, { status: init.status }));
    this.name = 'ApiError';
    this.original = init.message;
    this.status = init.status;
    this.code = init.code;
    this.details = init.details;
    this.retryAfter = init.retryAfter;
  }
}

// Kept in memory only: the session cookie is httpOnly, and the token is handed out again by /auth/session.
let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function currentCsrfToken(): string | null {
  return csrfToken;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  method?: Method;
  /** A plain object is sent as JSON; FormData is sent as multipart (the browser sets the boundary); a Blob as raw bytes. */
  body?: unknown;
  /** Extra request headers (Content-Range for a chunked upload). */
  headers?: Record<string, string>;
  query?: Record<string, string | number | undefined | null>;
  signal?: AbortSignal;
}

export function apiUrl(path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`;
}

function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.round((date - Date.now()) / 1000));
}

async function toApiError(res: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(res.headers.get('Retry-After'));
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON (a proxy error page, an empty body): fall through to a generic message.
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (error && isErrorCode(error.code)) {
    // The header is the standard; the API also repeats it in details.retryAfterSeconds.
    const detailRetry = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    return new ApiError({
      status: res.status,
      code: error.code,
      message: typeof error.message === 'string' ? error.message : 'Something went wrong.',
      details: error.details,
      retryAfter: retryAfter ?? (typeof detailRetry === 'number' ? detailRetry : undefined),
    });
  }
  return new ApiError({
    status: res.status,
    code: res.status >= 500 ? 'SERVER_ERROR' : 'HTTP_ERROR',
    message:
      res.status >= 500
        ? 'The registry is not responding properly. Please try again in a moment.'
        : `The request failed (HTTP ${res.status}).`,
    retryAfter,
  });
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) {
    body = options.body;
  } else if (options.body instanceof Blob) {
    headers['Content-Type'] = 'application/octet-stream';
    body = options.body;
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (MUTATING.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  try {
    return await fetch(apiUrl(path, options.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError({
      status: 0,
      code: 'NETWORK_ERROR',
      message: 'Could not reach the registry. Check your connection and try again.',
    });
  }
}

function looksLikeCsrfFailure(error: ApiError): boolean {
  return error.status === 403 && /CSRF/i.test(error.code);
}

/** Fetch the current session's CSRF token again (after a server restart or token rotation). */
async function refreshCsrfToken(): Promise<boolean> {
  const res = await send('/auth/session', {});
  if (!res.ok) return false;
  const data = (await res.json()) as { csrfToken?: string };
  if (!data.csrfToken) return false;
  setCsrfToken(data.csrfToken);
  return true;
}

/** Call the API; resolves with the parsed JSON body (undefined for 204), rejects with ApiError. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  let res = await send(path, options);
  if (!res.ok) {
    let error = await toApiError(res);
    // A stale CSRF token is recoverable without bothering the user: refresh it once and retry.
    if (looksLikeCsrfFailure(error) && MUTATING.has(options.method ?? 'GET') && (await refreshCsrfToken())) {
      res = await send(path, options);
      if (!res.ok) error = await toApiError(res);
    }
    if (!res.ok) throw error;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Call the API for a file (a CSV): resolves with its bytes and the server's file name, rejects with ApiError. */
export async function apiFile(path: string, options: RequestOptions = {}): Promise<{ blob: Blob; fileName: string }> {
  let res = await send(path, options);
  if (!res.ok) {
    let error = await toApiError(res);
    if (looksLikeCsrfFailure(error) && MUTATING.has(options.method ?? 'GET') && (await refreshCsrfToken())) {
      res = await send(path, options);
      if (!res.ok) error = await toApiError(res);
    }
    if (!res.ok) throw error;
  }
  const disposition = res.headers.get('Content-Disposition') ?? '';
  const fileName = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'download';
  return { blob: await res.blob(), fileName };
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** A sentence for the user from anything thrown, in the active language (read again at each render). */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    // Built in one language and shown after a switch: translate the code again.
    return apiErrorText(error.code, error.original, { status: error.status });
  }
  return t('common.error.generic');
}

/** Validation issues from a 400 VALIDATION_FAILED: `details.issues` = [{ path, message }]. */
export interface FieldIssue {
  path: string;
  message: string;
}

export function validationIssues(error: unknown): FieldIssue[] {
  if (!(error instanceof ApiError)) return [];
  const issues = (error.details as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.flatMap((issue): FieldIssue[] => {
    if (!issue || typeof issue !== 'object') return [];
    const { path, message } = issue as { path?: unknown; message?: unknown };
    const text = typeof message === 'string' ? message : t('common.error.invalidValue');
    if (typeof path === 'string') return [{ path, message: text }];
    if (Array.isArray(path)) return [{ path: path.map(String).join('.'), message: text }];
    return [{ path: '', message: text }];
  });
}

/** "in 15 minutes" from a Retry-After in seconds (rounded up, at least one minute). */
export function waitPhrase(retryAfter: number | undefined): string {
  if (retryAfter === undefined) return t('common.wait.few');
  return t('common.wait.minutes', { minutes: Math.max(1, Math.ceil(retryAfter / 60)) });
}
