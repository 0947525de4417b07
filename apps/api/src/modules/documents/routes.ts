import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  cardCheckSchema,
  codeParamSchema,
  documentQuerySchema,
  isLgaCode,
  registrationCheckSchema,
  staffCardsQuerySchema,
  uuidParamSchema,
} from '@oslrs/core';
import { actorOf } from '../../access/index.js';
import type { DocumentService } from './service.js';
import { localeOf } from '../../i18n/texts.js';

const OVERSEERS = ['super_admin', 'supervisor', 'verification_assessor', 'government_official'] as const;
const admin = ['super_admin'] as const;

const cardsQuery = staffCardsQuerySchema.refine((q) => !q.lga || isLgaCode(q.lga), {
  message: 'Unknown LGA code',
  path: ['lga'],
});

function sendPdf(reply: FastifyReply, pdf: Buffer, fileName: string) {
  return reply
    .header('content-type', 'application/pdf')
    .header('content-disposition', `inline; filename="${fileName}"`)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send(pdf);
}

const localeFor = (request: FastifyRequest<{ Querystring: { lang?: string } }>) =>
  localeOf(request.query.lang, request.headers['accept-language']);

/**
 * Registration slips, staff ID cards (PDF) and the public checks their QR codes open. The checks are
 * public and rate-limited per address (`verifyPerMinute`): a registration check answers only that the
 * reference exists and its status; a card check whose card it is and whether it stands today.
 */
export const documentRoutes: FastifyPluginAsyncZod<{ documents: DocumentService; verifyPerMinute: number }> = async (
  app,
  { documents, verifyPerMinute },
) => {
  app.get(
    '/me/registration/slip.pdf',
    {
      config: { access: ['public_user'], rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags: ['self-service'],
        summary:
          "The signed-in resident's registration slip (PDF): name, reference, LGA, date, status and a QR code to its public check",
        querystring: documentQuerySchema,
      },
    },
    async (request, reply) => {
      const { pdf, reference } = await documents.ownSlip(actorOf(request), localeFor(request));
      return sendPdf(reply, pdf, `registration-${reference}.pdf`);
    },
  );

  app.get(
    '/respondents/:id/slip.pdf',
    {
      config: { access: OVERSEERS },
      schema: {
        tags: ['respondents'],
        summary:
          "A respondent's registration slip (PDF) for a paper registration: as reading that record (supervisors: own LGA); audited",
        params: uuidParamSchema,
        querystring: documentQuerySchema,
      },
    },
    async (request, reply) => {
      const { pdf, reference } = await documents.staffSlip(actorOf(request), request.params.id, localeFor(request));
      return sendPdf(reply, pdf, `registration-${reference}.pdf`);
    },
  );

  app.get(
    '/submissions/:id/slip.pdf',
    {
      config: { access: ['data_entry_clerk'], rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags: ['submissions'],
        summary:
          "The registration slip (PDF) of a paper form the signed-in clerk typed, once it is registered: another's form or an unknown id 404; still processing 409 SUBMISSION_NOT_REGISTERED; rejected 409 SUBMISSION_REJECTED (details.reason); audited",
        params: uuidParamSchema,
        querystring: documentQuerySchema,
      },
    },
    async (request, reply) => {
      const { pdf, reference } = await documents.clerkSlip(actorOf(request), request.params.id, localeFor(request));
      return sendPdf(reply, pdf, `registration-${reference}.pdf`);
    },
  );

  app.get(
    '/staff/cards.pdf',
    {
      config: { access: admin },
      schema: {
        tags: ['staff'],
        summary:
          'ID cards for a filtered staff list (the list’s filters), ten to an A4 sheet; more than 200 is a 400 TOO_MANY_CARDS; audited',
        querystring: cardsQuery,
      },
    },
    async (request, reply) => {
      const { lang, ...filter } = request.query;
      const { pdf } = await documents.staffCards(
        actorOf(request),
        filter,
        localeOf(lang, request.headers['accept-language']),
      );
      return sendPdf(reply, pdf, 'staff-cards.pdf');
    },
  );

  app.get(
    '/staff/:id/card.pdf',
    {
      config: { access: admin },
      schema: {
        tags: ['staff'],
        summary: "A staff member's ID card (PDF, bank-card size): name, role, LGA, card number, expiry, QR; audited",
        params: uuidParamSchema,
        querystring: documentQuerySchema,
      },
    },
    async (request, reply) => {
      const { pdf, cardNumber } = await documents.staffCard(actorOf(request), request.params.id, localeFor(request));
      return sendPdf(reply, pdf, `card-${cardNumber}.pdf`);
    },
  );

  const verify = { access: 'public' as const, rateLimit: { max: verifyPerMinute, timeWindow: '1 minute' } };

  app.get(
    '/verify/registration/:code',
    {
      config: verify,
      schema: {
        tags: ['verify'],
        summary:
          'Public: is this registration reference valid, and its status (no name, nothing personal). 400 when malformed or mistyped, 404 when unknown',
        params: codeParamSchema,
        response: { 200: registrationCheckSchema },
      },
    },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      return documents.checkRegistration(request.params.code);
    },
  );

  app.get(
    '/verify/:code',
    {
      config: verify,
      schema: {
        tags: ['verify'],
        summary:
          'Public: a staff ID card’s check: { valid, name, role, lga } — valid is false as soon as the account is deactivated or suspended, or the card expired',
        params: codeParamSchema,
        response: { 200: cardCheckSchema },
      },
    },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      return documents.checkCard(request.params.code);
    },
  );
};
