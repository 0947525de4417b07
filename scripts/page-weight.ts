// What JavaScript each public page loads, gzipped (each script's body compressed at level 9, so the
// figure does not depend on how the server happens to encode it). Starts the built registry on a
// fresh database, opens each page in Debian's Chromium, waits for the network to go quiet.
// Usage: node --import tsx scripts/page-weight.ts [/path ...]   (default: / /about /register)
import { gzipSync } from 'node:zlib';
import { launchBrowser, startRegistry } from '../tests/e2e/server.js';

const paths = process.argv.length > 2 ? process.argv.slice(2) : ['/', '/about', '/register'];
const [registry, browser] = await Promise.all([startRegistry(), launchBrowser()]);
try {
  for (const path of paths) {
    const context = await browser.newContext({ viewport: { width: 412, height: 823 } });
    const page = await context.newPage();
    const scripts = new Map<string, number>();
    const reads: Promise<void>[] = [];
    page.on('response', (response) => {
      if (response.request().resourceType() !== 'script') return;
      const read = response
        .body()
        .then((body) => scripts.set(new URL(response.url()).pathname, gzipSync(body, { level: 9 }).length))
        .catch((e: unknown) => console.error(`  (could not read ${response.url()}: ${String(e)})`));
      reads.push(read);
    });
    await page.goto(`${registry.url}${path}`, { waitUntil: 'networkidle' });
    await Promise.all(reads);
    const total = [...scripts.values()].reduce((a, b) => a + b, 0);
    console.log(`${path}: ${(total / 1024).toFixed(1)} KB of JavaScript gzipped in ${scripts.size} files`);
    for (const [name, size] of [...scripts].sort((a, b) => b[1] - a[1]))
      console.log(`  ${name.padEnd(44)} ${(size / 1024).toFixed(1)} KB`);
    await context.close();
  }
} finally {
  await browser.close();
  await registry.stop();
}
