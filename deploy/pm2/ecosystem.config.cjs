/* eslint-disable @typescript-eslint/no-require-imports -- PM2 loads this file with require(). */
// PM2 process file for one OSLRS node: the API in cluster mode (one worker per vCPU) and the job worker.
//
//   pm2 start deploy/pm2/ecosystem.config.cjs            first start
//   pm2 reload deploy/pm2/ecosystem.config.cjs --update-env   zero-downtime update (RUNBOOK.md)
//
// Configuration comes from an env file (KEY=value lines), /etc/oslrs/oslrs.env unless OSLRS_ENV_FILE
// names another; provision.sh writes it. It is read each time PM2 reads this file, so
// `--update-env` picks up edits. Keys the ecosystem itself understands:
//   OSLRS_API_INSTANCES  API workers (default 'max' = one per vCPU)
//   OSLRS_LOG_DIR        where PM2 writes the processes' logs (default: PM2's own, ~/.pm2/logs)
//   OSLRS_JOB_WORKER     'false': no job worker on this node (several nodes: it runs on one or more of
//                        them - RUNBOOK.md, "When to add a node, and how"); default 'true'
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const ENV_FILE = process.env.OSLRS_ENV_FILE || '/etc/oslrs/oslrs.env';

/** Minimal dotenv: KEY=value, optional `export`, '#' comments, single or double quotes around the value. */
function readEnvFile(file) {
  const env = {};
  for (const raw of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new Error(`${file}: cannot parse line: ${raw}`);
    let value = m[2];
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2];
    else value = value.replace(/\s+#.*$/, '');
    env[m[1]] = value;
  }
  return env;
}

let fileEnv = {};
if (fs.existsSync(ENV_FILE)) fileEnv = readEnvFile(ENV_FILE);
else process.stderr.write(`[oslrs] ${ENV_FILE} not found: starting with the process environment only\n`);

const setting = (key, fallback) => process.env[key] || fileEnv[key] || fallback;
const instancesSetting = setting('OSLRS_API_INSTANCES', 'max');
const instances = /^-?\d+$/.test(instancesSetting) ? Number(instancesSetting) : instancesSetting;
const logDir = setting('OSLRS_LOG_DIR', '');
const jobWorker = setting('OSLRS_JOB_WORKER', 'true') !== 'false';

/** Log files for an app: one merged file per app and stream when OSLRS_LOG_DIR is set. */
function logs(name) {
  if (!logDir) return { merge_logs: true };
  return {
    merge_logs: true,
    out_file: path.join(logDir, `${name}.out.log`),
    error_file: path.join(logDir, `${name}.err.log`),
  };
}

/**
 * The app appends its own log lines to the same file (LOG_FILE, O_APPEND): in cluster mode PM2 takes
 * a worker's stdout from process.stdout.write and sends every write to its daemon as an IPC message
 * besides writing the file — ~12 % of an API worker's own CPU and most of the daemon's under load
 * (docs/capacity.md). PM2 still writes what goes to stdout (the start-up banner) to the same file.
 */
function logFile(name) {
  return logDir ? { LOG_FILE: path.join(logDir, `${name}.out.log`) } : {};
}

// What every process gets; the app validates it (apps/api/src/config.ts) and refuses to start on a
// mistake. NODE_ENV is fixed here: production means Secure cookies and no dev conveniences.
const baseEnv = { ...fileEnv, NODE_ENV: 'production' };

module.exports = {
  apps: [
    {
      name: 'oslrs-api',
      cwd: ROOT,
      script: 'apps/api/dist/main.js',
      exec_mode: 'cluster',
      instances,
      // The heap ceiling sits below the restart ceiling, so a leak ends in a clean PM2 restart
      // (one worker at a time; the others keep serving) rather than in the kernel's OOM killer.
      node_args: ['--max-old-space-size=768', '--enable-source-maps'],
      max_memory_restart: '900M',
      // main.ts sends process.send('ready') once it listens (migrations done): `pm2 reload` starts
      // the new worker, waits for that, and only then stops the old one.
      wait_ready: true,
      listen_timeout: 30000,
      // SIGINT first: Fastify stops accepting, finishes in-flight requests, closes pools; after
      // kill_timeout PM2 sends SIGKILL.
      kill_timeout: 15000,
      autorestart: true,
      exp_backoff_restart_delay: 100,
      max_restarts: 30,
      min_uptime: '10s',
      ...logs('oslrs-api'),
      env: {
        ...baseEnv,
        // The job worker below runs the jobs; API workers only enqueue them.
        RUN_WORKER: 'false',
        ...logFile('oslrs-api'),
      },
    },
    jobWorker && {
      name: 'oslrs-worker',
      cwd: ROOT,
      script: 'apps/api/dist/worker.js',
      exec_mode: 'fork',
      instances: 1,
      node_args: ['--max-old-space-size=320', '--enable-source-maps'],
      max_memory_restart: '400M',
      // Jobs are idempotent and re-enqueued by the relay, so a job cut short by a stop is not lost.
      kill_timeout: 30000,
      autorestart: true,
      exp_backoff_restart_delay: 100,
      ...logs('oslrs-worker'),
      env: { ...baseEnv, ...logFile('oslrs-worker') },
    },
    // Nightly backup (scripts by the backup work: `npm run backup` / `npm run restore`, RUNBOOK.md).
    // Uncomment once `npm run backup` exists; PM2 starts it at 02:00 and it exits when done.
    // {
    //   name: 'oslrs-backup',
    //   cwd: ROOT,
    //   script: 'npm',
    //   args: 'run backup',
    //   exec_mode: 'fork',
    //   instances: 1,
    //   cron_restart: '0 2 * * *',
    //   autorestart: false,
    //   ...logs('oslrs-backup'),
    //   env: { ...baseEnv },
    // },
  ].filter(Boolean),
};
