/**
 * A map that keeps at most `max` entries and drops the least recently used ones first, in constant
 * time per operation.
 *
 * The obvious way, a Map that deletes its first key (`keys().next()`) whenever it is full, costs
 * O(deleted entries) per eviction in V8: a deleted entry stays a hole at the front of the table until
 * the next rehash, and the iterator walks over every hole to find the first live key. With 10,000
 * entries evicted one by one that is ~5.9 µs per write against ~0.5 µs here (`npm run bench:mix`
 * found it as a hot spot in the ingestion worker's history cache: docs/capacity.md).
 *
 * Two generations: writes go to `young`; when it holds `max / 2` entries it becomes `old` and the
 * previous `old` is dropped whole. A read found in `old` moves the entry to `young`. So between
 * max / 2 and max entries are kept, and an entry read or written within the last max / 2 writes is
 * always still there.
 */
export class BoundedMap<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly half: number;

  constructor(max: number) {
    if (!(max >= 2)) throw new Error('BoundedMap: max must be at least 2');
    this.half = Math.floor(max / 2);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  get(key: K): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined || this.young.has(key)) return v;
    if (!this.old.has(key)) return undefined;
    const moved = this.old.get(key) as V;
    this.old.delete(key);
    this.put(key, moved);
    return moved;
  }

  has(key: K): boolean {
    return this.young.has(key) || this.old.has(key);
  }

  set(key: K, value: V): this {
    this.old.delete(key);
    this.put(key, value);
    return this;
  }

  delete(key: K): boolean {
    const a = this.young.delete(key);
    const b = this.old.delete(key);
    return a || b;
  }

  clear() {
    this.young = new Map();
    this.old = new Map();
  }

  private put(key: K, value: V) {
    this.young.set(key, value);
    if (this.young.size >= this.half) {
      this.old = this.young;
      this.young = new Map();
    }
  }
}
