import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import {
  createPartnerKeyBodySchema,
  insightsSchema,
  partnerKeyCreatedSchema,
  partnerKeyListSchema,
  partnerKeyResponseSchema,
  partnerRespondentPageSchema,
  partnerRespondentsQuerySchema,
  partnerSkillsSchema,
  uuidParamSchema,
} from '@oslrs/core';
import { actorOf } from '../../access/index.js';
import type { RespondentService } from '../respondents/index.js';
import type { PartnerService } from './service.js';

/** The OpenAPI tag and security scheme of every partner endpoint (declared in app.ts). */
export const PARTNER_TAG = 'partner';
export const PARTNER_SECURITY = [{ partnerKey: [] }];

/** Partner keys, managed by super admins. */
export const partnerKeyRoutes: FastifyPluginAsyncZod<{ partners: PartnerService }> = async (app, { partners }) => {
  const admin = ['super_admin'] as const;
  app.post(
    '/partner-keys',
    {
      config: { access: admin },
      schema: {
        tags: ['partner-keys'],
        summary: 'Create a partner key; the key is in this answer only (stored as a keyed hash)',
        body: createPartnerKeyBodySchema,
        response: { 201: partnerKeyCreatedSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await partners.create(actorOf(request), request.body)),
  );
  app.get(
    '/partner-keys',
    {
      config: { access: admin },
      schema: {
        tags: ['partner-keys'],
        summary: 'Partner keys without secrets, with their use (calls, last call)',
        response: { 200: partnerKeyListSchema },
      },
    },
    async (request) => ({ items: await partners.list(actorOf(request)) }),
  );
  app.post(
    '/partner-keys/:id/rotate',
    {
      config: { access: admin },
      schema: {
        tags: ['partner-keys'],
        summary: 'A new key with the same grant; the old one works 7 more days (Deprecation/Sunset headers)',
        params: uuidParamSchema,
        response: { 201: partnerKeyCreatedSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await partners.rotate(actorOf(request), request.params.id)),
  );
  app.delete(
    '/partner-keys/:id',
    {
      config: { access: admin },
      schema: {
        tags: ['partner-keys'],
        summary: 'Revoke a key at once, in every API process',
        params: uuidParamSchema,
        response: { 200: partnerKeyResponseSchema },
      },
    },
    async (request) => ({ partnerKey: await partners.revoke(actorOf(request), request.params.id) }),
  );
};

/**
 * What partner agencies read, with `Authorization: Bearer oslrs_pk_…` (the access plugin resolves the
 * key; the services check its scopes and LGAs). Every call is audited before its answer leaves.
 */
export const partnerRoutes: FastifyPluginAsyncZod<{
  partners: PartnerService;
  respondents: RespondentService;
}> = async (app, { partners, respondents }) => {
  const rows = new WeakMap<FastifyRequest, number>();
  const access = 'partner' as const;

  app.addHook('onSend', async (request, reply, payload) => {
    const caller = request.partner;
    if (!caller) return payload;
    if (caller.deprecated) {
      // RFC 9745 (Deprecation: @epoch-seconds) and RFC 8594 (Sunset: HTTP-date).
      void reply.header('deprecation', `@${Math.floor(caller.deprecated.since.getTime() / 1000)}`);
      void reply.header('sunset', caller.deprecated.sunset.toUTCString());
    }
    // Refusals for being over the limit are not written one by one (a flood would become a write flood).
    if (reply.statusCode !== 429) {
      await partners.recordCall(caller.actor, {
        endpoint: `${request.method} ${request.routeOptions.url ?? request.url}`,
        status: reply.statusCode,
        filters: request.query ?? {},
        rows: rows.get(request) ?? 0,
      });
    }
    return payload;
  });

  app.get(
    '/partner/respondents',
    {
      config: { access },
      schema: {
        tags: [PARTNER_TAG],
        security: PARTNER_SECURITY,
        summary:
          'Respondents in the key’s LGAs, oldest change first (cursor-paged); NIN with respondents:nin, phone with respondents:phone',
        querystring: partnerRespondentsQuerySchema,
        response: { 200: partnerRespondentPageSchema },
      },
    },
    async (request) => {
      const page = await respondents.forPartner(request.partner!.actor, request.query);
      rows.set(request, page.items.length);
      return page;
    },
  );
  app.get(
    '/partner/insights',
    {
      config: { access },
      schema: {
        tags: [PARTNER_TAG],
        security: PARTNER_SECURITY,
        summary: 'Aggregate registry figures (small cells suppressed); by LGA only for the key’s LGAs',
        response: { 200: insightsSchema },
      },
    },
    async (request) => partners.insights(request.partner!.actor),
  );
  app.get(
    '/partner/skills',
    {
      config: { access },
      schema: {
        tags: [PARTNER_TAG],
        security: PARTNER_SECURITY,
        summary: 'The skills taxonomy: sectors and skills (ISCO-08 unit groups)',
        response: { 200: partnerSkillsSchema },
      },
    },
    async (request) => {
      const body = partners.skills(request.partner!.actor);
      rows.set(request, body.skills.length);
      return body;
    },
  );
};
