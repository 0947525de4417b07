/**
 * `npm run pii:keygen`: two new keys (encryption and blind index) for the environment file.
 * `npm run pii:rotate [-- --reindex]`: re-seal every NIN and phone under NIN_ENCRYPTION_KEY (the
 * previous key in NIN_ENCRYPTION_OLD_KEYS until this finishes); --reindex also rebuilds the blind
 * index after NIN_INDEX_KEY changed (stop the app first). Connects as the schema owner.
 */
import { ConfigError, loadConfig } from '../../config.js';
import { createPglite, createPostgres } from '../../infra/db.js';
import { PiiCipher, PiiKeyError, loadPiiKeys, newKey } from '../../infra/pii.js';
import { rotatePii, sealLegacyPii } from './pii.js';

async function main(): Promise<number> {
  const [command, ...flags] = process.argv.slice(2);
  if (command === 'keygen') {
    process.stdout.write(`NIN_ENCRYPTION_KEY=${newKey()}\nNIN_INDEX_KEY=${newKey()}\n`);
    return 0;
  }
  if (command !== 'rotate') {
    process.stderr.write('usage: pii-cli keygen | rotate [--reindex]\n');
    return 2;
  }
  const config = loadConfig();
  const pii = new PiiCipher(loadPiiKeys(config.pii));
  const database = config.databaseUrl
    ? createPostgres(config.databaseOwnerUrl ?? config.databaseUrl, 2)
    : await createPglite(`${config.dataDir}/pglite`);
  try {
    const legacy = await sealLegacyPii(database.db, pii);
    const rotated = await rotatePii(database.db, pii, { reindex: flags.includes('--reindex') });
    process.stdout.write(
      `sealed from plaintext: ${JSON.stringify(legacy)}\nre-sealed under key ${pii.keyId}: ${JSON.stringify(rotated)}\n` +
        'Every value is now under the current key: NIN_ENCRYPTION_OLD_KEYS may be emptied.\n',
    );
  } finally {
    await database.close();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof PiiKeyError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`pii: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
