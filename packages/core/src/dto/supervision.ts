import { z } from 'zod';
import { isLgaCode } from '../lgas.js';
import { opsAlertSchema } from './ops.js';
import { text } from './common.js';

/**
 * Supervision: an LGA team's progress against targets, an enumerator's own progress, messages
 * between a supervisor and their enumerators, and the admin's landing overview.
 *
 * Days and weeks are West Africa Time (UTC+1, no daylight saving); a week starts on Monday.
 */
export const SUPERVISION_TIME_ZONE = 'Africa/Lagos';

/** Bounds of a target: what one enumerator can plausibly do (a survey takes 10–20 minutes). */
export const TARGET_LIMITS = { dailyMax: 100, weeklyMax: 700 } as const;

export const targetSchema = z.object({
  daily: z.number().int(),
  weekly: z.number().int(),
});
export type Target = z.infer<typeof targetSchema>;

export const setTargetBodySchema = z
  .strictObject({
    daily: z.number().int().min(0).max(TARGET_LIMITS.dailyMax),
    weekly: z.number().int().min(0).max(TARGET_LIMITS.weeklyMax),
  })
  .refine((t) => t.weekly >= t.daily, { message: 'The weekly target cannot be below the daily one', path: ['weekly'] })
  .refine((t) => t.weekly <= t.daily * 7 || t.daily === 0, {
    message: 'The weekly target cannot exceed seven days at the daily target',
    path: ['weekly'],
  });
export type SetTargetBody = z.infer<typeof setTargetBodySchema>;
export const setTargetResponseSchema = z.object({
  enumeratorId: z.string(),
  target: targetSchema,
  updatedAt: z.string(),
});

export const teamQuerySchema = z.strictObject({
  /** Super admins choose an LGA (all LGAs when absent); a supervisor's own LGA is implied. */
  lga: text()
    .refine((c) => isLgaCode(c), 'Unknown LGA code')
    .optional(),
});
export type TeamQuery = z.infer<typeof teamQuerySchema>;

export const FLAGGED_BANDS = ['medium', 'high', 'critical'] as const;

export const teamMemberSchema = z.object({
  id: z.string(),
  fullName: z.string(),
  lga: z.string().nullable(),
  status: z.string(),
  target: targetSchema.nullable(),
  today: z.number().int(),
  week: z.number().int(),
  /** The newest submission this enumerator's device delivered (received_at): their last successful sync. */
  lastSyncAt: z.string().nullable(),
  /** This week's submissions scored medium, high or critical. */
  flagged: z.number().int(),
  /** This week's submissions the registry refused (ingestion) or a reviewer rejected. */
  rejected: z.number().int(),
  /** This week's submissions sent back for correction. */
  returned: z.number().int(),
  /** Submissions per day over the last seven days, oldest first (same days as `days`). */
  series: z.array(z.number().int()),
});
export type TeamMember = z.infer<typeof teamMemberSchema>;

export const gpsPointSchema = z.object({
  submissionId: z.string(),
  enumeratorId: z.string(),
  lat: z.number(),
  lng: z.number(),
  accuracy: z.number().nullable(),
  completedAt: z.string(),
  band: z.string().nullable(),
});
export type GpsPoint = z.infer<typeof gpsPointSchema>;

export const teamResponseSchema = z.object({
  lga: z.string().nullable(),
  /** The seven days of the series (YYYY-MM-DD, West Africa Time), oldest first; the last is today. */
  days: z.array(z.string()),
  weekStart: z.string(),
  members: z.array(teamMemberSchema),
  totals: z.object({
    today: z.number().int(),
    week: z.number().int(),
    flagged: z.number().int(),
    series: z.array(z.number().int()),
  }),
  /** Today's GPS fixes of the team (at most 500, newest first). */
  points: z.array(gpsPointSchema),
  /** Map tiles for the page (`{z}/{x}/{y}` template), or null: the page then plots the points without a map. */
  tileUrl: z.string().nullable(),
});
export type TeamResponse = z.infer<typeof teamResponseSchema>;

export const progressResponseSchema = z.object({
  target: targetSchema.nullable(),
  today: z.number().int(),
  week: z.number().int(),
  returned: z.number().int(),
  rejected: z.number().int(),
  unread: z.number().int(),
  days: z.array(z.string()),
  series: z.array(z.number().int()),
  asOf: z.string(),
});
export type ProgressResponse = z.infer<typeof progressResponseSchema>;

// --- messages -------------------------------------------------------------------------------------

/** A message is a short note, not a document: 2,000 characters. */
export const MESSAGE_MAX_LENGTH = 2000;

export const sendMessageBodySchema = z.strictObject({
  /** A user id, or "team": a supervisor's whole team, an enumerator's supervisor(s). */
  to: z.union([z.literal('team'), z.uuid()]),
  body: text({ multiline: true })
    .trim()
    .min(1, 'Write a message')
    .max(MESSAGE_MAX_LENGTH, `At most ${MESSAGE_MAX_LENGTH} characters`),
});
export type SendMessageBody = z.infer<typeof sendMessageBodySchema>;

const personSchema = z.object({ id: z.string(), fullName: z.string() });

export const messageSchema = z.object({
  id: z.string(),
  /** `in`: received by the caller; `out`: sent by the caller. */
  direction: z.enum(['in', 'out']),
  from: personSchema,
  /** One person, or a team broadcast (with how many received it). */
  to: z.union([
    z.object({ kind: z.literal('user'), id: z.string(), fullName: z.string() }),
    z.object({ kind: z.literal('team'), recipients: z.number().int() }),
  ]),
  body: z.string(),
  createdAt: z.string(),
  /** For received messages: when the caller read it (null = unread). Always null for sent ones. */
  readAt: z.string().nullable(),
});
export type Message = z.infer<typeof messageSchema>;

export const MESSAGE_CURSOR = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const listMessagesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: text().regex(MESSAGE_CURSOR, 'Use the nextCursor of the previous page').optional(),
});
export type ListMessagesQuery = z.infer<typeof listMessagesQuerySchema>;

export const messagePageSchema = z.object({
  items: z.array(messageSchema),
  nextCursor: z.string().nullable(),
  unread: z.number().int(),
});
export type MessagePage = z.infer<typeof messagePageSchema>;

export const sendMessageResponseSchema = z.object({ message: messageSchema });

export const unreadResponseSchema = z.object({
  unread: z.number().int(),
  /** The newest received message's id (null when none): a change means "fetch the list". */
  latest: z.string().nullable(),
});
export type UnreadResponse = z.infer<typeof unreadResponseSchema>;

/** Whom the caller may write to: a supervisor's enumerators, an enumerator's supervisors. */
export const contactsResponseSchema = z.object({ items: z.array(personSchema) });

// --- admin landing ----------------------------------------------------------------------------------

export const adminOverviewSchema = z.object({
  submissions: z.object({
    today: z.number().int(),
    week: z.number().int(),
    /** Received but not yet processed by the ingest job. */
    pendingIngest: z.number().int(),
  }),
  /** Flagged (medium or worse) in the last 30 days and not yet reviewed. */
  flaggedWaiting: z.number().int(),
  /** The background job queue (null when it cannot be read). */
  queue: z
    .object({
      waiting: z.number().int(),
      active: z.number().int(),
      delayed: z.number().int(),
      failed: z.number().int(),
    })
    .nullable(),
  alerts: z.array(opsAlertSchema),
  asOf: z.string(),
});
export type AdminOverview = z.infer<typeof adminOverviewSchema>;
