/**
 * Offline storage is fragile: without "persistent" storage a browser may clear it when the phone
 * runs low on space. Ask once per device (browsers decide, often from engagement or installation),
 * and say what happened.
 */

const ASKED_KEY = 'oslrs.storagePersistAsked';

export interface StorageStatus {
  persisted: boolean | null;
  /** Bytes used by this site, when the browser says. */
  usage?: number;
}

export async function ensurePersistentStorage(): Promise<StorageStatus> {
  const storage = navigator.storage as StorageManager | undefined;
  if (!storage?.persisted) return { persisted: null };
  let persisted = await storage.persisted();
  if (!persisted && storage.persist) {
    let asked = false;
    try {
      asked = localStorage.getItem(ASKED_KEY) === '1';
      localStorage.setItem(ASKED_KEY, '1');
    } catch {
      // Storage refused: ask anyway.
    }
    if (!asked) persisted = await storage.persist();
  }
  let usage: number | undefined;
  try {
    usage = (await storage.estimate?.())?.usage;
  } catch {
    usage = undefined;
  }
  return { persisted, usage };
}

/** Ask the browser again, from a tap (some browsers grant it only to a gesture, or once installed). */
export async function askPersistentStorage(): Promise<boolean> {
  const storage = navigator.storage as StorageManager | undefined;
  if (!storage?.persist) return false;
  try {
    return await storage.persist();
  } catch {
    return false;
  }
}
