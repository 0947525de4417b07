import type { Redis } from 'ioredis';
import type { RedisCircuit } from './redis.js';

/**
 * Messages to every API process (Redis pub/sub), for in-process caches that must forget an entry the
 * moment another process changes what it holds: a signed-out or suspended person's session.
 *
 * `live` says whether this process is sure to hear every message from now on. While it is not (the
 * subscription is down, or Redis is not answering), a cache must not answer from memory; when the
 * subscription comes back, the messages sent meanwhile are lost, so `onReset` handlers run and the
 * caches start empty.
 */
export interface Broadcast {
  readonly live: boolean;
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, handler: (message: string) => void): void;
  onReset(handler: () => void): void;
  close(): void;
}

/** One process, no Redis (the embedded mode): a message reaches this process's handlers at once. */
export class LocalBroadcast implements Broadcast {
  private readonly handlers = new Map<string, ((message: string) => void)[]>();
  readonly live = true;
  async publish(channel: string, message: string) {
    for (const h of this.handlers.get(channel) ?? []) h(message);
  }
  subscribe(channel: string, handler: (message: string) => void) {
    this.handlers.set(channel, [...(this.handlers.get(channel) ?? []), handler]);
  }
  onReset() {}
  close() {}
}

export class RedisBroadcast implements Broadcast {
  private readonly handlers = new Map<string, ((message: string) => void)[]>();
  private readonly resets: (() => void)[] = [];
  private subscribed = false;

  /**
   * `subscriber`: a connection of its own (a subscribed connection can issue nothing else), made with
   * `autoResubscribe: false`: this class subscribes again itself after a reconnect, and only then
   * counts itself live. `publisher`: the request path's
   * connection, behind its circuit breaker.
   */
  constructor(
    private readonly subscriber: Redis,
    private readonly publisher: Redis,
    private readonly prefix: string,
    private readonly circuit?: RedisCircuit,
  ) {
    subscriber.on('message', (channel: string, message: string) => {
      for (const h of this.handlers.get(channel) ?? []) h(message);
    });
    // Whatever was published while this connection was down never arrives: not live until it is
    // subscribed again, and the caches start afresh then.
    subscriber.on('close', () => {
      this.subscribed = false;
      this.reset();
    });
    subscriber.on('ready', () => void this.resubscribe());
  }

  private async resubscribe() {
    const names = [...this.handlers.keys()];
    if (!names.length) return;
    try {
      await this.subscriber.subscribe(...names);
      this.subscribed = true;
      this.reset();
    } catch {
      // Still down: the next 'ready' tries again.
    }
  }

  get live(): boolean {
    return this.subscribed && this.subscriber.status === 'ready' && !this.circuit?.isOpen;
  }

  async publish(channel: string, message: string) {
    const run = () => this.publisher.publish(this.prefix + channel, message);
    await (this.circuit ? this.circuit.run(run) : run());
  }

  subscribe(channel: string, handler: (message: string) => void) {
    const name = this.prefix + channel;
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), handler]);
    if (this.subscriber.status === 'ready') void this.resubscribe();
  }

  onReset(handler: () => void) {
    this.resets.push(handler);
  }

  private reset() {
    for (const h of this.resets) h();
  }

  close() {
    this.subscriber.disconnect();
  }
}
