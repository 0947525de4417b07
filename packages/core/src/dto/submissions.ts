import { z } from 'zod';
import { text, textProblem } from './common.js';
import { REVIEW_STATUSES } from '../review.js';
import { MAX_REPEAT_INSTANCES } from '../forms/schema.js';
import { MAX_ATTACHMENTS } from '../forms/media.js';
import { attachmentDeclarationSchema, attachmentProgressSchema } from './attachments.js';

export const MAX_ANSWERS = 1000;
export const MAX_BATCH = 50;
/** `ussd`: a resident on a feature phone, through the gateway callback (modules/channels). */
export const CHANNELS = ['enumerator', 'public', 'clerk', 'import', 'ussd'] as const;
export type Channel = (typeof CHANNELS)[number];
/** `awaiting_files`: the answers are kept, but not every attachment has arrived yet (not received until then). */
export const SUBMISSION_STATUSES = ['awaiting_files', 'received', 'ingested', 'rejected'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

export const geoPointSchema = z.object({
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  accuracy: z.number().min(0).max(1_000_000).optional(),
});

/** A string answer may be several lines (an address, a description); a choice of a multi-select is one. */
const scalarAnswerSchema = z.union([
  text({ multiline: true }).max(10_000),
  z.number().refine(Number.isFinite, 'Not a finite number'),
  z.boolean(),
  z.array(text().max(500)).max(1000),
  geoPointSchema,
  z.null(),
]);
/** A repeat's answer: one object per instance, keyed by its questions' names (a repeat inside holds its own). */
export type AnswerValueInput = z.infer<typeof scalarAnswerSchema> | { [name: string]: AnswerValueInput }[];
export const answerValueSchema: z.ZodType<AnswerValueInput> = z.lazy(() =>
  z.union([scalarAnswerSchema, z.array(z.record(text().min(1).max(64), answerValueSchema)).max(MAX_REPEAT_INSTANCES)]),
);

const isoDateTime = z.iso.datetime({ offset: true });

const submissionFields = {
  /** Made on the device (UUID): sending it twice is harmless. */
  id: z.uuid(),
  questionnaireVersionId: z.uuid(),
  answers: z
    .record(text().min(1).max(64), answerValueSchema, {
      // Name the reason, not only "Invalid key in record" (the path already names the answer).
      error: (issue) =>
        issue.code === 'invalid_key' ? `Answer name: ${issue.issues[0]?.message ?? 'not valid'}` : undefined,
    })
    .refine((a) => Object.keys(a).length <= MAX_ANSWERS, `At most ${MAX_ANSWERS} answers`),
  startedAt: isoDateTime,
  completedAt: isoDateTime,
  gps: z
    .object({
      lat: z.number().min(-90).max(90),
      lng: z.number().min(-180).max(180),
      accuracy: z.number().min(0).max(1_000_000),
    })
    .optional(),
  deviceId: text().min(1).max(200).optional(),
  /** The respondent has no NIN at hand: record as pending_nin_capture and complete it later. */
  ninDeferred: z.boolean().optional(),
  /** A correction: the id of the caller's own submission that a supervisor returned, which this one replaces. */
  replaces: z.uuid().optional(),
  /** The files of its media answers (each answer names one); it counts as received once all have arrived. */
  attachments: z.array(attachmentDeclarationSchema).max(MAX_ATTACHMENTS).optional(),
};
type BodyFields = z.infer<z.ZodObject<Omit<typeof submissionFields, 'answers'>>>;
/** The whole-body rules (after each field's own), shared by the schema and its quick path below. */
const attachmentsListedOnce = (s: BodyFields) =>
  new Set(s.attachments?.map((a) => a.name)).size === (s.attachments?.length ?? 0);
const notReplacingItself = (s: BodyFields) => s.replaces !== s.id;
const startedBeforeCompleted = (s: BodyFields) => Date.parse(s.startedAt) <= Date.parse(s.completedAt);
// A device clock may run a little fast; a survey completed tomorrow cannot be.
const completedNotInFuture = (s: BodyFields) => Date.parse(s.completedAt) <= Date.now() + 10 * 60_000;

export const submissionBodySchema = z
  .object(submissionFields)
  .refine(attachmentsListedOnce, { message: 'Each attachment is listed once', path: ['attachments'] })
  .refine(notReplacingItself, { message: 'A submission cannot replace itself', path: ['replaces'] })
  .refine(startedBeforeCompleted, { message: 'startedAt is after completedAt', path: ['startedAt'] })
  .refine(completedNotInFuture, { message: 'completedAt is in the future', path: ['completedAt'] });
export type SubmissionBody = z.infer<typeof submissionBodySchema>;

const hasOnlyStringKeys = (o: object) =>
  Object.getPrototypeOf(o) === Object.prototype && Object.getOwnPropertySymbols(o).length === 0;

/**
 * Whether `v` is an answer that `answerValueSchema` accepts and returns unchanged (deep-equal, same key
 * order): a plain scalar, a list of choices, or a geopoint written `lat, lng[, accuracy]`. Anything else
 * (a repeat, a geopoint with other keys or in another order, any value the schema would refuse) is false.
 */
function isPlainAnswer(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
      return v.length <= 10_000 && textProblem(v, true) === undefined;
    case 'number':
      return Number.isFinite(v);
    case 'boolean':
      return true;
    case 'object': {
      if (v === null) return true;
      if (Array.isArray(v)) {
        if (v.length > 1000) return false;
        for (const c of v) if (typeof c !== 'string' || c.length > 500 || textProblem(c) !== undefined) return false;
        return true;
      }
      if (!hasOnlyStringKeys(v)) return false;
      const keys = Object.keys(v);
      if (keys[0] !== 'lat' || keys[1] !== 'lng' || (keys.length === 3 ? keys[2] !== 'accuracy' : keys.length !== 2))
        return false;
      const { lat, lng, accuracy } = v as { lat: unknown; lng: unknown; accuracy?: unknown };
      return (
        typeof lat === 'number' &&
        Number.isFinite(lat) &&
        lat >= -90 &&
        lat <= 90 &&
        typeof lng === 'number' &&
        Number.isFinite(lng) &&
        lng >= -180 &&
        lng <= 180 &&
        (keys.length === 2 ||
          (typeof accuracy === 'number' && Number.isFinite(accuracy) && accuracy >= 0 && accuracy <= 1_000_000))
      );
    }
    default:
      return false;
  }
}

