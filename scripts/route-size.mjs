// What a lazy page costs to open: the gzipped JS of its chunk plus every chunk it imports that the
// first page load (index.html's scripts and modulepreloads) has not already fetched. Reads the built
// app (apps/web/dist; run `npm run build -w apps/web` first). Usage: node scripts/route-size.mjs
// [ChunkName ...] (default: ReportsDashboard Insights).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = join(import.meta.dirname, '../apps/web/dist');
const assets = join(dist, 'assets');
const files = readdirSync(assets).filter((f) => f.endsWith('.js'));
const first = new Set(
  [...readFileSync(join(dist, 'index.html'), 'utf8').matchAll(/\/assets\/([^"]+\.js)/g)].map((m) => m[1]),
);
const importsOf = (f) =>
  [...readFileSync(join(assets, f), 'utf8').matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)].map((m) => m[1]);
const gz = (f) => gzipSync(readFileSync(join(assets, f)), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

for (const name of process.argv.length > 2 ? process.argv.slice(2) : ['ReportsDashboard', 'Insights']) {
  const chunk = files.find((f) => f.startsWith(`${name}-`));
  if (!chunk) {
    console.error(`${name}: no chunk in ${assets}`);
    process.exitCode = 1;
    continue;
  }
  const seen = new Set();
  const todo = [chunk];
  while (todo.length) {
    const f = todo.pop();
    if (seen.has(f) || first.has(f)) continue;
    seen.add(f);
    todo.push(...importsOf(f));
  }
  const total = [...seen].reduce((sum, f) => sum + gz(f), 0);
  console.log(
    `${name}: own chunk ${kb(gz(chunk))} gzipped; with what it loads beyond the first page ${kb(total)} gzipped`,
  );
  for (const f of [...seen].sort()) console.log(`  ${f.padEnd(36)} ${kb(gz(f))}`);
}
