/**
 * Sends the outbox whenever the device is online: when the collect area opens, when the network
 * comes back, after each completed survey, every 30 s, and on "Send now". Batches of at most 50
 * (the API's limit); the registry answers per item. When the registry cannot be reached the next
 * try waits 1 s, 2 s, 4 s … up to 5 min. Sending a survey twice is harmless (the id is the key),
 * so a reply lost on the way only costs a second send.
 */
import { ApiError, errorMessage } from '../api/client';
import { t } from '../i18n';
import { fieldApi } from './api';
import { applyBatchResults, fileRefused, finishUpload, listOutbox, pruneReceipts } from './store';
import { getMedia, pruneMedia, uploadFile } from './media';
import type { OutboxItem } from './types';

/** MAX_BATCH in @oslrs/core (not imported: that module brings zod with it). */
export const BATCH_SIZE = 50;
/** The batch route accepts 5 MB; stay well below it. */
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
export const SYNC_INTERVAL_MS = 30_000;
const BACKOFF_FIRST_MS = 1_000;
const BACKOFF_MAX_MS = 5 * 60_000;

export interface SyncState {
  online: boolean;
  sending: boolean;
  /** Failed attempts in a row to reach the registry (reset by a success or the network coming back). */
  failures: number;
  /** When the next try after a failure is due (ms since epoch). */
  nextAttemptAt: number | null;
  lastError: string | null;
  lastSentAt: string | null;
  /** The session ended on the server: nothing is sent until the person signs in again. */
  signedOut: boolean;
}

export interface SyncSession {
  userId: string;
  /** The registry answered 401: the app should check the session (and ask for a sign-in). */
  onSignedOut: () => void;
  /** Some surveys were accepted: refresh what the registry says about them. */
  onSent: () => void;
}

let state: SyncState = {
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  sending: false,
  failures: 0,
  nextAttemptAt: null,
  lastError: null,
  lastSentAt: null,
  signedOut: false,
};
const listeners = new Set<() => void>();

function update(patch: Partial<SyncState>) {
  state = { ...state, ...patch };
  for (const listener of listeners) listener();
}

export function getSyncState(): SyncState {
  return state;
}

export function subscribeSync(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

let session: SyncSession | null = null;
let running: Promise<void> | null = null;
let again = false;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let intervalTimer: ReturnType<typeof setInterval> | undefined;

function clearRetry() {
  clearTimeout(retryTimer);
  retryTimer = undefined;
}

function onOnline() {
  // The network is back: whatever failed before deserves an immediate try.
  clearRetry();
  update({ online: true, failures: 0, nextAttemptAt: null });
  void syncNow();
}

function onOffline() {
  clearRetry();
  update({ online: false, nextAttemptAt: null });
}

function onVisible() {
  if (document.visibilityState === 'visible') void syncNow();
}

/** Starts sending for this person; the returned function stops it (leaving the collect area, signing out). */
export function startSync(next: SyncSession): () => void {
  session = next;
  update({ online: navigator.onLine, signedOut: false, lastError: null, failures: 0, nextAttemptAt: null });
  if (intervalTimer === undefined) {
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    document.addEventListener('visibilitychange', onVisible);
    intervalTimer = setInterval(() => void syncNow(), SYNC_INTERVAL_MS);
  }
  void syncNow();
  return () => {
    if (session !== next) return;
    session = null;
    clearRetry();
    clearInterval(intervalTimer);
    intervalTimer = undefined;
    window.removeEventListener('online', onOnline);
    window.removeEventListener('offline', onOffline);
    document.removeEventListener('visibilitychange', onVisible);
  };
}

/**
 * Sends what is waiting. `manual` ("Send now") skips the wait after a failure. Resolves when this
 * round is over (at once when there is nothing to do or another round is already running).
 */
export function syncNow(options: { manual?: boolean } = {}): Promise<void> {
  if (!session) return Promise.resolve();
  if (options.manual) {
    clearRetry();
    update({ failures: 0, nextAttemptAt: null });
  } else if (state.nextAttemptAt !== null && Date.now() < state.nextAttemptAt) {
    return Promise.resolve(); // backing off: the retry timer will call again
  }
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    try {
      do {
        again = false;
        const current = session;
        if (!current) break;
        await oneTabAtATime(() => sendAll(current));
        // Asked again meanwhile (a new survey, the interval): go round once more, unless now backing off.
      } while (again && state.nextAttemptAt === null);
    } finally {
      running = null;
      if (state.sending) update({ sending: false });
    }
  })();
  return running;
}

