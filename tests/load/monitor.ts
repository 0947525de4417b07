/**
 * Memory and CPU per process group, sampled every second from /proc (utime+stime deltas, so the CPU
 * figure is the last second's, not the lifetime average `ps -o pcpu` prints; RSS as `ps -o rss`).
 * CPU is in percent of one core: 200 % is the whole 2-core machine.
 */
import { readFileSync, readdirSync } from 'node:fs';

export interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  cmd: string;
  /** utime + stime, clock ticks. */
  ticks: number;
  rssKb: number;
}

/** A named set of processes, chosen from the whole process table at each sample. */
export interface ProcessGroup {
  name: string;
  select(table: Map<number, Proc>): number[];
}

export interface GroupStats {
  name: string;
  /** Processes seen in the group (peak). */
  processes: number;
  /** Sum of RSS (as `ps -o rss`): counts shared pages once per process (PostgreSQL's shared buffers, forks). */
  peakRssMb: number;
  /** Sum of PSS (shared pages split between their users): what the group really costs; NaN for "others". */
  peakPssMb: number;
  avgCpu: number;
  peakCpu: number;
}

export const OTHERS = 'other processes on the machine';
const TICKS = 100; // USER_HZ on Linux
const PAGE_KB = 4;

export function readProcs(): Map<number, Proc> {
  const table = new Map<number, Proc>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const f = stat.slice(close + 2).split(' ');
      // f[0] is field 3 (state): ppid 4, utime 14, stime 15, rss 24
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      table.set(Number(name), {
        pid: Number(name),
        ppid: Number(f[1]),
        comm,
        cmd,
        ticks: Number(f[11]) + Number(f[12]),
        rssKb: Number(f[21]) * PAGE_KB,
      });
    } catch {
      // gone between readdir and read
    }
  }
  return table;
}

