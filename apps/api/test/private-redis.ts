/**
 * A private redis-server on a free port (never the shared 6379) that a test can start, pause (SIGSTOP:
 * the connection stays open and nothing answers, like a hung server), resume, make sleep (DEBUG SLEEP)
 * and kill (SIGKILL, like a crash).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { waitFor } from './harness.js';

const running = new Set<ChildProcess>();
// Never leave a redis-server behind (nor a stopped one), even when the run is interrupted.
process.once('exit', () => {
  for (const child of running) {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
  }
});

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export class PrivateRedis {
  private child: ChildProcess | undefined;
  private exited: Promise<unknown> | undefined;
  paused = false;
  constructor(readonly port: number) {}

  static async create(): Promise<PrivateRedis> {
    return new PrivateRedis(await freePort());
  }

  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start() {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--enable-debug-command',
        'local',
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    this.exited = new Promise((done) => child.once('exit', done));
    running.add(child);
    void this.exited.then(() => running.delete(child));
    const probe = this.client();
    try {
      await waitFor(async () => {
        if (child.exitCode !== null) throw new Error(`redis-server on port ${this.port} exited with ${child.exitCode}`);
        try {
          if (probe.status !== 'ready') await probe.connect();
          return (await probe.ping()) === 'PONG';
        } catch {
          probe.disconnect();
          return false;
        }
      }, 10_000);
    } finally {
      probe.disconnect();
    }
  }

  /** A plain client for the test itself (no retries). */
  client(): Redis {
    const c = new Redis(this.port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    c.on('error', () => {});
    return c;
  }

  /** Freeze the server: connections stay open, nothing is answered. */
  pause() {
    this.child?.kill('SIGSTOP');
    this.paused = true;
  }

  resume() {
    this.child?.kill('SIGCONT');
    this.paused = false;
  }

  /** The server blocks itself for `seconds` (DEBUG SLEEP); resolves once it has stopped answering. */
  async sleep(seconds: number): Promise<{ done: Promise<unknown> }> {
    const c = this.client();
    await c.connect();
    const done = c
      .call('DEBUG', 'SLEEP', String(seconds))
      .catch(() => undefined)
      .finally(() => c.disconnect());
    const probe = new Redis(this.port, '127.0.0.1', { commandTimeout: 100, maxRetriesPerRequest: 0 });
    probe.on('error', () => {});
    try {
      await waitFor(async () => {
        try {
          await probe.ping();
          return false;
        } catch {
          return true; // no answer within 100 ms: asleep
        }
      }, 5_000);
    } finally {
      probe.disconnect();
    }
    return { done };
  }

  async kill() {
    if (!this.child) return;
    if (this.paused) this.resume();
    this.child.kill('SIGKILL');
    await this.exited;
    this.child = undefined;
  }
}
