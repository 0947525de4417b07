import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  bioBodySchema,
  consentBodySchema,
  consentResponseSchema,
  myRegistrationResponseSchema,
  checkNinBodySchema,
  checkNinResponseSchema,
  completeNinBodySchema,
  completeNinResponseSchema,
  duplicatesQuerySchema,
  duplicatesResponseSchema,
  resolveDuplicateBodySchema,
  resolveDuplicateResponseSchema,
  respondentDetailResponseSchema,
  respondentListQuerySchema,
  respondentListResponseSchema,
  uuidParamSchema,
  verificationBodySchema,
  verificationQueueQuerySchema,
  verificationQueueResponseSchema,
  verificationResponseSchema,
} from '@oslrs/core';
import { actorOf } from '../../access/index.js';
import type { RegistryService } from './oversight.js';
import type { RespondentService } from './service.js';
import type { SelfService } from './self-service.js';

/** Roles that may open a respondent's record; the access helper narrows supervisors to their LGA. */
const OVERSEERS = ['super_admin', 'supervisor', 'verification_assessor', 'government_official'] as const;
/** The verification and duplicates queues: assessors and super admins. */
const ASSESSORS = ['super_admin', 'verification_assessor'] as const;

export const respondentRoutes: FastifyPluginAsyncZod<{
  respondents: RespondentService;
  registry: RegistryService;
  self: SelfService;
}> = async (app, { respondents, registry, self }) => {
  app.get(
    '/me/registration',
    {
      config: { access: ['public_user'] },
      schema: {
        tags: ['self-service'],
        summary:
          'What the registry holds about the signed-in resident: record, answers, status, reference, consents, profile, who revealed their contact',
        response: { 200: myRegistrationResponseSchema },
      },
    },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      return { registration: await self.registration(actorOf(request)) };
    },
  );

  app.put(
    '/me/consent',
    {
      config: { access: ['public_user'], rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags: ['self-service'],
        summary:
          'Set both marketplace consents; withdrawing the first withdraws both and removes the profile in the same transaction',
        body: consentBodySchema,
        response: { 200: consentResponseSchema },
      },
    },
    async (request) => self.setConsent(actorOf(request), request.body),
  );

  app.put(
    '/me/bio',
    {
      config: { access: ['public_user'], rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags: ['self-service'],
        summary: "The short line shown on the resident's marketplace profile (null clears it)",
        body: bioBodySchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await self.setBio(actorOf(request), request.body.bio);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/respondents',
    {
      config: { access: OVERSEERS },
      schema: {
        tags: ['respondents'],
        summary:
          'Browse the registry within your scope (supervisors: own LGA), newest first; q = words of a name, or an exact NIN or phone number. Audited per page',
        querystring: respondentListQuerySchema,
        response: { 200: respondentListResponseSchema },
      },
    },
    async (request) => registry.list(actorOf(request), request.query),
  );

  app.get(
    '/verification/queue',
    {
      config: { access: ASSESSORS },
      schema: {
        tags: ['verification'],
        summary: 'Undecided records flagged medium or above, plus a stable random sample of clean ones (flagged first)',
        querystring: verificationQueueQuerySchema,
        response: { 200: verificationQueueResponseSchema },
      },
    },
    async (request) => registry.queue(actorOf(request), request.query),
  );

  app.post(
    '/respondents/:id/verification',
    {
      config: { access: ASSESSORS },
      schema: {
        tags: ['verification'],
        summary: 'Verify or reject a record (a reason is required to reject); a different second decision is a 409',
        params: uuidParamSchema,
        body: verificationBodySchema,
        response: { 200: verificationResponseSchema },
      },
    },
    async (request) => registry.decide(actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/respondents/duplicates',
    {
      config: { access: ASSESSORS },
      schema: {
        tags: ['respondents'],
        summary: 'Likely duplicates (same phone, or same name + date of birth + LGA) waiting for a decision',
        querystring: duplicatesQuerySchema,
        response: { 200: duplicatesResponseSchema },
      },
    },
    async (request) => registry.duplicates(actorOf(request), request.query),
  );

  app.post(
    '/respondents/duplicates/:id/resolve',
    {
      config: { access: ASSESSORS },
      schema: {
        tags: ['respondents'],
        summary: 'Mark a pair distinct (it never comes back) or merge it (every submission moves to the kept record)',
        params: uuidParamSchema,
        body: resolveDuplicateBodySchema,
        response: { 200: resolveDuplicateResponseSchema },
      },
    },
    async (request) => registry.resolve(actorOf(request), request.params.id, request.body),
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
        summary:
          "One respondent's record, submissions with fraud scores and history (audited; NIN masked except for super admins and assessors)",
        params: uuidParamSchema,
        response: { 200: respondentDetailResponseSchema },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const row = await respondents.get(actor, request.params.id);
      return { respondent: await registry.detail(actor, row) };
    },
  );
};
