import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  batchBodySchema,
  batchResponseSchema,
  correctionsResponseSchema,
  reviewBodySchema,
  reviewDetailResponseSchema,
  reviewListQuerySchema,
  reviewListResponseSchema,
  reviewResponseSchema,
  mySubmissionsQuerySchema,
  mySubmissionsResponseSchema,
  residentCorrectionsResponseSchema,
  submissionBodySchema,
  submissionStatusSchema,
  uuidParamSchema,
} from '@oslrs/core';
import { actorOf } from '../../access/index.js';
import type { SubmissionService } from './service.js';
import type { ReviewService } from './review.js';

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
/** Who oversees collected work: the review list and a submission's answers (officials read only). */
const OVERSEERS = ['super_admin', 'supervisor', 'verification_assessor', 'government_official'] as const;
/** Who decides on a submission; the access helper narrows a supervisor to their LGA. */
const REVIEWERS = ['super_admin', 'supervisor', 'verification_assessor'] as const;

export const submissionRoutes: FastifyPluginAsyncZod<{
  submissions: SubmissionService;
  review: ReviewService;
  batchLimit: number;
}> = async (app, { submissions, review, batchLimit }) => {
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
    '/submissions/review',
    {
      config: { access: OVERSEERS },
      schema: {
        tags: ['review'],
        summary:
          'The review list in your scope (a supervisor: their LGA), newest first or most suspicious first (sort=score); cursor paging',
        querystring: reviewListQuerySchema,
        response: { 200: reviewListResponseSchema },
      },
    },
    async (request) => review.list(actorOf(request), request.query),
  );

  app.get(
    '/submissions/corrections',
    {
      config: { access: ['enumerator', 'data_entry_clerk'] },
      schema: {
        tags: ['review'],
        summary: "Your surveys returned for correction, with their answers and the reviewer's comment",
        response: { 200: correctionsResponseSchema },
      },
    },
    async (request) => review.corrections(actorOf(request)),
  );

  app.get(
    '/submissions/:id/review',
    {
      config: { access: OVERSEERS },
      schema: {
        tags: ['review'],
        summary: 'One submission for review: its answers, fraud reasons and review state (audited)',
        params: uuidParamSchema,
        response: { 200: reviewDetailResponseSchema },
      },
    },
    async (request) => ({ submission: await review.detail(actorOf(request), request.params.id) }),
  );

  app.post(
    '/submissions/:id/review',
    {
      config: { access: REVIEWERS },
      schema: {
        tags: ['review'],
        summary:
          'Approve, reject or return for correction (reject and return need a comment); the same decision again is harmless, another is a 409',
        params: uuidParamSchema,
        body: reviewBodySchema,
        response: { 200: reviewResponseSchema },
      },
    },
    async (request) => review.decide(actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/me/registration/corrections',
    {
      config: { access: ['public_user'] },
      schema: {
        tags: ['self-service'],
        summary:
          "Ask for a correction of your registration: the public form's answers again (a fresh id), held for a reviewer; the record changes only once it is approved. One request waits at a time (409 CORRECTION_PENDING); the same id again returns the first result",
        body: submissionBodySchema,
        response: { 200: submissionStatusSchema, 202: submissionStatusSchema },
      },
    },
    async (request, reply) => {
      const { view, replay } = await submissions.requestCorrection(actorOf(request), request.body);
      return reply.status(replay ? 200 : 202).send(view);
    },
  );

  app.get(
    '/me/registration/corrections',
    {
      config: { access: ['public_user'] },
      schema: {
        tags: ['self-service'],
        summary: "Your correction requests, newest first: pending, approved or rejected with the reviewer's comment",
        response: { 200: residentCorrectionsResponseSchema },
      },
    },
    async (request, reply) => {
      // A resident's own data: not kept by a shared cache.
      void reply.header('cache-control', 'no-store');
      return { items: await submissions.myCorrections(actorOf(request)) };
    },
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
