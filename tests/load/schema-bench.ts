/**
 * Questionnaire schema endpoint throughput: the 304 path (device already has it) and the 200 path,
 * beside /api/v1/health in the same run. The master questionnaire is imported and published first.
 *
 *   npm run bench:schema           (CONCURRENCY=16 DURATION_MS=5000 to change)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { measure, printTable } from './latency.js';
import { prepareDatabase, root, startBenchServer } from './server.js';

const concurrency = Number(process.env.CONCURRENCY ?? 16);
const durationMs = Number(process.env.DURATION_MS ?? 5000);

const server = await startBenchServer(await prepareDatabase());
try {
  const { url, admin } = server;
  const body = new FormData();
  const xlsx = readFileSync(join(root, 'apps/api/test/fixtures/xlsform/oslsr_master_v3.xlsx'));
  body.append('file', new Blob([xlsx]), 'oslsr_master_v3.xlsx');
  const headers = { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken };
  const imported = await fetch(`${url}/api/v1/questionnaires/import`, { method: 'POST', headers, body });
  if (imported.status !== 201) throw new Error(`import failed: ${imported.status} ${await imported.text()}`);
  const { questionnaire } = (await imported.json()) as { questionnaire: { id: string } };
  const published = await fetch(`${url}/api/v1/questionnaires/${questionnaire.id}/publish`, {
    method: 'POST',
    headers,
  });
  if (published.status !== 201) throw new Error(`publish failed: ${published.status}`);

  const schemaUrl = `${url}/api/v1/forms/${questionnaire.id}/schema`;
  const first = await fetch(schemaUrl);
  const etag = first.headers.get('etag')!;
  const size = (await first.arrayBuffer()).byteLength;

  const opts = { concurrency, durationMs };
  const health = await measure('GET /health (baseline, no I/O)', `${url}/api/v1/health`, {}, opts);
  const rows = [
    health,
    await measure('GET schema, If-None-Match → 304', schemaUrl, { headers: { 'if-none-match': etag } }, opts),
    await measure(`GET schema → 200 (${(size / 1024).toFixed(0)} KB)`, schemaUrl, {}, opts),
    await measure('GET schema?version=1 → 200', `${schemaUrl}?version=1`, {}, opts),
  ];
  console.log(
    `\nmaster questionnaire; one API process (built, NODE_ENV=production); ${concurrency} concurrent clients; ${durationMs / 1000} s per scenario`,
  );
  printTable(rows, health);
  console.log(
    '\nreq/s relative to /health: ' +
      rows
        .slice(1)
        .map((r) => `${r.name}: ${(r.rps / health.rps).toFixed(2)}`)
        .join('; '),
  );
  const failed = rows.reduce((n, r) => n + r.errors, 0);
  if (failed) {
    console.error(`\n${failed} requests failed`);
    process.exitCode = 1;
  }
} finally {
  await server.stop();
}
