import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  batchBodySchema,
  batchResponseSchema,
  mySubmissionsQuerySchema,
  mySubmissionsResponseSchema,
  submissionBodySchema,
  submissionStatusSchema,
  uuidParamSchema,
} from '@oslrs/core';
import { actorOf } from '../../access/index.js';
import type { SubmissionService } from './service.js';

const SUBMITTERS = ['enumerator', 'data_entry_clerk', 'public_user'] as const;
/** Who may ask for one submission's status; the access helper narrows it to their own or their scope. */
const READERS = [
  'enumerator',
  'data_entry_clerk',
  'public_user',
  'super_admin',
  'supervisor',
  'verification_assessor',
] as const;

export const submissionRoutes: FastifyPluginAsyncZod<{ submissions: SubmissionService; batchLimit: number }> = async (
  app,
  { submissions, batchLimit },
) => {
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
      const { view, replay } = await submissions.receive(actorOf(request), request.body);
      return reply.status(replay ? 200 : 202).send(view);
    },
  );

  app.post(
    '/submissions/batch',
    {
      config: { access: SUBMITTERS },
      bodyLimit: batchLimit,
      schema: {
        tags: ['submissions'],
        summary: 'Up to 50 submissions at once (an offline outbox syncing); results per item',
        body: batchBodySchema,
        response: { 200: batchResponseSchema },
      },
    },
    async (request) => submissions.receiveBatch(actorOf(request), request.body.submissions),
  );

  app.get(
    '/submissions',
    {
      config: { access: SUBMITTERS },
      schema: {
        tags: ['submissions'],
        summary: 'Your own recent submissions and their server status (cursor paging)',
        querystring: mySubmissionsQuerySchema,
        response: { 200: mySubmissionsResponseSchema },
      },
    },
    async (request) => submissions.mine(actorOf(request), request.query.limit, request.query.cursor),
  );

  app.get(
    '/submissions/:id',
    {
      config: { access: READERS },
      schema: { tags: ['submissions'], params: uuidParamSchema, response: { 200: submissionStatusSchema } },
    },
    async (request) => submissions.status(actorOf(request), request.params.id),
  );
};
