/**
 * `npm run backup`: a compressed, verified pg_dump of the database into BACKUP_DIR, keeping the
 * newest BACKUP_KEEP, then copied to BACKUP_S3_BUCKET when set. Exits non-zero on any failure.
 * Connects as the schema owner (DATABASE_OWNER_URL) when set: the app role cannot read everything.
 */
import { ConfigError, loadConfig } from '../../config.js';
import { BackupError, runBackup } from './service.js';

async function main(): Promise<number> {
  const config = loadConfig();
  if (!config.databaseUrl) {
    process.stderr.write(
      'Backup failed: DATABASE_URL is not set. Backups dump PostgreSQL; the embedded database lives in ' +
        `${config.dataDir}: stop \`npm start\` and copy that folder instead.\n`,
    );
    return 2;
  }
  await runBackup({
    databaseUrl: config.databaseOwnerUrl ?? config.databaseUrl,
    dir: config.backup.dir,
    keep: config.backup.keep,
    s3: config.backup.s3,
    metricsFile: config.backup.metricsFile,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
    else if (err instanceof BackupError) {
      process.stderr.write(`Backup failed: ${err.message}\nThe existing backups were left as they were.\n`);
    } else process.stderr.write(`Backup failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
