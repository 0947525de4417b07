import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  acceptedResponseSchema,
  marketplaceOptionsResponseSchema,
  marketplaceProfileResponseSchema,
  marketplaceSearchQuerySchema,
  marketplaceSearchResponseSchema,
  revealBodySchema,
  revealLogQuerySchema,
  revealLogResponseSchema,
  revealResponseSchema,
  searcherRegisterBodySchema,
  searcherStatusResponseSchema,
  searcherVerifyBodySchema,
} from '@oslrs/core';
import { actorOf } from '../../access/index.js';
import type { MarketplaceService } from './service.js';

const profileParams = z.object({ id: z.uuid({ message: 'Not a profile id' }) });

export interface MarketplaceRoutesOptions {
  marketplace: MarketplaceService;
  searchesPerMinute: number;
}

export const marketplaceRoutes: FastifyPluginAsyncZod<MarketplaceRoutesOptions> = async (
  app,
  { marketplace, searchesPerMinute },
) => {
  // Public reads are limited per address whoever is signed in (a crawler with an account is still one
  // address): 30 a minute for the search (SPEC limits), the same for single profiles.
  const perIp = {
    max: searchesPerMinute,
    timeWindow: '1 minute',
    keyGenerator: (request: { ip: string }) => `mkt:${request.ip}`,
  };

  app.get(
    '/marketplace/options',
    {
      config: { access: 'public' },
      schema: {
        tags: ['marketplace'],
        summary: "The search filters' choices: skills, sectors and experience bands",
        response: { 200: marketplaceOptionsResponseSchema },
      },
    },
    async (_request, reply) => {
      void reply.header('cache-control', 'public, max-age=300');
      return marketplace.options();
    },
  );

  app.get(
    '/marketplace/profiles',
    {
      config: { access: 'public', rateLimit: perIp },
      schema: {
        tags: ['marketplace'],
        summary:
          'Search anonymous worker profiles (no sign-in): free text ranked on profession and skills, filters, cursor paging; never a name or contact',
        querystring: marketplaceSearchQuerySchema,
        response: { 200: marketplaceSearchResponseSchema },
      },
    },
    async (request) => marketplace.search(actorOf(request), request.query),
  );

  app.get(
    '/marketplace/profiles/:id',
    {
      config: { access: 'public', rateLimit: perIp },
      schema: {
        tags: ['marketplace'],
        summary: 'One anonymous profile',
        params: profileParams,
        response: { 200: marketplaceProfileResponseSchema },
      },
    },
    async (request) => ({ profile: await marketplace.profile(actorOf(request), request.params.id) }),
  );

  app.post(
    '/marketplace/profiles/:id/reveal',
    {
      config: { access: ['searcher'], rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        tags: ['marketplace'],
        summary:
          "A verified searcher reveals a worker's name and contact (only with the worker's second consent); logged; 50 a day",
        params: profileParams,
        body: revealBodySchema,
        response: { 200: revealResponseSchema },
      },
    },
    async (request) => marketplace.reveal(actorOf(request), request.params.id, request.body.purpose),
  );

  app.get(
    '/marketplace/reveals',
    {
      config: { access: ['super_admin'] },
      schema: {
        tags: ['marketplace'],
        summary: 'Every contact reveal, newest first: searcher, profile, time, address, purpose',
        querystring: revealLogQuerySchema,
        response: { 200: revealLogResponseSchema },
      },
    },
    async (request) => marketplace.revealLog(actorOf(request), request.query.cursor, request.query.limit),
  );

  app.post(
    '/searchers/register',
    {
      config: { access: 'public', rateLimit: { max: 5, timeWindow: '1 minute' } },
      schema: {
        tags: ['marketplace'],
        summary:
          'Register a marketplace searcher account (terms accepted and recorded); a link to confirm the email comes by email',
        body: searcherRegisterBodySchema,
        response: { 201: acceptedResponseSchema },
      },
    },
    async (request, reply) => {
      await marketplace.registerSearcher(actorOf(request), request.body);
      return reply.status(201).send({
        message: 'Account created. Check your email for the link that confirms your address, then sign in.',
      });
    },
  );

  app.post(
    '/searchers/verify',
    {
      config: { access: 'public', rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        tags: ['marketplace'],
        summary: "Confirm a searcher's email with the emailed token",
        body: searcherVerifyBodySchema,
        response: { 200: acceptedResponseSchema },
      },
    },
    async (request) => {
      await marketplace.verifySearcher(actorOf(request), request.body.token);
      return { message: 'Your email address is confirmed. Sign in to reveal contact details.' };
    },
  );

  app.get(
    '/searchers/me',
    {
      config: { access: ['searcher'] },
      schema: {
        tags: ['marketplace'],
        summary: "The signed-in searcher's account: email confirmed, terms, reveals used today",
        response: { 200: searcherStatusResponseSchema },
      },
    },
    async (request) => ({ searcher: await marketplace.searcherStatus(actorOf(request)) }),
  );
};
