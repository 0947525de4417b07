// The main thread's long tasks while a page starts, on Debian's Chromium, counted as Lighthouse's
// mobile profile counts them: Lighthouse runs the page at full speed and multiplies each task by 4
// (a mid-range phone's CPU), so a task of 12.5 ms here is a 50 ms "long task" there. Compares web
// builds in the same run, alternating, so a busy machine weighs on each alike (ratios hold; absolute
// times don't).
// Usage: [DISTS=name=apps/web/dist,base=/path/to/old/dist] [RUNS=5] [PAGE=/register] [MULTIPLIER=4]
//        [CPU_SLOWDOWN=1] npm run bench:page-tasks
// Prints per build: the median (and spread) of the blocking time (the sum, over tasks after the first
// contentful paint, of what each, multiplied, spends beyond 50 ms: Lighthouse's Total Blocking Time
// without its network simulation), the longest task, and where the long tasks' time went.
import { startRegistry, launchBrowser, type RunningRegistry } from '../tests/e2e/server.js';

const PAGE = process.env.PAGE ?? '/register';
const RUNS = Number(process.env.RUNS ?? 5);
const SLOWDOWN = Number(process.env.CPU_SLOWDOWN ?? 1);
const MULTIPLIER = Number(process.env.MULTIPLIER ?? 4 / SLOWDOWN);
const LONG_US = 50_000 / MULTIPLIER;
const DISTS = (process.env.DISTS ?? 'current=apps/web/dist').split(',').map((d) => {
  const [name, path] = d.split('=');
  return { name: name!, path: path! };
});

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { url?: string; frame?: string } };
}

interface Sample {
  blocking: number;
  longest: number;
  tasks: number;
  where: Map<string, number>;
}

const registries = new Map<string, RunningRegistry>();
const browser = await launchBrowser();
const samples = new Map<string, Sample[]>();
try {
  for (const d of DISTS) registries.set(d.name, await startRegistry({ env: { WEB_DIST: d.path } }));
  for (let run = 0; run < RUNS; run++) {
    for (const d of DISTS) {
      const s = await measure(registries.get(d.name)!.url + PAGE);
      samples.set(d.name, [...(samples.get(d.name) ?? []), s]);
    }
  }
} finally {
  await browser.close();
  for (const r of registries.values()) await r.stop();
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
console.log(
  `${PAGE}, CPU slowed ×${SLOWDOWN} and tasks counted ×${MULTIPLIER}, ${RUNS} runs per build, alternating (ms)`,
);
for (const d of DISTS) {
  const ss = samples.get(d.name)!;
  const b = ss.map((s) => s.blocking);
  const l = ss.map((s) => s.longest);
  console.log(
    `${d.name.padEnd(10)} blocking median ${median(b).toFixed(0)} (${Math.min(...b).toFixed(0)}–${Math.max(...b).toFixed(0)})` +
      `  longest task median ${median(l).toFixed(0)} (${Math.min(...l).toFixed(0)}–${Math.max(...l).toFixed(0)})` +
      `  long tasks ${median(ss.map((s) => s.tasks))}`,
  );
  const where = new Map<string, number>();
  for (const s of ss) for (const [k, v] of s.where) where.set(k, (where.get(k) ?? 0) + v / ss.length);
  const top = [...where].sort((a, b) => b[1] - a[1]).slice(0, 12);
  console.log('           in long tasks, per run: ' + top.map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', '));
}

async function measure(url: string): Promise<Sample> {
  const context = await browser.newContext({ viewport: { width: 412, height: 823 }, isMobile: true });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: SLOWDOWN });
  await browser.startTracing(page, {
    categories: [
      'devtools.timeline',
      'disabled-by-default-devtools.timeline',
      'v8.execute',
      'blink.user_timing',
      'loading',
    ],
  });
  await page.goto(url, { waitUntil: 'load' });
  // The app has taken over (React's fibres on the page's heading), then 3 s more for what follows.
  await page.waitForFunction(
    () => {
      const h1 = document.querySelector('#root h1');
      return !!h1 && Object.keys(h1).some((k) => k.startsWith('__reactFiber'));
    },
    undefined,
    { timeout: 60_000, polling: 100 }, // not every frame: the page's own work is what is measured
  );
  await page.waitForTimeout(3000);
  const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
  await context.close();
  const events = trace.traceEvents;
  // The page's renderer: the one that painted its first content (not the blank page before it).
  const fcpEvent = events.find((e) => e.name === 'firstContentfulPaint');
  if (!fcpEvent) throw new Error('no first contentful paint in the trace');
  const fcp = fcpEvent.ts;
  const main = events.find(
    (e) => e.name === 'thread_name' && e.pid === fcpEvent.pid && e.args?.name === 'CrRendererMain',
  );
  if (!main) throw new Error('no renderer main thread in the trace');
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined);
  const tasks = onMain.filter((e) => e.name === 'RunTask' && e.dur! > LONG_US);
  let blocking = 0;
  let longest = 0;
  const where = new Map<string, number>();
  for (const task of tasks) {
    const ms = (task.dur! / 1000) * MULTIPLIER;
    longest = Math.max(longest, ms);
    if (task.ts >= fcp) blocking += ms - 50;
    // Self time of each event inside the task (children subtracted), by name (scripts by file).
    const inside = onMain
      .filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur! <= task.ts + task.dur!)
      .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const stack: Array<{ e: TraceEvent; self: number }> = [];
    const flush = (until: number) => {
      while (stack.length && stack[stack.length - 1]!.e.ts + stack[stack.length - 1]!.e.dur! <= until) {
        const { e, self } = stack.pop()!;
        const file = e.args?.data?.url
          ?.split('/')
          .pop()
          ?.replace(/-[\w-]{8}\.js$/, '.js');
        const key = file && /Evaluate|FunctionCall|Compile/.test(e.name) ? `${e.name}(${file})` : e.name;
        where.set(key, (where.get(key) ?? 0) + (self / 1000) * MULTIPLIER);
      }
    };
    for (const e of inside) {
      flush(e.ts);
      if (stack.length) stack[stack.length - 1]!.self -= e.dur!;
      stack.push({ e, self: e.dur! });
    }
    flush(Infinity);
  }
  return { blocking, longest, tasks: tasks.length, where };
}
