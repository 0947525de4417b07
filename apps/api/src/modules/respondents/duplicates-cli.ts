/**
 * `npm run duplicates:scan`: find the likely duplicates among records registered before detection ran
 * at ingestion (SPEC "Identity"). Safe to run again: known pairs (open, distinct or merged) stay as
 * they are. Nothing is merged; the pairs wait in the review queue.
 */
import { ConfigError, loadConfig } from '../../config.js';
import { createPostgres } from '../../infra/db.js';
import { RespondentRepository } from './repository.js';
import { scanDuplicates } from './service.js';

async function main(): Promise<number> {
  const config = loadConfig();
  if (!config.databaseUrl) {
    process.stderr.write('Duplicates scan: DATABASE_URL is not set.\n');
    return 2;
  }
  const database = createPostgres(config.databaseUrl, 2);
  try {
    const result = await scanDuplicates(database.db, new RespondentRepository(), {
      log: (line) => process.stdout.write(`${line}\n`),
    });
    process.stdout.write(
      `done: ${result.scanned} records without a NIN scanned, ${result.candidates} candidate pairs\n`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
    else
      process.stderr.write(
        `Duplicates scan failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
    process.exit(1);
  },
);