/** Whether the answers schema of `submissionBodySchema` accepts `a` and returns it unchanged. */
function isPlainAnswers(a: unknown): boolean {
  if (typeof a !== 'object' || a === null || Array.isArray(a) || !hasOnlyStringKeys(a)) return false;
  const keys = Object.keys(a);
  if (keys.length > MAX_ANSWERS) return false;
  for (const k of keys) {
    if (k.length < 1 || k.length > 64 || k === '__proto__' || textProblem(k) !== undefined) return false;
    if (!isPlainAnswer((a as Record<string, unknown>)[k])) return false;
  }
  return true;
}

const quickBodySchema = z.object({
  ...submissionFields,
  answers: z.custom<SubmissionBody['answers']>(isPlainAnswers),
});

/**
 * `submissionBodySchema.safeParse`, quicker for the usual body: its answers are checked by hand
 * (`isPlainAnswers`: what zod would accept and return as it is) and kept as sent, instead of zod's
 * walk and copy of every answer; every other field goes through the same schema and rules. A body the
 * quick check does not accept is parsed by the full schema, so a refusal's issues are always its.
 */
export function parseSubmissionBody(item: unknown): ReturnType<typeof submissionBodySchema.safeParse> {
  const quick = quickBodySchema.safeParse(item);
  if (
    quick.success &&
    attachmentsListedOnce(quick.data) &&
    notReplacingItself(quick.data) &&
    startedBeforeCompleted(quick.data) &&
    completedNotInFuture(quick.data)
  )
    return quick;
  return submissionBodySchema.safeParse(item);
}

export const submissionErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});

/**
 * Why a survey was flagged, as codes with their numbers (pages word them: `staff.fraud.signal.<code>`).
 * `text`: a stored reason the server could not read back as a signal, shown as it was written.
 */
