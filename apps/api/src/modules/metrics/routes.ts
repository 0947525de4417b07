import type { FastifyPluginAsync } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import { opsAlertsSchema } from '@oslrs/core';
import { mayScrape } from './http.js';
import type { OpsService } from './service.js';

/** `GET /api/v1/ops/alerts`: the seed's scaling triggers as this process sees them, for the super admin. */
export const opsRoutes: FastifyPluginAsyncZod<{ ops: OpsService }> = async (app, { ops }) => {
  app.get(
    '/ops/alerts',
    {
      config: { access: ['super_admin'] },
      schema: {
        tags: ['ops'],
        summary: 'Operations alerts: memory, API p95, job queue, field staff thresholds',
        response: { 200: opsAlertsSchema },
      },
    },
    async () => ({ alerts: await ops.alerts() }),
  );
};

/**
 * `GET /metrics` (Prometheus text) on the API's own port. Outside /api/v1 and not in the API docs;
 * anyone but loopback or the token holder gets what an unknown path gets, so it does not reveal itself.
 */
export const metricsRoutes: FastifyPluginAsync<{ registry: Registry; token: string | undefined }> = async (
  app,
  { registry, token },
) => {
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    // Refused: answer exactly as for a path that does not exist (the API's 404 JSON, or the web app).
    if (!mayScrape(request.socket.remoteAddress, request.headers, token)) return reply.callNotFound();
    const body = await registry.metrics();
    return reply.header('cache-control', 'no-store').type(registry.contentType).send(body);
  });
};
