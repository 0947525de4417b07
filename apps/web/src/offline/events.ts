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

export function fieldDataChanged(): void {
  emit();
  channel?.postMessage('changed');
}

export function onFieldDataChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
