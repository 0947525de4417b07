/**
 * Registers /sw.js (built by the Vite plugin in vite.config.ts). Only the collect area asks for
 * it: public visitors never download the whole app shell, field staff get it on their first visit.
 * A new release takes over at once (skipWaiting + clients.claim in the worker); an open page is
 * told, so it can offer a reload instead of fetching code that no longer exists.
 */

let registered = false;
let updateReady = false;
const listeners = new Set<() => void>();

export function registerServiceWorker(): void {
  if (registered || !import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  registered = true;
  const container = navigator.serviceWorker;
  // With no controller yet, the first worker taking over is not an update.
  let hadController = Boolean(container.controller);
  container.addEventListener('controllerchange', () => {
    if (hadController) {
      updateReady = true;
      for (const listener of listeners) listener();
    }
    hadController = true;
  });
  container
    .register('/sw.js', { scope: '/', updateViaCache: 'none' })
    .then((registration) => {
      // A phone may keep the app open for days: look for a new release every hour.
      setInterval(() => void registration.update().catch(() => {}), 60 * 60_000);
    })
    .catch((error: unknown) => console.warn('The offline service worker could not be registered', error));
}

export function subscribeUpdateReady(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function isUpdateReady(): boolean {
  return updateReady;
}