/** utime + stime of the calling thread (clock ticks). */
function threadTicks(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

function pssKb(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** `root` and everything below it. */
export function descendants(table: Map<number, Proc>, root: number | undefined): number[] {
  if (!root || !table.has(root)) return [];
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const p of table.values()) if (p.ppid === out[i]) out.push(p.pid);
  return out;
}

export const groups = {
  pids: (name: string, pids: () => (number | undefined)[]): ProcessGroup => ({
    name,
    select: (t) => pids().filter((p): p is number => p !== undefined && t.has(p)),
  }),
  tree: (name: string, root: () => number | undefined): ProcessGroup => ({
    name,
    select: (t) => descendants(t, root()),
  }),
  match: (name: string, test: (p: Proc) => boolean): ProcessGroup => ({
    name,
    select: (t) => [...t.values()].filter(test).map((p) => p.pid),
  }),
};

export class ProcessMonitor {
  private timer?: NodeJS.Timeout;
  private last = new Map<number, { ticks: number; at: number }>();
  private acc = new Map<
    string,
    { n: number; cpuSum: number; peakCpu: number; peakRss: number; peakPss: number; procs: number }
  >();
  /** The latest second's figures, for a live line. */
  current = new Map<string, { cpu: number; rssMb: number }>();
  private samples = 0;
  /** CPU ticks this thread spent sampling since the last reset: the monitor runs in the load generator's process. */
  private busyTicks = 0;
  private since = performance.now();

  /**
   * `pssEvery`: PSS is read every this many samples (and on the first). Reading
   * /proc/<pid>/smaps_rollup walks the process's page tables: for ~30 PostgreSQL backends mapping the
   * shared buffers that cost ~50 ms of (kernel) CPU per sample, i.e. 5 % of a core charged to the
   * load generator; PSS is a peak of slowly changing memory, so every 5 s is enough.
   */
  constructor(
    private readonly groupList: ProcessGroup[],
    private readonly pssEvery = 5,
  ) {}

  start(intervalMs = 1000) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  stop() {
    clearInterval(this.timer);
  }

  /** Start a new window (a step, a phase): stats from here on. */
  reset() {
    this.acc.clear();
    this.samples = 0; // the window's first sample reads PSS
    this.busyTicks = 0;
    this.since = performance.now();
  }

  /** Share of one core the sampling itself took since the last reset (%; this thread's CPU ticks in sample()). */
  ownCpu(): number {
    return (this.busyTicks / TICKS / ((performance.now() - this.since) / 1000)) * 100;
  }

  private sample() {
    const ticks0 = threadTicks();
    const now = performance.now();
    const readPss = this.samples++ % this.pssEvery === 0;
    const table = readProcs();
    const cpuOf = (pid: number) => {
      const p = table.get(pid)!;
      const prev = this.last.get(pid);
      return prev ? ((p.ticks - prev.ticks) / TICKS / ((now - prev.at) / 1000)) * 100 : 0;
    };
    const mine = new Set<number>();
    const selected = this.groupList.map((g) => {
      const pids = g.select(table);
      for (const pid of pids) mine.add(pid);
      return pids;
    });
    // Everything else on the machine (other users' tests, the shell, …): the noise next to the figures.
    const others = [...table.keys()].filter((pid) => !mine.has(pid));
    for (const [i, g] of [...this.groupList, { name: OTHERS }].entries()) {
      const pids = i < selected.length ? selected[i]! : others;
      let cpu = 0;
      let rss = 0;
      let pss = 0;
      for (const pid of pids) {
        cpu += cpuOf(pid);
        rss += table.get(pid)!.rssKb;
        if (readPss && i < selected.length) pss += pssKb(pid);
      }
      const a = this.acc.get(g.name) ?? { n: 0, cpuSum: 0, peakCpu: 0, peakRss: 0, peakPss: 0, procs: 0 };
      a.n++;
      a.cpuSum += cpu;
      a.peakCpu = Math.max(a.peakCpu, cpu);
      a.peakRss = Math.max(a.peakRss, rss);
      a.peakPss = i < selected.length ? (readPss ? Math.max(a.peakPss, pss) : a.peakPss) : NaN;
      a.procs = Math.max(a.procs, pids.length);
      this.acc.set(g.name, a);
      this.current.set(g.name, { cpu, rssMb: rss / 1024 });
    }
    this.last = new Map([...table.values()].map((p) => [p.pid, { ticks: p.ticks, at: now }]));
    this.busyTicks += threadTicks() - ticks0;
  }

  stats(): GroupStats[] {
    return [...this.groupList, { name: OTHERS }].map((g) => {
      const a = this.acc.get(g.name);
      return {
        name: g.name,
        processes: a?.procs ?? 0,
        peakRssMb: (a?.peakRss ?? 0) / 1024,
        peakPssMb: (a?.peakPss ?? 0) / 1024,
        avgCpu: a && a.n ? a.cpuSum / a.n : 0,
        peakCpu: a?.peakCpu ?? 0,
      };
    });
  }

  /** The CPU of everything outside the groups over the last sample (percent of one core). */
  othersCpu(): number {
    return this.current.get(OTHERS)?.cpu ?? 0;
  }

  /**
   * Wait until the rest of the machine is quiet (other processes below `maxCpu` % for `forS` seconds),
   * at most `timeoutS`: other people's test runs on the same 2 cores would skew a measurement.
   */
  async waitQuiet(maxCpu: number, forS = 5, timeoutS = 300, log?: (l: string) => void): Promise<boolean> {
    const until = Date.now() + timeoutS * 1000;
    let quietSince = 0;
    let told = false;
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, 1000));
      if (this.othersCpu() < maxCpu) {
        quietSince ||= Date.now();
        if (Date.now() - quietSince >= forS * 1000) return true;
      } else {
        quietSince = 0;
        if (!told && log) log(`  (waiting: other processes use ${this.othersCpu().toFixed(0)} % CPU)`);
        told = true;
      }
    }
    return false;
  }

  /** Whole-machine CPU use over the window, from /proc/stat (percent of one core, 200 = both busy). */
  static machineCpu(): { busy: number; total: number } {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
    const idle = line[3]! + line[4]!;
    const total = line.reduce((s, v) => s + v, 0);
    return { busy: total - idle, total };
  }
}
