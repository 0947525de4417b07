import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  checkNinBodySchema,
  checkNinResponseSchema,
  completeNinBodySchema,
  completeNinResponseSchema,
} from '@oslrs/core';
import { actorOf } from '../../access/index.js';
import type { SubmissionService } from '../submissions/index.js';
import type { RespondentService } from './service.js';

export const respondentRoutes: FastifyPluginAsyncZod<{
  respondents: RespondentService;
  submissions: SubmissionService;
}> = async (app, { respondents }) => {
  app.post(
    '/forms/check-nin',
    {
      config: { access: 'authenticated', rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        tags: ['forms'],
        summary:
          'Is this NIN well-formed and still free? Staff also learn when and through which channel it was registered',
        body: checkNinBodySchema,
        response: { 200: checkNinResponseSchema },
      },
    },
    async (request) => respondents.checkNin(actorOf(request), request.body.nin),
  );

  app.post(
    '/respondents/complete-nin',
    {
      config: { access: 'public', rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['respondents'],
        summary: 'Complete a pending_nin_capture registration with the emailed one-time link',
        body: completeNinBodySchema,
        response: { 200: completeNinResponseSchema },
      },
    },
    async (request) => ({
      respondent: await respondents.completeNin(actorOf(request), request.body.token, request.body.nin),
    }),
  );
};
