import { loadConfig } from './config.js';
import { createRuntime } from './runtime.js';
import { createServices } from './app.js';
import { startProcessMetrics } from './modules/metrics/http.js';

/** The job worker as its own process (PM2 app `oslrs-worker`): BullMQ consumer plus the relay. */
async function main() {
  const config = loadConfig();
  if (!config.redisUrl)
    throw new Error('The separate worker needs REDIS_URL; without it, jobs run inside `npm start`.');
  const runtime = await createRuntime(config);
  await runtime.database.migrate();
  const services = createServices(runtime);
  services.jobs.startWorker(config.relayIntervalMs);
  runtime.log.info('job worker started');
  const metrics = await startProcessMetrics(runtime, config.metrics.port);
  const stop = async () => {
    await services.jobs.stop();
    await metrics?.close();
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err) => {
  process.stderr.write(`worker failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
