import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fraudSettingsResponseSchema, fraudThresholdsSchema } from '@oslrs/core';
import { actorOf } from '../../access/index.js';
import type { FraudService } from './service.js';

export const fraudRoutes: FastifyPluginAsyncZod<{ fraud: FraudService }> = async (app, { fraud }) => {
  app.get(
    '/settings/fraud',
    {
      config: { access: ['super_admin', 'supervisor', 'verification_assessor'] },
      schema: {
        tags: ['fraud'],
        summary: 'Current fraud thresholds and their version',
        response: { 200: fraudSettingsResponseSchema },
      },
    },
    async () => fraud.settings(),
  );
  app.put(
    '/settings/fraud',
    {
      config: { access: ['super_admin'] },
      schema: {
        tags: ['fraud'],
        summary: 'New thresholds: a new version (old scores keep the version they were computed with)',
        body: fraudThresholdsSchema,
        response: { 200: fraudSettingsResponseSchema },
      },
    },
    async (request) => fraud.updateSettings(actorOf(request), request.body),
  );
};
