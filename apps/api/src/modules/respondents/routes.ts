import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  checkNinBodySchema,
  checkNinResponseSchema,
  completeNinBodySchema,
  completeNinResponseSchema,
  respondentDetailResponseSchema,
  uuidParamSchema,
} from '@oslrs/core';
import { actorOf } from '../../access/index.js';
import type { SubmissionService } from '../submissions/index.js';
import { toRespondentDetail, type RespondentService } from './service.js';

/** Roles that may open a respondent's record; the access helper narrows supervisors to their LGA. */
const OVERSEERS = ['super_admin', 'supervisor', 'verification_assessor', 'government_official'] as const;

export const respondentRoutes: FastifyPluginAsyncZod<{
  respondents: RespondentService;
  submissions: SubmissionService;
}> = async (app, { respondents, submissions }) => {
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

  app.get(
    '/respondents/:id',
    {
      config: { access: OVERSEERS },
      schema: {
        tags: ['respondents'],
        summary: "One respondent's record and submissions (audited; NIN masked except for super admins and assessors)",
        params: uuidParamSchema,
        response: { 200: respondentDetailResponseSchema },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const row = await respondents.get(actor, request.params.id);
      return { respondent: toRespondentDetail(row, await submissions.forRespondent(actor, row.id)) };
    },
  );
};