/** Two tabs of the app would send the same outbox twice: harmless, but wasteful. */
async function oneTabAtATime(work: () => Promise<void>): Promise<void> {
  if (!navigator.locks) return work();
  await navigator.locks.request('oslrs-outbox-sync', { ifAvailable: true }, async (lock) => {
    if (lock) await work();
  });
}

/** Up to 50 items, and no more than fits comfortably in one request. */
function takeBatch(items: OutboxItem[], limit: number): OutboxItem[] {
  const batch: OutboxItem[] = [];
  let bytes = 0;
  for (const item of items) {
    if (batch.length >= limit) break;
    const size = JSON.stringify(item.body).length;
    if (batch.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
    batch.push(item);
    bytes += size;
  }
  return batch;
}

async function sendAll(current: SyncSession): Promise<void> {
  if (!navigator.onLine) {
    update({ online: false });
    return;
  }
  const attempted = new Set<string>();
  let limit = BATCH_SIZE;
  for (;;) {
    if (session !== current) return; // signed out or another person signed in meanwhile
    const waiting = (await listOutbox(current.userId)).filter(
      (i) => i.state === 'pending' && !i.awaitingFiles && !attempted.has(i.id),
    );
    if (waiting.length === 0) break;
    const batch = takeBatch(waiting, limit);
    for (const item of batch) attempted.add(item.id);
    update({ sending: true });
    let results;
    try {
      ({ results } = await fieldApi.sendBatch(batch.map((i) => i.body)));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        update({ sending: false, signedOut: true, lastError: t('collect.sync.sessionEnded') });
        current.onSignedOut();
        return;
      }
      if (error instanceof ApiError && error.status === 413 && batch.length > 1) {
        // Too big in bytes for the registry: halve the batch and carry on.
        limit = Math.max(1, Math.floor(batch.length / 2));
        for (const item of batch) attempted.delete(item.id);
        continue;
      }
      backOff(error);
      return;
    }
    await applyBatchResults(batch, results);
    update({ failures: 0, nextAttemptAt: null, lastError: null, lastSentAt: new Date().toISOString() });
    current.onSent();
  }
  if (!(await sendFiles(current))) return;
  update({ sending: false, online: true });
  void pruneReceipts(current.userId).catch(() => {});
  void pruneMedia().catch(() => {});
}

/** Refusals that another try would only repeat: the survey waits for the enumerator. */
const FINAL_FILE_ERRORS = new Set([
  'ATTACHMENT_TOO_LARGE',
  'ATTACHMENT_TYPE_MISMATCH',
  'ATTACHMENT_NOT_DECLARED',
  'ATTACHMENT_SIZE_MISMATCH',
]);

/**
 * The files of surveys whose answers the registry holds, one survey at a time; each leaves the
 * outbox when its last file is in. False when this round stopped (signed out, backing off).
 */
async function sendFiles(current: SyncSession): Promise<boolean> {
  const waiting = (await listOutbox(current.userId)).filter((i) => i.state === 'pending' && i.awaitingFiles);
  for (const item of waiting) {
    if (session !== current) return false;
    update({ sending: true });
    try {
      let status: Awaited<ReturnType<typeof uploadFile>> | undefined;
      for (const a of item.body.attachments ?? []) {
        const record = await getMedia(a.name);
        if (!record) throw new Error(t('collect.media.fileGone', { name: a.name }));
        status = await uploadFile(item.id, record);
      }
      if (status && status.status !== 'awaiting_files') await finishUpload(item, status);
      current.onSent();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        update({ sending: false, signedOut: true, lastError: t('collect.sync.sessionEnded') });
        current.onSignedOut();
        return false;
      }
      if (error instanceof ApiError && FINAL_FILE_ERRORS.has(error.code)) {
        await fileRefused(item, { code: error.code, message: error.message, details: error.details });
        continue;
      }
      if (!(error instanceof ApiError)) {
        // A file gone from the device (storage cleared): only the enumerator can mend it.
        await fileRefused(item, { code: 'FILE_MISSING', message: (error as Error).message });
        continue;
      }
      backOff(error);
      return false;
    }
  }
  return true;
}

function backOff(error: unknown) {
  const failures = state.failures + 1;
  let delay = Math.min(BACKOFF_FIRST_MS * 2 ** (failures - 1), BACKOFF_MAX_MS);
  // 429 / 503 say how long to wait: never come back sooner than that.
  if (error instanceof ApiError && error.retryAfter !== undefined) delay = Math.max(delay, error.retryAfter * 1000);
  clearRetry();
  retryTimer = setTimeout(() => {
    retryTimer = undefined;
    update({ nextAttemptAt: null });
    void syncNow();
  }, delay);
  update({ sending: false, failures, nextAttemptAt: Date.now() + delay, lastError: errorMessage(error) });
}
