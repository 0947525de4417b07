import { z } from 'zod';
import { text } from './common.js';

/** The gateway's own form fields (Africa's Talking convention), as the USSD callback reads them. */
export const ussdCallbackBodySchema = z.object({
  sessionId: text().min(1).max(128),
  serviceCode: text().max(32).default(''),
  phoneNumber: text().min(1).max(32),
  networkCode: text().max(16).default(''),
  /** Every answer so far joined by `*` ('' on the first request). Long ones get a clear END, not a 400. */
  text: z.string().max(10_000).default(''),
});
export type UssdCallbackBody = z.infer<typeof ussdCallbackBodySchema>;

/** The admin simulator: one request of a session, relayed to the real callback by the API. */
export const ussdSimulateBodySchema = z.object({
  sessionId: text()
    .regex(/^[\w-]{4,64}$/, 'Letters, digits, - and _ only (4–64)')
    .describe('Any id the simulator makes up for one dial'),
  phoneNumber: text()
    .regex(/^\+?\d{8,15}$/, 'A phone number in international form, e.g. +2348031234567')
    .describe('The number the network would report'),
  text: z.string().max(10_000).default(''),
});
export type UssdSimulateBody = z.infer<typeof ussdSimulateBodySchema>;
export const ussdSimulateResponseSchema = z.object({
  /** The callback's HTTP status (200 when it answered CON/END). */
  status: z.number().int(),
  /** The reply text exactly as the gateway would show it (beginning `CON ` or `END `). */
  reply: z.string(),
});
export type UssdSimulateResponse = z.infer<typeof ussdSimulateResponseSchema>;

export const smsOutboxQuerySchema = z.object({
  phone: text()
    .regex(/^\+?\d{8,15}$/, 'A phone number in international form')
    .optional(),
});
export const smsMessageSchema = z.object({
  id: z.string(),
  to: z.string(),
  /** Null once erased (sent through the aggregator, or its link expired). */
  text: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  transport: z.string().nullable(),
  lastError: z.string().nullable(),
});
export type SmsMessage = z.infer<typeof smsMessageSchema>;
export const smsOutboxResponseSchema = z.object({
  /** Which transport sends SMS here: `dev` records them only; `aggregator` sends them for real. */
  transport: z.enum(['dev', 'aggregator']),
  messages: z.array(smsMessageSchema),
});
export type SmsOutboxResponse = z.infer<typeof smsOutboxResponseSchema>;
