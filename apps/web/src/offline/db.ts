/**
 * The device's own store for field work, in IndexedDB (plain API, no library): questionnaire
 * versions, drafts in progress, the outbox of completed surveys, receipts of what the registry
 * accepted, and small cached reads. Everything a person collected is tied to their user id, so a
 * shared phone never sends one enumerator's surveys under another's session.
 */

const DB_NAME = 'oslrs-field';
const DB_VERSION = 2;

export type StoreName = 'forms' | 'drafts' | 'outbox' | 'receipts' | 'meta' | 'media';

let opening: Promise<IDBDatabase> | null = null;

function openDatabase(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      // One store per record kind; lists per user are small enough to filter in memory.
      if (!db.objectStoreNames.contains('forms')) db.createObjectStore('forms', { keyPath: 'versionId' });
      if (!db.objectStoreNames.contains('drafts')) db.createObjectStore('drafts', { keyPath: 'id' });
      if (!db.objectStoreNames.contains('outbox')) db.createObjectStore('outbox', { keyPath: 'id' });
      if (!db.objectStoreNames.contains('receipts')) db.createObjectStore('receipts', { keyPath: 'id' });
      if (!db.objectStoreNames.contains('meta')) db.createObjectStore('meta');
      // Photos and files of media answers, by file name, until the registry has them (offline/media.ts).
      if (!db.objectStoreNames.contains('media')) db.createObjectStore('media', { keyPath: 'name' });
    };
    request.onsuccess = () => {
      const db = request.result;
      // A newer version of the app (another tab) wants to upgrade: step aside, reopen on next use.
      db.onversionchange = () => {
        db.close();
        opening = null;
      };
      db.onclose = () => {
        opening = null;
      };
      resolve(db);
    };
    request.onerror = () => {
      opening = null;
      reject(request.error ?? new Error('IndexedDB could not be opened'));
    };
    request.onblocked = () => {
      // Another tab holds the old version open; it closes itself through onversionchange.
    };
  });
  return opening;
}

/** One IndexedDB request as a promise. */
export function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

type Stores = Record<StoreName, IDBObjectStore>;

/**
 * Runs `work` in one transaction and resolves with its result once the transaction has committed
 * (not merely when the last request succeeded), so a caller that moves on knows the data is kept.
 * `work` may await the requests it makes, but nothing else (the transaction would close).
 */
export async function transact<T>(
  names: StoreName[],
  mode: IDBTransactionMode,
  work: (stores: Stores) => Promise<T> | T,
  durability: 'strict' | 'relaxed' | 'default' = 'default',
): Promise<T> {
  const db = await openDatabase();
  return new Promise<T>((resolve, reject) => {
    const tx = db.transaction(names, mode, { durability });
    const stores = Object.fromEntries(names.map((n) => [n, tx.objectStore(n)])) as Stores;
    let result: T;
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new DOMException('The transaction was aborted', 'AbortError'));
    Promise.resolve()
      .then(() => work(stores))
      .then(
        (value) => {
          result = value;
        },
        (error: unknown) => {
          try {
            tx.abort();
          } catch {
            // Already finished.
          }
          reject(error);
        },
      );
  });
}

export function getAll<T>(store: StoreName): Promise<T[]> {
  return transact([store], 'readonly', (s) => done(s[store].getAll() as IDBRequest<T[]>));
}

export function get<T>(store: StoreName, key: IDBValidKey): Promise<T | undefined> {
  return transact([store], 'readonly', (s) => done(s[store].get(key) as IDBRequest<T | undefined>));
}

export function put<T>(
  store: StoreName,
  value: T,
  key?: IDBValidKey,
  durability?: 'strict' | 'relaxed',
): Promise<void> {
  return transact(
    [store],
    'readwrite',
    async (s) => {
      // In-line keys (keyPath) must not be given a key argument at all.
      await done(key === undefined ? s[store].put(value) : s[store].put(value, key));
    },
    durability,
  );
}

export function remove(store: StoreName, key: IDBValidKey): Promise<void> {
  return transact([store], 'readwrite', async (s) => {
    await done(s[store].delete(key));
  });
}

/** A small value kept under a name (the assigned questionnaire, cached lists). */
export function getMeta<T>(key: string): Promise<T | undefined> {
  return get<T>('meta', key);
}

export function setMeta<T>(key: string, value: T): Promise<void> {
  return put('meta', value, key);
}
