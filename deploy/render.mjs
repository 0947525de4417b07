#!/usr/bin/env node
// Renders the NGINX templates in deploy/nginx/ (placeholders written __NAME__) into a directory laid
// out like /etc/nginx: nginx.conf, sites-available/oslrs.conf, sites-available/oslrs-tls.conf and
// snippets/oslrs-*.conf. provision.sh renders for production; tests/stack renders the same files with
// loopback ports and temporary paths, so what is tested is what ships.
//
//   node deploy/render.mjs --out /tmp/nginx-staging [NAME=value ...]
//
// Every value has a production default (below); a template that names an unknown placeholder, or a
// placeholder left unrendered, is an error rather than a silently broken config.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEMPLATE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'nginx');

/** Production values: Ubuntu 24.04's nginx package layout, the app in /opt/oslrs, PM2 on :3000. */
export const DEFAULTS = {
  API_HOST: '127.0.0.1',
  API_PORT: '3000',
  /**
   * More than one node: the API servers NGINX balances across, comma-separated `host:port` entries,
   * each optionally followed by NGINX server flags (`10.0.0.2:3000,10.0.0.3:3000,10.0.0.4:3000 down`).
   * Empty: the one local PM2 cluster at API_HOST:API_PORT. RUNBOOK.md, "When to add a node, and how".
   */
  API_NODES: '',
  /** Per server: failures within FAIL_TIMEOUT that take it out of rotation for FAIL_TIMEOUT (one server: ignored). */
  API_MAX_FAILS: '3',
  API_FAIL_TIMEOUT: '10s',
  LISTEN_PORT: '80',
  TLS_PORT: '443',
  /** Also listen on IPv6 ([::]); the stack test turns it off. */
  LISTEN_IPV6: 'true',
  SERVER_NAME: '_',
  WEB_ROOT: '/opt/oslrs/apps/web/dist',
  ACME_ROOT: '/var/www/letsencrypt',
  /** Where the snippets are installed (absolute: `include` resolves relative paths against the prefix). */
  CONF_DIR: '/etc/nginx/snippets',
  TLS_CERT: '', // default: /etc/letsencrypt/live/<SERVER_NAME>/fullchain.pem
  TLS_KEY: '', // default: /etc/letsencrypt/live/<SERVER_NAME>/privkey.pem
  PID_FILE: '/run/nginx.pid',
  LOG_DIR: '/var/log/nginx',
  TEMP_DIR: '/var/lib/nginx',
  /** Workers' user when the master runs as root; empty: no `user` line (an unprivileged master). */
  USER: 'www-data',
  /** What the main file includes: Debian's conf.d and sites-enabled, or the rendered site itself. */
  SITE_INCLUDES: '/etc/nginx/conf.d/*.conf /etc/nginx/sites-enabled/*',
};

const OUTPUTS = {
  'nginx.conf': 'nginx.conf',
  'oslrs.conf': 'sites-available/oslrs.conf',
  'oslrs-tls.conf': 'sites-available/oslrs-tls.conf',
};

function derived(values) {
  const v = { ...DEFAULTS, ...values };
  const live = `/etc/letsencrypt/live/${v.SERVER_NAME === '_' ? 'example.org' : v.SERVER_NAME.split(/\s+/)[0]}`;
  if (!v.TLS_CERT) v.TLS_CERT = `${live}/fullchain.pem`;
  if (!v.TLS_KEY) v.TLS_KEY = `${live}/privkey.pem`;
  // Placeholders that expand to whole directives.
  const nodes = (v.API_NODES || `${v.API_HOST}:${v.API_PORT}`)
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  v.API_SERVERS = nodes
    .map((n) => {
      const [addr, ...flags] = n.split(/\s+/);
      if (!/^[\w.[\]:-]+:\d+$/.test(addr)) throw new Error(`API_NODES: "${n}" is not host:port [flags]`);
      return `server ${[addr, ...flags, `max_fails=${v.API_MAX_FAILS}`, `fail_timeout=${v.API_FAIL_TIMEOUT}`].join(' ')};`;
    })
    .join('\n    ');
  v.USER_DIRECTIVE = v.USER ? `user ${v.USER};` : '# (no `user`: the master is not root)';
  v.SITE_INCLUDE_DIRECTIVES = v.SITE_INCLUDES.split(/\s+/)
    .filter(Boolean)
    .map((p) => `include ${p};`)
    .join('\n    ');
  const v6 = v.LISTEN_IPV6 === 'true';
  v.LISTEN_V6 = v6 ? `listen [::]:${v.LISTEN_PORT} default_server;` : '# (IPv6 listen off)';
  v.LISTEN_TLS_V6 = v6 ? `listen [::]:${v.TLS_PORT} ssl http2 default_server;` : '# (IPv6 listen off)';
  return v;
}

export function renderText(text, values, name = 'template') {
  const v = derived(values);
  const out = text.replace(/__([A-Z][A-Z0-9_]*)__/g, (whole, key) => {
    if (!(key in v)) throw new Error(`${name}: unknown placeholder ${whole}`);
    return String(v[key]);
  });
  const left = out.match(/__[A-Z][A-Z0-9_]*__/);
  if (left) throw new Error(`${name}: placeholder ${left[0]} left unrendered`);
  return out;
}

/** Renders every template into `outDir`; returns the written paths keyed by role. */
export function renderNginx(outDir, values = {}) {
  const out = resolve(outDir);
  const written = {};
  const write = (rel, text) => {
    const path = join(out, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return path;
  };
  for (const [src, rel] of Object.entries(OUTPUTS)) {
    written[src] = write(rel, renderText(readFileSync(join(TEMPLATE_DIR, src), 'utf8'), values, src));
  }
  for (const file of readdirSync(join(TEMPLATE_DIR, 'snippets'))) {
    const text = readFileSync(join(TEMPLATE_DIR, 'snippets', file), 'utf8');
    written[`snippets/${file}`] = write(join('snippets', file), renderText(text, values, file));
  }
  return written;
}

function main(argv) {
  const values = {};
  let outDir;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--out') outDir = argv[++i];
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(
        `usage: render.mjs --out DIR [NAME=value ...]\nnames: ${Object.keys(DEFAULTS).join(', ')}\n`,
      );
      return 0;
    } else if (/^[A-Z][A-Z0-9_]*=/.test(arg)) {
      const eq = arg.indexOf('=');
      const key = arg.slice(0, eq);
      if (!(key in DEFAULTS)) throw new Error(`unknown setting ${key} (known: ${Object.keys(DEFAULTS).join(', ')})`);
      values[key] = arg.slice(eq + 1);
    } else throw new Error(`unexpected argument ${arg}`);
  }
  if (!outDir) throw new Error('--out DIR is required');
  const written = renderNginx(outDir, values);
  for (const path of Object.values(written)) process.stdout.write(`${relative(process.cwd(), path) || path}\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`render.mjs: ${err.message}\n`);
    process.exitCode = 2;
  }
}
