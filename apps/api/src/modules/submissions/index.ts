/**
 * The submission path, in reading order: routes.ts (intake endpoints) → service.ts (intake: validate,
 * commit raw + outbox in one transaction, enqueue) → ingest.ts (the job: respondent, fraud, outcome)
 * → the outbox relay in service.ts (re-delivers what the queue lost).
 */
export { SubmissionService, CHANNEL_BY_ROLE, toStatusView, type SubmissionOutcomeView } from './service.js';
export { Ingestion, INGEST_JOB, type IngestOutcome, type SettledEvent, type SettledListener } from './ingest.js';
export { SubmissionRepository, type HistoryRow, type SubmissionHistory, type SubmissionRow } from './repository.js';
export { SubmissionStats, reviewOutcomeSql, type CollectorDay, type GpsFix } from './stats.js';
export { attachmentRoutes, submissionRoutes } from './routes.js';
export { AttachmentService } from './attachments.js';
export { rotateSubmissions, sealLegacySubmissions } from './pii-maintenance.js';
export { ReviewService } from './review.js';
export { type LiveRegistration } from './resident-corrections.js';
