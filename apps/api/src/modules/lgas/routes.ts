import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { lgaListSchema, LGAS } from '@oslrs/core';

const body = { items: LGAS.map((l) => ({ code: l.code, name: l.name })) };

export const lgaRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/lgas',
    {
      config: { access: 'public' },
      schema: { tags: ['reference'], summary: "Oyo State's 33 LGAs", response: { 200: lgaListSchema } },
    },
    async (_request, reply) => reply.header('cache-control', 'public, max-age=86400').send(body),
  );
};
