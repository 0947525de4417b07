/**
 * `npm run bench:bounded-map`: a cache of 10,000 entries that evicts as it goes (the ingestion worker's
 * history and opened-PII caches, the rate-limit leases), written ROUNDS × 300,000 times with fresh
 * keys: a Map evicting its first key (`keys().next()`, O(deleted holes) in V8) against BoundedMap (two
 * generations), alternating in the same run. Prints µs per write and the ratio.
 */
import { BoundedMap } from '../../apps/api/src/infra/bounded-map.js';

const MAX = Number(process.env.MAX ?? 10_000);
const WRITES = Number(process.env.WRITES ?? 300_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);

function firstKeyMap(): number {
  const m = new Map<string, { i: number }>();
  const t = performance.now();
  for (let i = 0; i < WRITES; i++) {
    const id = `id${i}`;
    m.delete(id);
    m.set(id, { i });
    if (m.size > MAX) m.delete(m.keys().next().value!);
  }
  return ((performance.now() - t) * 1000) / WRITES;
}

function bounded(): number {
  const m = new BoundedMap<string, { i: number }>(MAX);
  const t = performance.now();
  for (let i = 0; i < WRITES; i++) m.set(`id${i}`, { i });
  return ((performance.now() - t) * 1000) / WRITES;
}

console.log(`${MAX.toLocaleString('en')} entries, ${WRITES.toLocaleString('en')} writes of fresh keys per round`);
for (let r = 1; r <= ROUNDS; r++) {
  const a = firstKeyMap();
  const b = bounded();
  console.log(
    `round ${r}: Map evicting its first key ${a.toFixed(2)} µs/write, BoundedMap ${b.toFixed(2)} µs/write (×${(a / b).toFixed(1)})`,
  );
}