export const FRAUD_SIGNAL_CODES = [
  'gps_accuracy',
  'gps_cluster',
  'gps_speed',
  'gps_other_collector',
  'speed_run_median',
  'speed_run_floor',
  'straight_lining',
  'near_duplicate',
  'out_of_area',
  'off_hours',
  'same_phone',
  'text',
] as const;
export type FraudSignalCode = (typeof FRAUD_SIGNAL_CODES)[number];
export const fraudSignalSchema = z.object({
  code: z.enum(FRAUD_SIGNAL_CODES),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type FraudSignal = z.infer<typeof fraudSignalSchema>;
/** A survey's fraud score: `reasons` are the English sentences stored with it (the record), `signals` the same as codes. */
export const fraudSummarySchema = z.object({
  score: z.number().int(),
  band: z.string(),
  reasons: z.array(z.string()),
  signals: z.array(fraudSignalSchema),
});

export const submissionStatusSchema = z.object({
  id: z.uuid(),
  status: z.enum(SUBMISSION_STATUSES),
  error: submissionErrorSchema.optional(),
  respondentId: z.uuid().optional(),
  /** The respondent's short registration reference (`OY-7K3-9QX`), once ingested (one submission's status). */
  reference: z.string().optional(),
  receivedAt: z.string().optional(),
  ingestedAt: z.string().optional(),
  fraud: fraudSummarySchema.optional(),
  /** Where its review stands; a returned one carries the reviewer's comment for the collector. */
  review: z
    .object({
      status: z.enum(REVIEW_STATUSES),
      comment: z.string().nullable(),
      reviewedAt: z.string().nullable(),
    })
    .optional(),
  /** The returned submission this one corrects. */
  replaces: z.uuid().optional(),
  /** While `awaiting_files`: how far each attachment's upload has come. */
  attachments: z.array(attachmentProgressSchema).optional(),
});
export type SubmissionStatusView = z.infer<typeof submissionStatusSchema>;

/** After each chunk of an attachment: where it stands, and the submission's status (received once all files are). */
export const attachmentUploadResponseSchema = z.object({
  attachment: attachmentProgressSchema,
  submission: submissionStatusSchema,
});

export const batchBodySchema = z.object({ submissions: z.array(z.unknown()).min(1) });
export const batchItemResultSchema = z.object({
  index: z.number().int(),
  id: z.string().optional(),
  status: z.enum([...SUBMISSION_STATUSES, 'error']),
  error: submissionErrorSchema.optional(),
});
export const batchResponseSchema = z.object({ results: z.array(batchItemResultSchema) });

export const checkNinBodySchema = z.object({ nin: text().max(40) });
export const checkNinResponseSchema = z.object({
  valid: z.boolean(),
  available: z.boolean(),
  firstRegisteredAt: z.string().optional(),
  source: z.string().optional(),
});

/** Starting thresholds (SPEC "Fraud signals"); the super admin tunes them, each change a new version. */
export const fraudThresholdsSchema = z.object({
  gps: z.object({
    points: z.number().int().min(0).default(25),
    clusterCount: z.number().int().min(2).default(3),
    clusterRadiusM: z.number().min(1).default(50),
    clusterWindowHours: z.number().min(0.1).default(4),
    maxSpeedKmh: z.number().min(1).default(120),
    otherCollectorRadiusM: z.number().min(0).default(5),
    maxAccuracyM: z.number().min(1).default(50),
  }),
  speedRun: z.object({
    points: z.number().int().min(0).default(25),
    medianFraction: z.number().min(0).max(1).default(0.25),
    minSurveysForMedian: z.number().int().min(1).default(30),
    floorSecondsPerQuestion: z.number().min(0).default(3),
  }),
  straightLining: z.object({
    points: z.number().int().min(0).default(20),
    minQuestions: z.number().int().min(2).default(5),
    sameAnswerFraction: z.number().min(0).max(1).default(0.8),
  }),
  nearDuplicate: z.object({
    points: z.number().int().min(0).default(20),
    equalFraction: z.number().min(0).max(1).default(0.7),
    windowDays: z.number().min(0.1).default(7),
  }),
  offHours: z.object({
    points: z.number().int().min(0).default(10),
    startHourWat: z.number().int().min(0).max(23).default(23),
    endHourWat: z.number().int().min(0).max(23).default(5),
  }),
  /** An enumerator's survey of a respondent outside the enumerator's own LGA (older settings lack it). */
  outOfArea: z.object({ points: z.number().int().min(0).default(15) }).default({ points: 15 }),
  /**
   * Many registrations from one phone: a USSD registration (its number comes from the network) that is
   * at least the `count`th, through any channel, giving that number within `windowDays` (older settings lack it).
   */
  samePhone: z
    .object({
      points: z.number().int().min(0).default(20),
      count: z.number().int().min(2).default(3),
      windowDays: z.number().min(0.1).default(30),
    })
    .default({ points: 20, count: 3, windowDays: 30 }),
  bands: z.object({
    low: z.number().default(25),
    medium: z.number().default(50),
    high: z.number().default(70),
    critical: z.number().default(85),
  }),
});
export type FraudThresholds = z.infer<typeof fraudThresholdsSchema>;
export const DEFAULT_FRAUD_THRESHOLDS: FraudThresholds = fraudThresholdsSchema.parse({
  gps: {},
  speedRun: {},
  straightLining: {},
  nearDuplicate: {},
  offHours: {},
  bands: {},
});

/** An ISO date-time with offset, optionally followed by `_` and a submission id. */
const SUBMISSION_CURSOR =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})(_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?$/i;
export const mySubmissionsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** `nextCursor` from the previous page (`<completedAt>_<id>`; a bare completedAt is accepted too). */
  cursor: text()
    .regex(SUBMISSION_CURSOR, 'Use the nextCursor of the previous page')
    .refine((c) => !Number.isNaN(Date.parse(c.split('_')[0]!)), 'Use the nextCursor of the previous page')
    .optional(),
});
export const mySubmissionSchema = submissionStatusSchema.extend({ completedAt: z.string() });
export type MySubmission = z.infer<typeof mySubmissionSchema>;
export const mySubmissionsResponseSchema = z.object({
  items: z.array(mySubmissionSchema),
  nextCursor: z.string().nullable(),
});
export type MySubmissionsPage = z.infer<typeof mySubmissionsResponseSchema>;

export const fraudSettingsResponseSchema = z.object({ version: z.number().int(), thresholds: fraudThresholdsSchema });
export type FraudSettingsResponse = z.infer<typeof fraudSettingsResponseSchema>;
export type SubmissionErrorView = z.infer<typeof submissionErrorSchema>;
export type BatchItemResult = z.infer<typeof batchItemResultSchema>;
