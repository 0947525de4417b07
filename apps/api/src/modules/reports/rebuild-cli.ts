/**
 * `npm run reports:rebuild`: recompute the report rollups from the respondents (after a restore, an
 * import or seeding done in SQL, or if a code path forgot recordRespondent). Safe to run any time:
 * one transaction; ingestion waits for it.
 *
 *   DATABASE_URL=postgres://… npm run reports:rebuild
 */
import { createPostgres } from '../../infra/db.js';
import { RespondentRepository } from '../respondents/index.js';
import { rebuildRollups } from './service.js';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is required');
  process.exit(2);
}
const database = createPostgres(url, 2);
try {
  const t0 = performance.now();
  const repo = new RespondentRepository();
  const result = await rebuildRollups(database.db, (executor, onPage) => repo.forEachReportSubject(executor, onPage));
  console.warn(
    `report rollups rebuilt: ${result.respondents} respondents → ${result.rows} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
} finally {
  await database.close();
}
