import type { Broadcast } from './broadcast.js';

interface Entry<V> {
  value: V;
  /** Until when this process may answer from memory (never past the value's own expiry). */
  until: number;
}

/**
 * A short in-process copy of values other processes may revoke (a session, a partner key): whatever
 * ends or changes one goes through `forget`, which drops the entry here and, over Redis pub/sub
 * (`channel`), in every other API process at once.
 *
 * Never stale by more than a message's delivery: the copy is used only while this process is sure to
 * hear every `forget` (Broadcast.live; otherwise callers look the value up as if not cached), the
 * cache starts empty after the subscription comes back, and a look-up that began before a `forget`
 * does not store what it read (the generation check). The one residual case — Redis frozen at the very
 * moment of a revocation, so the message is never sent, while another process keeps answering from
 * memory without touching Redis — is bounded by `ttlMs`.
 */
export class BroadcastCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private gen = 0;

  constructor(
    private readonly broadcast: Broadcast,
    private readonly channel: string,
    private readonly ttlMs: number,
    private readonly maxEntries = 50_000,
  ) {
    broadcast.subscribe(channel, (message) => {
      for (const key of message.split(',')) this.drop(key);
    });
    broadcast.onReset(() => this.clear());
  }

  /** The generation a look-up starts in: pass it back to `set`. */
  get generation(): number {
    return this.gen;
  }

  get(key: string, now = Date.now()): V | null {
    if (this.ttlMs <= 0 || !this.broadcast.live) return null;
    const e = this.entries.get(key);
    if (!e) return null;
    if (e.until <= now) {
      this.entries.delete(key);
      return null;
    }
    return e.value;
  }

  set(key: string, value: V, expiresAt: number, generation: number, now = Date.now()) {
    if (this.ttlMs <= 0 || generation !== this.gen || !this.broadcast.live) return;
    if (this.entries.size >= this.maxEntries) {
      // The oldest insertion goes first (a Map iterates in insertion order).
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, until: Math.min(now + this.ttlMs, expiresAt) });
  }

  /**
   * Drop these entries here and in every other process. Here first, whatever Redis does; a failed
   * publish is reported to the caller (the change itself has already committed).
   */
  async forget(keys: string[]): Promise<void> {
    if (!keys.length) return;
    for (const k of keys) this.drop(k);
    await this.broadcast.publish(this.channel, keys.join(','));
  }

  private drop(key: string) {
    this.gen++;
    this.entries.delete(key);
  }

  /** Drop every entry in this process (e.g. when a shared epoch says something changed). */
  clear() {
    this.gen++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
