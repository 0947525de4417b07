import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, onResponseHookHandler } from 'fastify';
import type { Registry } from 'prom-client';
import type { RequestDurationHistogram, RouteSeries } from '../../infra/metrics.js';
import type { Runtime } from '../../runtime.js';

/**
 * Time every API route by its pattern (`/api/v1/staff/:id`, never the raw URL). The counters are
 * allocated here, once per route; the hook itself only reads `reply.elapsedTime` and increments.
 * Call before any route is registered.
 */
export function instrumentRoutes(app: FastifyInstance, histogram: RequestDurationHistogram) {
  app.addHook('onRoute', (route) => {
    // The API only: static files and the SPA shell are NGINX's in production.
    if (!route.url.startsWith('/api/')) return;
    const methods = [route.method].flat();
    const byMethod: Record<string, RouteSeries> = Object.create(null);
    for (const m of methods) byMethod[m] = histogram.series(m, route.url);
    const only = methods.length === 1 ? byMethod[methods[0]!] : undefined;
    const hook: onResponseHookHandler = function observeDuration(request, reply, done) {
      const series = only ?? byMethod[request.method];
      if (series) histogram.observe(series, reply.statusCode, reply.elapsedTime / 1000);
      done();
    };
    const existing = route.onResponse;
    route.onResponse = existing ? [...[existing].flat(), hook] : [hook];
  });
}

const FORWARDING_HEADERS = ['x-forwarded-for', 'x-real-ip', 'forwarded'] as const;

function isLoopback(address: string | undefined) {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Who may read the metrics: a caller on this machine that did not come through a proxy (NGINX on
 * loopback adds X-Forwarded-For, and a request it forwards is someone else's), or anyone with the
 * token. The token is compared as SHA-256 digests, so neither its length nor its content leaks
 * through timing.
 */
export function mayScrape(remoteAddress: string | undefined, headers: IncomingHttpHeaders, token: string | undefined) {
  if (isLoopback(remoteAddress) && FORWARDING_HEADERS.every((h) => headers[h] === undefined)) return true;
  if (!token) return false;
  const auth = headers.authorization;
  if (typeof auth !== 'string' || !auth.startsWith('Bearer ')) return false;
  return timingSafeEqual(digest(auth.slice(7).trim()), digest(token));
}

/** What an unknown route answers (plugins/errors.ts), so a refused caller learns nothing. */
export function notFoundBody(method: string, url: string) {
  return { error: { code: 'NOT_FOUND', message: `No route for ${method} ${url.split('?')[0]}` } };
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * A bare HTTP listener for /metrics, for a process whose main port is shared (PM2 cluster workers)
 * or that has none (the job worker). Same access rule as the API's /metrics.
 */
export async function serveMetrics(options: {
  registry: Registry;
  token: string | undefined;
  host: string;
  port: number;
}): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (
      path === '/metrics' &&
      (req.method === 'GET' || req.method === 'HEAD') &&
      mayScrape(req.socket.remoteAddress, req.headers, options.token)
    ) {
      options.registry.metrics().then(
        (body) => {
          res.writeHead(200, { 'content-type': options.registry.contentType, 'cache-control': 'no-store' });
          res.end(req.method === 'HEAD' ? undefined : body);
        },
        () => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'INTERNAL', message: 'Something went wrong on our side' } }));
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(notFoundBody(req.method ?? 'GET', req.url ?? '/')));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * This process's own metrics listener on `port`: the job worker's (METRICS_PORT) or a PM2 cluster
 * worker's (METRICS_PORT + 1 + instance). A port already taken is logged, not fatal: metrics must
 * never stop the registry from running.
 */
export async function startProcessMetrics(
  runtime: Pick<Runtime, 'metrics' | 'config' | 'log'>,
  port: number,
): Promise<MetricsServer | undefined> {
  const { host, token } = runtime.config.metrics;
  try {
    const server = await serveMetrics({ registry: runtime.metrics.registry, token, host, port });
    runtime.log.info({ host, port: server.port }, 'metrics listening');
    return server;
  } catch (err) {
    runtime.log.warn({ err: { message: (err as Error).message }, host, port }, 'metrics listener not started');
    return undefined;
  }
}
