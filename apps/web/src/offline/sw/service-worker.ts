/**
 * The service worker, served as /sw.js (built by the `oslrs-service-worker` plugin in
 * vite.config.ts, which fills in the build id and the list of files to precache).
 *
 * - Install: precache the app shell (index.html and every built file); hashed assets already held
 *   by the previous release are copied rather than downloaded again.
 * - Navigations: network first, the cached index.html when offline (or after a long wait).
 * - /assets/*: cache first (their names change with their content).
 * - /api/*: never cached, except the questionnaire reads (GET /api/v1/forms and
 *   /api/v1/forms/:id/schema): network first, the last copy when offline.
 * - A new release takes over at once (skipWaiting + clients.claim) and deletes the old caches.
 *
 * Typed against the DOM library with the few worker types it needs declared below, so that the
 * app's one TypeScript project checks it.
 */

// A module for the type checker (its names stay out of the app's globals); the build drops this line.
export {};

declare const __OSLRS_BUILD__: string;
declare const __OSLRS_PRECACHE__: string[];

interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  readonly preloadResponse: Promise<Response | undefined>;
  respondWith(response: Response | Promise<Response>): void;
}
interface WorkerScope {
  readonly location: Location;
  readonly registration: { navigationPreload?: { enable(): Promise<void> } };
  readonly clients: { claim(): Promise<void> };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
}

const worker = self as unknown as WorkerScope;
const BUILD = __OSLRS_BUILD__;
const PRECACHE = __OSLRS_PRECACHE__;
const SHELL = `oslrs-shell-${BUILD}`;
const API = `oslrs-api-${BUILD}`;
const INDEX = '/index.html';
/** After this long without an answer, a navigation is served from the cache (a very slow network). */
const NAVIGATION_TIMEOUT_MS = 6_000;
const API_TIMEOUT_MS = 5_000;
const CACHED_API = /^\/api\/v1\/forms(\/[^/]+\/schema)?$/;

worker.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL);
      await Promise.all(
        PRECACHE.map(async (url) => {
          // Hashed files never change: take them from the previous release's cache when it has them.
          if (url.startsWith('/assets/')) {
            const held = await caches.match(url);
            if (held) return cache.put(url, held);
          }
          const response = await fetch(new Request(url, { cache: 'reload' }));
          if (!response.ok) throw new Error(`precache: ${url} answered ${response.status}`);
          await cache.put(url, response);
        }),
      );
      await worker.skipWaiting();
    })(),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      // The questionnaires cached by the previous release stay usable offline under this one.
      const api = await caches.open(API);
      for (const name of names.filter((n) => n.startsWith('oslrs-api-') && n !== API)) {
        const old = await caches.open(name);
        for (const request of await old.keys()) {
          if (!(await api.match(request))) {
            const response = await old.match(request);
            if (response) await api.put(request, response);
          }
        }
      }
      await Promise.all(
        names.filter((n) => n.startsWith('oslrs-') && n !== SHELL && n !== API).map((n) => caches.delete(n)),
      );
      await worker.registration.navigationPreload?.enable().catch(() => {});
      await worker.clients.claim();
    })(),
  );
});

worker.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== worker.location.origin) return;
  if (request.mode === 'navigate') {
    // The API's own pages (/api/docs) are not the app.
    if (!url.pathname.startsWith('/api/')) event.respondWith(navigation(event));
    return;
  }
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(request));
    return;
  }
  if (CACHED_API.test(url.pathname)) {
    event.respondWith(networkFirst(event, API, API_TIMEOUT_MS));
    return;
  }
  if (PRECACHE.includes(url.pathname) && url.pathname !== INDEX) {
    event.respondWith(cacheFirst(request));
  }
  // Anything else (the rest of /api/*) goes to the network as usual.
});

function timeout(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms));
}

async function navigation(event: FetchEvent): Promise<Response> {
  const network = (async () => (await event.preloadResponse) ?? (await fetch(event.request)))();
  // Keep the worker alive until the network has answered, even when the cache answered first.
  event.waitUntil(network.catch(() => undefined));
  let answered: Response | undefined;
  try {
    answered = await Promise.race([network, timeout(NAVIGATION_TIMEOUT_MS)]);
    // A proxy's 502/503 while the app server is down: the cached app works better than an error page.
    if (answered && answered.status < 500) return answered;
  } catch {
    // Offline: the app shell below.
  }
  const shell = await caches.match(INDEX, { cacheName: SHELL });
  if (shell) return shell;
  return answered ?? network; // nothing cached yet: the network's answer, whatever it is
}

async function cacheFirst(request: Request): Promise<Response> {
  const cached = await caches.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && new URL(request.url).pathname.startsWith('/assets/')) {
    const copy = response.clone();
    void caches.open(SHELL).then((cache) => cache.put(request, copy));
  }
  return response;
}

async function networkFirst(event: FetchEvent, cacheName: string, waitMs: number): Promise<Response> {
  const { request } = event;
  const cache = await caches.open(cacheName);
  const network = fetch(request).then(async (response) => {
    if (response.status === 200) await cache.put(request, response.clone());
    return response;
  });
  event.waitUntil(network.catch(() => undefined));
  try {
    const answered = await Promise.race([network, timeout(waitMs)]);
    if (answered) return answered;
  } catch {
    // Offline: the last copy below.
  }
  const cached = await cache.match(request);
  if (cached) return cached;
  return network;
}
