/**
 * A paged list's total without an exact `count(*)` over the whole set on every page.
 *
 * - A small set (at most `exactUpTo` rows) is counted exactly on every request, with a probe that
 *   reads at most `exactUpTo + 1` rows (`select count(*) from (… limit n + 1)`): bounded cost, always
 *   fresh, never cached — so a filtered small set is exact and shows a write at once, however the
 *   row got there.
 * - A larger set gets PostgreSQL's planner estimate (EXPLAIN of the same WHERE) marked `exact: false`;
 *   when the planner thinks the set is small although the probe found more (a search it cannot
 *   estimate), it is counted exactly instead. An exact count is also given on demand (`?count=exact`).
 * - Large-set answers are cached per filter set for `ttlMs` in the shared key-value store (Redis when
 *   configured). Redis rather than process memory: the API runs as several PM2 workers (and possibly
 *   several nodes), and a write on one must retire every worker's cached totals at once; one pipelined
 *   Redis read (~0.1 ms) costs far less than the count it saves (~1.6 ms of PostgreSQL CPU at 10,000
 *   staff). Writes call `invalidate(list)` after their transaction commits: it replaces the list's
 *   generation token, and a cached total counts only while it carries the current token. A total
 *   computed from a snapshot taken before the write was stored under the old token, so it is never
 *   served afterwards (no race between a slow count and the invalidation). Writes that bypass the
 *   service (a SQL console) are picked up within `ttlMs`.
 * - Without Redis (down, or its circuit open), totals are computed as if nothing were cached.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { KeyValueStore } from './kv.js';

export interface ListTotal {
  value: number;
  exact: boolean;
}

export type CountMode = 'auto' | 'exact';

export interface ListCountOptions {
  /** Sets up to this size are always counted exactly (and never cached). */
  exactUpTo: number;
  /** How long a large set's total is reused. */
  ttlMs: number;
}

export const LIST_COUNT_DEFAULTS: ListCountOptions = { exactUpTo: 1_000, ttlMs: 30_000 };

/** How one list counts its filtered set; both run the list's own WHERE. */
export interface Counting {
  /** The exact count, or with `cap` the count of at most `cap` rows. */
  exact(cap?: number): Promise<number>;
  /** The planner's estimate of the rows matching. */
  estimate(): Promise<number>;
}

interface Cached {
  /** The list's generation token when the count began. */
  g: string;
  n: number;
  x: boolean;
}

/** Generation tokens live long; totals only `ttlMs`. */
const GENERATION_TTL_MS = 24 * 3600_000;
const NO_GENERATION = '-';

export class ListCounts {
  constructor(
    private readonly kv: KeyValueStore,
    readonly options: ListCountOptions = LIST_COUNT_DEFAULTS,
    private readonly onError?: (err: unknown) => void,
  ) {}

  private generationKey(list: string) {
    return `count:${list}:gen`;
  }

  private totalKey(list: string, filter: Record<string, unknown>) {
    // Normalised (sorted, no undefined) so `?a=1&b=2` and `?b=2&a=1` share an entry; hashed to bound key size.
    const canonical = JSON.stringify(
      Object.keys(filter)
        .filter((k) => filter[k] !== undefined && filter[k] !== null && filter[k] !== '')
        .sort()
        .map((k) => [k, filter[k]]),
    );
    return `count:${list}:${createHash('sha1').update(canonical).digest('base64url')}`;
  }

  /** The total of `list` under `filter` (its parameters as given to the query), counted as `mode` asks. */
  async total(list: string, filter: Record<string, unknown>, mode: CountMode, counting: Counting): Promise<ListTotal> {
    const key = this.totalKey(list, filter);
    let generation: string | null = null;
    let cached: Cached | null = null;
    try {
      // Two independent reads: one round trip with auto-pipelining.
      const [g, raw] = await Promise.all([this.kv.get(this.generationKey(list)), this.kv.get(key)]);
      generation = g ?? NO_GENERATION;
      cached = raw ? (JSON.parse(raw) as Cached) : null;
    } catch (err) {
      this.onError?.(err);
    }
    // Asked for the exact number, it is always counted afresh (and replaces the cached figure).
    if (mode === 'auto' && cached && cached.g === generation) return { value: cached.n, exact: cached.x };

    let result: ListTotal;
    if (mode === 'exact') {
      const n = await counting.exact();
      // A small exact count is not worth keeping: the probe recounts it as cheaply.
      if (n <= this.options.exactUpTo) return { value: n, exact: true };
      result = { value: n, exact: true };
    } else {
      const { exactUpTo } = this.options;
      const probed = await counting.exact(exactUpTo + 1);
      if (probed <= exactUpTo) return { value: probed, exact: true };
      const estimate = await counting.estimate();
      result =
        estimate > exactUpTo
          ? { value: Math.round(estimate), exact: false }
          : { value: await counting.exact(), exact: true };
    }
    if (generation !== null) {
      const entry: Cached = { g: generation, n: result.value, x: result.exact };
      await this.kv.set(key, JSON.stringify(entry), this.options.ttlMs).catch((err: unknown) => this.onError?.(err));
    }
    return result;
  }

  /** After a committed write that may change `list`'s totals: every cached total of it is retired. */
  async invalidate(list: string): Promise<void> {
    try {
      await this.kv.set(this.generationKey(list), randomBytes(9).toString('base64url'), GENERATION_TTL_MS);
    } catch (err) {
      // Redis away: totals cached before it left may be served for at most ttlMs once it is back.
      this.onError?.(err);
    }
  }
}
