/**
 * The only script a page served prerendered (/register: apps/web/src/site/prerenderRegister.tsx)
 * names in its HTML. Its screen is already in the HTML, so:
 * - it notes at once what the person does on that static copy (src/prerendered.ts), for the app;
 * - it fetches the app only once that screen has been painted: until then the stylesheet has the
 *   connection to itself, and the first paint never waits for the app's scripts to arrive and run;
 * - then it fetches every module the first screen needs at once (its script tag's data-preload, the
 *   build's list, dependencies first), runs each in a task of its own, and starts the app (data-main:
 *   main.tsx), which takes over the same screen.
 */
import { watchPrerendered } from './prerendered';

const script = document.querySelector<HTMLScriptElement>('script[data-main]');
const root = document.getElementById('root');
if (root) watchPrerendered(root);

/**
 * Lets the browser in (input, rendering, network events), then goes on: `scheduler.yield()` where the
 * browser has it (its continuation goes before other queued work), else a message to ourselves (a
 * timer would wait ≥ 4 ms once nested).
 */
const yielding = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
const channel = new MessageChannel();
const waiting: Array<() => void> = [];
channel.port1.onmessage = () => waiting.shift()?.();
const nextTask = (): Promise<void> =>
  typeof yielding?.yield === 'function'
    ? yielding.yield()
    : new Promise<void>((resolve) => {
        waiting.push(resolve);
        channel.port2.postMessage(null);
      });
const PRELOADS_PER_TASK = 1;

let started = false;
async function start() {
  if (started || !script?.dataset.main) return;
  started = true;
  // The first use of session storage and of the history entry's state are each a synchronous call
  // into the browser (10–15 ms each on a fast machine); the router's start makes both (it restores
  // view-transition state from session storage; it numbers the history entry, `idx`, writing it with
  // replaceState when the entry has none). Made here first, each in a task of its own: the router then
  // finds both done and its start stays short. The entry gets the number the router would give it.
  try {
    void window.sessionStorage.length;
  } catch {
    // Storage refused (private mode, a policy): the router copes, as the wizard does.
  }
  await nextTask();
  const entry: unknown = history.state;
  if (entry === null || (typeof entry === 'object' && !('idx' in entry))) {
    history.replaceState({ ...(entry ?? {}), idx: 0 }, '');
  }
  await nextTask();
  const modules = (script.dataset.preload ?? '').split(/\s+/).filter(Boolean);
  // Every module is asked for at once (the network works on them together), but starting a request
  // costs the main thread a few milliseconds each, more on a busy device (22 requests were one 60–90 ms
  // task on a fast machine, ×4 on a phone): one per task, in the list's order (dependencies, so the
  // large libraries, first).
  for (let i = 0; i < modules.length; i += PRELOADS_PER_TASK) {
    const links = document.createDocumentFragment();
    for (const href of modules.slice(i, i + PRELOADS_PER_TASK)) {
      const link = document.createElement('link');
      link.rel = 'modulepreload';
      link.crossOrigin = '';
      link.href = href;
      links.append(link);
    }
    document.head.append(links);
    await nextTask();
  }
  // Each module runs (is evaluated) in a task of its own as it arrives, dependencies first (the
  // list's order), rather than all in one long task when the app's entry is imported.
  try {
    for (const href of modules) {
      await import(/* @vite-ignore */ href);
      await nextTask();
    }
  } catch {
    // A module that did not load: the entry's own import below loads what it can and says so.
  }
  await import(/* @vite-ignore */ script.dataset.main);
}

// After the first contentful paint (a page in a background tab paints, and so starts, when shown);
// whatever happens, within a few seconds.
setTimeout(() => void start(), 5000);
if (PerformanceObserver.supportedEntryTypes?.includes('paint')) {
  const painted = new PerformanceObserver((list) => {
    if (list.getEntriesByName('first-contentful-paint').length === 0) return;
    painted.disconnect();
    void start();
  });
  painted.observe({ type: 'paint', buffered: true });
} else {
  requestAnimationFrame(() => setTimeout(() => void start(), 0));
}
