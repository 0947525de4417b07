import { healthSchema, readinessSchema } from '@oslrs/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Runtime } from '../../runtime.js';

/** The one body /health answers, checked against its schema once, at start-up. */
const HEALTH_BODY = JSON.stringify(healthSchema.parse({ status: 'ok' }));

export const healthRoutes: FastifyPluginAsyncZod<{ runtime: Runtime }> = async (app, { runtime }) => {
  // Called constantly by load balancers: no I/O, no allocation beyond the reply. The body is the
  // schema's one possible value, written once: sent as JSON text, it skips the response serializer,
  // and a synchronous handler skips a promise per request.
  app.get(
    '/health',
    {
      config: { access: 'public', rateLimit: false },
      schema: { tags: ['health'], response: { 200: healthSchema } },
    },
    (_request, reply) => {
      // JSON text, not the object the type provider expects: sent as it is.
      void reply.type('application/json; charset=utf-8').send(HEALTH_BODY as never);
    },
  );

  app.get(
    '/health/ready',
    {
      config: { access: 'public', rateLimit: false },
      schema: {
        tags: ['health'],
        summary: 'PostgreSQL and Redis reachable',
        response: {
          200: readinessSchema,
          503: readinessSchema,
        },
      },
    },
    async (_request, reply) => {
      const probe = async (fn: () => Promise<void>) => {
        try {
          await Promise.race([
            fn(),
            new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
          ]);
          return { status: 'ok' as const };
        } catch (err) {
          return { status: 'down' as const, error: (err as Error).message.slice(0, 200) };
        }
      };
      const database = await probe(() => runtime.database.ping());
      const redis = runtime.redis
        ? await probe(async () => void (await runtime.redis!.ping()))
        : { status: 'not_configured' as const };
      const ok = database.status === 'ok' && redis.status !== 'down';
      const status = ok ? ('ok' as const) : ('down' as const);
      // In production the public learns up or down, not which dependency failed or why.
      if (!runtime.config.healthDetails) return reply.status(ok ? 200 : 503).send({ status });
      return reply.status(ok ? 200 : 503).send({ status, database, redis });
    },
  );
};
