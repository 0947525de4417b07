/**
 * Network namespaces for the two-node stack test: each node is a namespace with a point-to-point
 * veth link to the root namespace, on addresses only this test uses (10.213.N.0/29, N picked per
 * run). Names carry the test's pid, so a later run can tell a crashed run's leftovers (pid gone)
 * from a live run's, and removes only those. Needs root and iproute2 (`ip`).
 */
import { spawnSync } from 'node:child_process';

const NS_PREFIX = 'oslrs2n-';
const LINK_PREFIX = 'o2n';

function ip(args: string[], allowFail = false): string {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0 && !allowFail) throw new Error(`ip ${args.join(' ')}: ${r.stderr || r.error?.message}`);
  return r.stdout ?? '';
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Can this process make namespaces (root, `ip` present)? The reason when not. */
export function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `ip netns does not work: ${r.error?.message ?? r.stderr}`;
  return undefined;
}

export function nsPids(name: string): number[] {
  return ip(['netns', 'pids', name], true).split(/\s+/).filter(Boolean).map(Number);
}

/** Kills what still runs in a namespace and deletes it (its veth pair goes with it). */
export function removeNamespace(name: string) {
  for (const pid of nsPids(name)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  ip(['netns', 'del', name], true);
}

/** Namespaces and host-side links a crashed earlier run left behind (their test pid is gone). */
export function sweepLeftovers(): string[] {
  const removed: string[] = [];
  for (const line of ip(['netns', 'list'], true).split('\n')) {
    const name = line.split(/\s/)[0] ?? '';
    const m = new RegExp(`^${NS_PREFIX}(\\d+)-[ab]$`).exec(name);
    if (m && !alive(Number(m[1]))) {
      removeNamespace(name);
      removed.push(name);
    }
  }
  for (const line of ip(['-o', 'link', 'show'], true).split('\n')) {
    const name = /^\d+:\s+([^:@\s]+)/.exec(line)?.[1] ?? '';
    const m = new RegExp(`^${LINK_PREFIX}(\\d+)[ab]$`).exec(name);
    if (m && !alive(Number(m[1]))) {
      ip(['link', 'del', name], true);
      removed.push(name);
    }
  }
  return removed;
}

/** A free 10.213.N.0/29 (no address of this machine in it), N from the pid onwards. */
export function pickSubnet(pid = process.pid): number {
  const used = ip(['-o', '-4', 'addr', 'show'], true);
  for (let i = 0; i < 200; i++) {
    const n = 20 + ((pid + i) % 200);
    if (!used.includes(` 10.213.${n}.`)) return n;
  }
  throw new Error('no free 10.213.N.0/29');
}

export interface NodeNet {
  ns: string;
  /** The root namespace's end of the link (what the node reaches the host's services through). */
  hostAddr: string;
  /** The node's own address (its API listens there). */
  nodeAddr: string;
}

/** Namespace `oslrs2n-<pid>-<tag>`, linked to the root namespace by veth `o2n<pid><tag>` on a /30. */
export function createNodeNet(tag: 'a' | 'b', subnet: number, pid = process.pid): NodeNet {
  const ns = `${NS_PREFIX}${pid}-${tag}`;
  const link = `${LINK_PREFIX}${pid}${tag}`;
  const base = tag === 'a' ? 0 : 4;
  const hostAddr = `10.213.${subnet}.${base + 1}`;
  const nodeAddr = `10.213.${subnet}.${base + 2}`;
  ip(['netns', 'add', ns]);
  ip(['link', 'add', link, 'type', 'veth', 'peer', 'name', `${link}n`]);
  ip(['link', 'set', `${link}n`, 'netns', ns]);
  ip(['addr', 'add', `${hostAddr}/30`, 'dev', link]);
  ip(['link', 'set', link, 'up']);
  ip(['-n', ns, 'addr', 'add', `${nodeAddr}/30`, 'dev', `${link}n`]);
  ip(['-n', ns, 'link', 'set', `${link}n`, 'up']);
  ip(['-n', ns, 'link', 'set', 'lo', 'up']);
  return { ns, hostAddr, nodeAddr };
}
