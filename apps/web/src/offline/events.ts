/**
 * "Field data changed" (a draft saved, a survey queued or sent): lists on screen re-read the store.
 * Other tabs of the app hear it too, through a BroadcastChannel.
 */

type Listener = () => void;

const listeners = new Set<Listener>();
const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('oslrs-field-data');
channel?.addEventListener('message', () => emit());

function emit() {
  for (const listener of listeners) listener();
}

let pending: ReturnType<typeof setTimeout> | undefined;

/** Coalesced: typing saves a draft on every key, and the lists need re-reading only once for a burst. */
export function fieldDataChanged(): void {
  if (pending !== undefined) return;
  pending = setTimeout(() => {
    pending = undefined;
    emit();
    channel?.postMessage('changed');
  }, 100);
}

export function onFieldDataChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
