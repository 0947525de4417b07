import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  batchBodySchema,
  batchResponseSchema,
  checkNinBodySchema,
  checkNinResponseSchema,
  submissionBodySchema,
  submissionStatusSchema,
  uuidParamSchema,
} from '@oslrs/core';
import { actorOf } from '../context.js';
import type { RespondentService } from '../respondents/service.js';
import type { SubmissionService } from './service.js';

const SUBMITTERS = ['enumerator', 'data_entry_clerk', 'public_user'] as const;
/** An ISO date-time with offset, optionally followed by `_` and a submission id. */
const CURSOR =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})(_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?$/i;
const READERS = [
  'enumerator',
  'data_entry_clerk',
  'public_user',
  'super_admin',
  'supervisor',
  'verification_assessor',
] as const;

export const submissionRoutes: FastifyPluginAsyncZod<{
  submissions: SubmissionService;
  respondents: RespondentService;
}> = async (app, { submissions, respondents }) => {
  app.post(
    '/submissions',
    {
      config: { access: SUBMITTERS },
      schema: {
        tags: ['submissions'],
        summary:
          'Submit one completed survey; the same id again returns the first result, a different body with it is a 409',
        body: submissionBodySchema,
        response: { 200: submissionStatusSchema, 202: submissionStatusSchema },
      },
    },
    async (request, reply) => {
      const { view, replay } = await submissions.receive(request.user!, request.body);
      return reply.status(replay ? 200 : 202).send(view);
    },
  );

  app.post(
    '/submissions/batch',
    {
      config: { access: SUBMITTERS },
      bodyLimit: 5 * 1024 * 1024,
      schema: {
        tags: ['submissions'],
        summary: 'Up to 50 submissions at once (an offline outbox syncing); results per item',
        body: batchBodySchema,
        response: { 200: batchResponseSchema },
      },
    },
    async (request) => submissions.receiveBatch(request.user!, request.body.submissions),
  );

  app.get(
    '/submissions',
    {
      config: { access: SUBMITTERS },
      schema: {
        tags: ['submissions'],
        summary: 'Your own recent submissions and their server status (cursor paging)',
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(100).default(20),
          /** `nextCursor` from the previous page (`<completedAt>_<id>`; a bare completedAt is accepted too). */
          cursor: z
            .string()
            .regex(CURSOR, 'Use the nextCursor of the previous page')
            .refine((c) => !Number.isNaN(Date.parse(c.split('_')[0]!)), 'Use the nextCursor of the previous page')
            .optional(),
        }),
        response: {
          200: z.object({
            items: z.array(submissionStatusSchema.extend({ completedAt: z.string() })),
            nextCursor: z.string().nullable(),
          }),
        },
      },
    },
    async (request) => submissions.mine(request.user!, request.query.limit, request.query.cursor),
  );

  app.get(
    '/submissions/:id',
    {
      config: { access: READERS },
      schema: { tags: ['submissions'], params: uuidParamSchema, response: { 200: submissionStatusSchema } },
    },
    async (request) => submissions.status(request.params.id, request.user!),
  );

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
    async (request) => respondents.checkNin(request.user!, request.body.nin, actorOf(request)),
  );

  app.post(
    '/respondents/complete-nin',
    {
      config: { access: 'public', rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['respondents'],
        summary: 'Complete a pending_nin_capture registration with the emailed one-time link',
        body: z.object({ token: z.string().min(16).max(200), nin: z.string().max(40) }),
        response: { 200: z.object({ respondent: z.object({ id: z.uuid(), status: z.string() }) }) },
      },
    },
    async (request) => ({
      respondent: await respondents.completeNin(request.body.token, request.body.nin, actorOf(request)),
    }),
  );
};
