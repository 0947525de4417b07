import type { SessionUser } from '@oslrs/core';
import type { Broadcast } from '../../infra/broadcast.js';

const CHANNEL = 'sessions:forget';

interface Entry {
  user: SessionUser;
  /** Until when this process may answer from memory (never past the session's own expiry). */
  until: number;
}

/**
 * Signed-in requests resolved without a network round trip: a short in-process copy of each session,
 * in front of the Redis cache and PostgreSQL. Whatever ends or changes a session (sign-out, a
 * suspension, a role change, a password reset) goes through `forget`, which drops the entry here and,
 * over Redis pub/sub, in every other API process at once.
 *
 * Never stale by more than a message's delivery: the copy is used only while this process is sure to
 * hear every `forget` (Broadcast.live; while Redis is away the resolution falls back as before), the
 * caches start empty after the subscription comes back, and a look-up that began before a `forget`
 * does not store what it read (the generation check). The one residual case — Redis frozen at the very
 * moment of a revocation, so the message is never sent, while another process keeps answering from
 * memory without touching Redis — is bounded by `ttlMs`.
 */
export class LocalSessionCache {
  private readonly entries = new Map<string, Entry>();
  private gen = 0;

  constructor(
    private readonly broadcast: Broadcast,
    private readonly ttlMs: number,
    private readonly maxEntries = 50_000,
  ) {
    broadcast.subscribe(CHANNEL, (message) => {
      for (const hash of message.split(',')) this.drop(hash);
    });
    broadcast.onReset(() => this.clear());
  }

  /** The generation a look-up starts in: pass it back to `set`. */
  get generation(): number {
    return this.gen;
  }

  get(hash: string, now = Date.now()): SessionUser | null {
    if (this.ttlMs <= 0 || !this.broadcast.live) return null;
    const e = this.entries.get(hash);
    if (!e) return null;
    if (e.until <= now) {
      this.entries.delete(hash);
      return null;
    }
    return e.user;
  }

  set(hash: string, user: SessionUser, sessionExpiresAt: number, generation: number, now = Date.now()) {
    if (this.ttlMs <= 0 || generation !== this.gen || !this.broadcast.live) return;
    if (this.entries.size >= this.maxEntries) {
      // The oldest insertion goes first (a Map iterates in insertion order).
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(hash, { user, until: Math.min(now + this.ttlMs, sessionExpiresAt) });
  }

  /**
   * Drop these sessions here and in every other process. Here first, whatever Redis does; a failed
   * publish is reported to the caller (the change itself has already committed).
   */
  async forget(hashes: string[]): Promise<void> {
    if (!hashes.length) return;
    for (const h of hashes) this.drop(h);
    await this.broadcast.publish(CHANNEL, hashes.join(','));
  }

  private drop(hash: string) {
    this.gen++;
    this.entries.delete(hash);
  }

  private clear() {
    this.gen++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
