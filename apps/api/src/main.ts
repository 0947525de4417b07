import { performance } from 'node:perf_hooks';
import { ConfigError, loadConfig } from './config.js';
import { createRuntime } from './runtime.js';
import { openAddress } from './logging.js';
import { buildApp, createServices } from './app.js';
import { bootstrap, sealLegacyPii } from './modules/setup/index.js';
import { startProcessMetrics } from './modules/metrics/http.js';
import { ensureRollups } from './modules/reports/index.js';
import { RespondentRepository, marketplaceSubject } from './modules/respondents/index.js';
import { ensureProfiles } from './modules/marketplace/index.js';

async function main() {
  const started = performance.now();
  const config = loadConfig();
  const runtime = await createRuntime(config);
  const admin = { email: config.admin.email, password: config.admin.password };
  let seeded: Awaited<ReturnType<typeof bootstrap>> | undefined;
  await runtime.database.migrate(async (db) => {
    seeded = await bootstrap(db, admin);
    // NINs and phones stored in clear before encryption (a no-op once done).
    const sealed = await sealLegacyPii(db, runtime.pii);
    if (sealed.respondents + sealed.users + sealed.submissions + sealed.sms > 0)
      runtime.log.info(sealed, 'sealed NINs and phones stored before encryption');
    // Report rollups built once from the respondents when there are none yet (after migration 0015).
    const respondentRepo = new RespondentRepository();
    const rollups = await ensureRollups(db, (executor, onPage) =>
      respondentRepo.forEachReportSubject(executor, onPage),
    );
    if (rollups?.respondents) runtime.log.info(rollups, 'report rollups built from respondents');
    // Marketplace profiles listed once for consenting respondents when there are none yet (migration 0020).
    const listed = await ensureProfiles(db, (executor, onPage) =>
      respondentRepo.forEachListable(executor, (page) => onPage(page.map(marketplaceSubject))),
    );
    if (listed) runtime.log.info({ listed }, 'marketplace profiles listed from consenting respondents');
  });
  const services = createServices(runtime);
  const app = await buildApp(runtime, services);
  if (config.runWorker) services.jobs.startWorker(config.relayIntervalMs);
  // In a PM2 cluster the shared port reaches a random worker: each also serves its own /metrics.
  const metrics =
    config.appInstance !== undefined
      ? await startProcessMetrics(runtime, config.metrics.port + 1 + config.appInstance)
      : undefined;

  const close = async (signal: string) => {
    runtime.log.info({ signal }, 'shutting down');
    await services.jobs.stop();
    await metrics?.close();
    await app.close();
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void close('SIGINT'));
  process.once('SIGTERM', () => void close('SIGTERM'));

  // Fastify's own "listening" line names the address the ready line gives (and what it is bound to).
  await app.listen({
    port: config.port,
    host: config.host,
    // The accept queue (Node's default 511; the kernel caps it at net.core.somaxconn, 4096 in
    // deploy/os/sysctl.d). Under PM2's cluster mode the daemon listens with this backlog for every
    // worker. A burst of new connections from NGINX past a full queue is dropped, and each dropped
    // connection waits for TCP's SYN retries (1 s, 3 s, 7 s, 15 s): the capacity runs' multi-second
    // stalls of every API answer at 8,000 users, while NGINX's own answers stayed fast.
    backlog: 4096,
    listenTextResolver: (address) => {
      const open = openAddress(config.publicUrl, config.host, Number(new URL(address).port));
      return open === address ? `Server listening at ${open}` : `Server listening at ${open} (bound to ${address})`;
    },
  });
  const port = (app.server.address() as { port: number }).port;
  const url = openAddress(config.publicUrl, config.host, port);
  const mode = config.databaseUrl ? 'PostgreSQL' : `embedded PostgreSQL in ${config.dataDir}`;
  const ms = Math.round(performance.now() - started);
  if (seeded?.adminCreated) {
    const lines = [`First super admin: ${seeded.adminEmail}`];
    if (seeded.generatedPassword) {
      lines.push(`Generated password (shown once, change it after signing in): ${seeded.generatedPassword}`);
    }
    process.stdout.write(`\n${lines.join('\n')}\n`);
  }
  process.stdout.write(
    `\nOSLRS is ready at ${url} (${mode}, ${config.redisUrl ? 'Redis' : 'no Redis'}, started in ${ms} ms)\n\n`,
  );
  if (process.send) process.send('ready'); // PM2 wait_ready
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`OSLRS failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  process.exit(1);
});
