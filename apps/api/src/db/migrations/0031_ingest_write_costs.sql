-- hand-written:
-- The raw-content guard (0007, last 0017) fired on every update of a submission, so each
-- settlement and review paid the trigger call and its comparisons (the answers compared whole, as
-- jsonb) although those updates only ever set outcome columns. It now fires only when an update
-- names a guarded column (UPDATE OF): the same function then refuses any change to raw content
-- (and lets only the schema owner re-seal the identifier answers). The column list is exactly the
-- columns the function compares. A column-specific trigger does not see changes made by another
-- BEFORE trigger: submissions have none. Deletion keeps its own trigger.
DROP TRIGGER IF EXISTS "submissions_raw_immutable" ON "submissions";--> statement-breakpoint
CREATE TRIGGER "submissions_raw_immutable"
  BEFORE UPDATE OF "id", "questionnaire_version_id", "channel", "submitted_by", "answers", "pii_sealed",
    "pii_legacy", "nin_deferred", "started_at", "completed_at", "gps_lat", "gps_lng", "gps_accuracy",
    "device_id", "replaces", "body_hash", "received_at"
  ON "submissions"
  FOR EACH ROW EXECUTE FUNCTION submissions_guard_raw();--> statement-breakpoint
CREATE TRIGGER "submissions_never_deleted"
  BEFORE DELETE ON "submissions"
  FOR EACH ROW EXECUTE FUNCTION submissions_guard_raw();
--> statement-breakpoint
-- Two of the indexes every intake and every settlement writes: completed_at alone duplicates the
-- leading column of submissions_recent_idx (completed_at is not null, so that index answers any range
-- or order of it); the respondent index is only read for a named respondent, so a received submission
-- (no respondent yet) and a rejected one need no entry.
DROP INDEX "submissions_completed_idx";--> statement-breakpoint
DROP INDEX "submissions_respondent_idx";--> statement-breakpoint
CREATE INDEX "submissions_respondent_idx" ON "submissions" USING btree ("respondent_id","completed_at" DESC NULLS LAST) WHERE "submissions"."respondent_id" is not null;