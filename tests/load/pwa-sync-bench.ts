/**
 * Offline outbox sync, end to end in the real PWA: an enumerator's phone (Chromium) holds 20
 * completed surveys made offline; the network comes back. Measured from going online until the
 * device's outbox is empty (every survey acknowledged by the registry) and until the registry has
 * ingested all 20 (respondents created, fraud scored). SPEC: "seconds, not the reference's 60 s".
 *
 *   node --import tsx tests/load/pwa-sync-bench.ts
 *   SURVEYS=20 RUNS=3 UI=1 node --import tsx tests/load/pwa-sync-bench.ts   (UI=1: fill the surveys in the renderer)
 *
 * By default the surveys go into the outbox through the page's own offline module
 * (window.oslrsField.queue, the same store the renderer's "Submit" writes to); UI=1 drives the form.
 */
import type { Page } from 'playwright-core';
import {
  assignPublicCoreForm,
  completeSurvey,
  createEnumerator,
  respondentAnswers,
  signInOverHttp,
  signInToCollect,
} from '../e2e/collect-setup.js';
import { launchBrowser } from '../e2e/server.js';
import { prepareDatabase, startBenchServer } from './server.js';

const surveys = Number(process.env.SURVEYS ?? 20);
const runs = Number(process.env.RUNS ?? 3);
const viaUi = process.env.UI === '1';

interface FieldWindow {
  oslrsField: {
    queue(answers: Record<string, unknown>, options?: { startedAt?: string }): Promise<string>;
    counts(): Promise<{ drafts: number; waiting: number; attention: number }>;
    outbox(): Promise<{ id: string }[]>;
  };
}

function waitingOnDevice(page: Page): Promise<number> {
  return page.evaluate(async () => (await (window as unknown as FieldWindow).oslrsField.counts()).waiting);
}

const server = await startBenchServer(await prepareDatabase());
const browser = await launchBrowser();
try {
  const { url, admin } = server;
  await assignPublicCoreForm(url, admin);
  const enumerator = await createEnumerator(url, admin, 'bench.enumerator@bench.oslrs');
  const reader = await signInOverHttp(url, enumerator.email, enumerator.password);

  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    geolocation: { latitude: 7.3775, longitude: 3.947, accuracy: 15 },
    permissions: ['geolocation'],
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`pageerror: ${e.message}`));
  const batches: { items: number; ms: number }[] = [];
  page.on('requestfinished', (request) => {
    if (!request.url().endsWith('/api/v1/submissions/batch')) return;
    const items = (JSON.parse(request.postData() ?? '{}') as { submissions?: unknown[] }).submissions?.length ?? 0;
    const t = request.timing();
    batches.push({ items, ms: Math.round(t.responseEnd - t.requestStart) });
  });

  await signInToCollect(page, url, enumerator);

  const results: { empty: number; ingested: number }[] = [];
  for (let run = 1; run <= runs; run++) {
    await context.setOffline(true);
    const answers = Array.from({ length: surveys }, (_, i) => respondentAnswers(run * 1000 + i, 40_000 + run));
    const madeAt = performance.now();
    if (viaUi) {
      for (const a of answers) {
        await page.getByRole('button', { name: 'Start new survey' }).click();
        await page.waitForURL(/\/collect\/survey\//);
        await completeSurvey(page, a);
      }
    } else {
      const startedAt = new Date(Date.now() - 6 * 60_000).toISOString();
      await page.evaluate(
        async ({ answers, startedAt }) => {
          for (const a of answers) await (window as unknown as FieldWindow).oslrsField.queue(a, { startedAt });
        },
        { answers, startedAt },
      );
    }
    const madeMs = performance.now() - madeAt;
    if ((await waitingOnDevice(page)) !== surveys) throw new Error('the outbox does not hold the surveys');
    await page
      .getByRole('status')
      .filter({ hasText: `You are offline — ${surveys} surveys waiting to send` })
      .waitFor();
    const ids = new Set(
      await page.evaluate(async () => (await (window as unknown as FieldWindow).oslrsField.outbox()).map((o) => o.id)),
    );
    batches.length = 0;

    // The network returns.
    const t0 = performance.now();
    await context.setOffline(false);
    const outboxEmpty = (async () => {
      while ((await waitingOnDevice(page)) > 0) {
        if (performance.now() - t0 > 120_000) throw new Error('the outbox did not empty within 2 minutes');
        await new Promise((r) => setTimeout(r, 10));
      }
      return performance.now() - t0;
    })();
    const allIngested = (async () => {
      for (;;) {
        const res = await fetch(`${url}/api/v1/submissions?limit=100`, { headers: { cookie: reader.cookie } });
        const { items } = (await res.json()) as { items: { id: string; status: string }[] };
        const mine = items.filter((i) => ids.has(i.id));
        if (mine.length === surveys && mine.every((i) => i.status !== 'received')) {
          const rejected = mine.filter((i) => i.status === 'rejected').length;
          if (rejected) throw new Error(`${rejected} submissions were rejected`);
          return performance.now() - t0;
        }
        if (performance.now() - t0 > 120_000) throw new Error('not ingested within 2 minutes');
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    const [empty, ingested] = await Promise.all([outboxEmpty, allIngested]);
    results.push({ empty, ingested });
    console.log(
      `run ${run}: ${surveys} surveys made offline in ${(madeMs / 1000).toFixed(1)} s${viaUi ? ' (renderer)' : ''}; ` +
        `online → outbox empty ${empty.toFixed(0)} ms, → all ingested ${ingested.toFixed(0)} ms; ` +
        `batches: ${batches.map((b) => `${b.items} items in ${b.ms} ms`).join(', ')}`,
    );
  }

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(
    `\n${surveys} completed surveys, ${runs} runs; built app + API (NODE_ENV=production, worker in-process), Chromium, one machine`,
  );
  console.log(`online → outbox empty:   median ${median(results.map((r) => r.empty)).toFixed(0)} ms`);
  console.log(`online → all ingested:   median ${median(results.map((r) => r.ingested)).toFixed(0)} ms`);
  console.log('reference budget: 60 000 ms');
  await context.close();
} finally {
  await browser.close();
  await server.stop();
}
