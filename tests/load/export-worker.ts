/**
 * The export job in a process of its own (the bench's "worker"): builds one export with the real
 * ExportService and prints one JSON line. MODE=scan only fetches the rows through the same cursor (the baseline: what
 * reading costs without formatting, decrypting or writing).
 */
import { sql } from 'drizzle-orm';
import { createPostgres, rowsOf } from '../../apps/api/src/infra/db.js';
import { PiiCipher, parseKey } from '../../apps/api/src/infra/pii.js';
import { ExportService } from '../../apps/api/src/modules/exports/index.js';
import { respondentFilter } from '../../apps/api/src/modules/exports/service.js';
import { JobsService } from '../../apps/api/src/modules/jobs/index.js';
import { RespondentRepository } from '../../apps/api/src/modules/respondents/index.js';
import type { JobQueue } from '../../apps/api/src/infra/queue.js';

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const database = createPostgres(env('DATABASE_URL'), 4);
const pii = new PiiCipher({
  current: parseKey(env('NIN_ENCRYPTION_KEY'), 'NIN_ENCRYPTION_KEY'),
  old: [],
  index: parseKey(env('NIN_INDEX_KEY'), 'NIN_INDEX_KEY'),
});
const repo = new RespondentRepository();
const pageSize = Number(process.env.PAGE_SIZE ?? 500);
// Only the job row's progress is used here; nothing is enqueued.
const jobs = new JobsService(database.db, {} as JobQueue, (err) => console.error(err));

let peak = process.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
const before = process.memoryUsage().rss;
const started = performance.now();
let rows = 0;
let bytes = 0;
if (process.env.MODE === 'scan') {
  const filter = respondentFilter({ from: null, to: '2100-01-01', lga: null, channel: null, status: null });
  await database.db.transaction(async (tx) => {
    for await (const page of repo.exportPages(tx, filter, 'presence', pageSize)) rows += page.length;
  });
} else {
  const service = new ExportService(
    database.db,
    repo,
    jobs,
    pii,
    { dir: env('EXPORT_DIR'), retentionMs: 3600_000, pageSize },
    (err, msg) => console.error(msg, err),
  );
  await service.build(env('JOB_ID'));
  const [r] = rowsOf<{ row_count: number; bytes: string; status: string }>(
    await database.db.execute(sql`select row_count, bytes, status from exports where job_id = ${env('JOB_ID')}`),
  );
  if (r?.status !== 'completed') throw new Error(`export ended ${r?.status}`);
  rows = r.row_count;
  bytes = Number(r.bytes);
}
const ms = performance.now() - started;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
console.log(
  JSON.stringify({
    rows,
    ms,
    bytes,
    rssBefore: before,
    rssPeak: peak,
  }),
);
await database.close();
process.exit(0);
