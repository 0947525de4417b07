/**
 * `npm run restore -- <file> [--yes]`: replace the contents of DATABASE_URL with a backup. Says what
 * it will do first; asks for the database's name at a terminal, or needs --yes when run by a script.
 * Restores as the schema owner (DATABASE_OWNER_URL) when set, then grants the app role (DATABASE_URL)
 * its privileges again: the restore does not carry privileges over (--no-privileges).
 */
import { createInterface } from 'node:readline/promises';
import { ConfigError, loadConfig } from '../../config.js';
import { grantAppRoleAt } from '../../infra/db.js';
import { BackupError, connection, describeRestore, runRestore } from './service.js';

const USAGE =
  'Usage: npm run restore -- <backup file> [--yes]\n  e.g. npm run restore -- backups/oslrs-20260211-020000.dump\n';

async function main(argv: string[]): Promise<number> {
  const yes = argv.includes('--yes') || argv.includes('-y');
  const files = argv.filter((a) => !a.startsWith('-'));
  if (files.length !== 1) {
    process.stderr.write(`Restore refused: name exactly one backup file.\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  if (!config.databaseUrl) {
    process.stderr.write('Restore refused: DATABASE_URL is not set (the database to restore into).\n');
    return 2;
  }
  const ownerUrl = config.databaseOwnerUrl ?? config.databaseUrl;
  const options = {
    databaseUrl: ownerUrl,
    file: files[0]!,
    log: (line: string) => process.stdout.write(`${line}\n`),
  };
  process.stdout.write(`${await describeRestore(options)}\n`);
  if (!yes) {
    if (!process.stdin.isTTY) {
      process.stderr.write('Restore refused: not at a terminal; add --yes to confirm.\n');
      return 2;
    }
    const { database } = connection(ownerUrl);
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(`Type the database name (${database}) to continue: `);
    rl.close();
    if (answer.trim() !== database) {
      process.stderr.write('Restore cancelled.\n');
      return 1;
    }
  }
  await runRestore(options);
  if (config.databaseOwnerUrl) {
    const appRole = await grantAppRoleAt(config.databaseOwnerUrl, config.databaseUrl).catch((err: Error) => {
      throw new BackupError(
        `the data is restored, but granting the app role its privileges failed (${err.message}); ` +
          'starting the API does it again',
      );
    });
    if (appRole) process.stdout.write(`Privileges granted to the app role ${appRole}\n`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
    else if (err instanceof BackupError) process.stderr.write(`Restore failed: ${err.message}\n`);
    else process.stderr.write(`Restore failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
