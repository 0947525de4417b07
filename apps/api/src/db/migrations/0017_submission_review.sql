DROP INDEX "submissions_lga_completed_idx";--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "replaces" uuid;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "review_status" text DEFAULT 'pending' NOT NULL;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "reviewed_by" uuid;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "reviewed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "review_comment" text;--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_reviewed_by_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "submissions_recent_idx" ON "submissions" USING btree ("completed_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "submissions_score_idx" ON "submissions" USING btree (coalesce("fraud_score", -1) desc,"completed_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "submissions_lga_score_idx" ON "submissions" USING btree ("lga_code",coalesce("fraud_score", -1) desc,"completed_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "submissions_review_status_idx" ON "submissions" USING btree ("review_status","completed_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "submissions_replaces_uq" ON "submissions" USING btree ("replaces") WHERE "submissions"."replaces" is not null and "submissions"."status" <> 'rejected';--> statement-breakpoint
CREATE INDEX "submissions_lga_completed_idx" ON "submissions" USING btree ("lga_code","completed_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_review_status_ck" CHECK ("submissions"."review_status" in ('pending', 'approved', 'rejected', 'returned', 'superseded'));--> statement-breakpoint
-- hand-written:
-- The review columns are outcome columns (they change through the review state machine); the id a
-- correction replaces is raw content, covered by the body hash, and as immutable as the answers.
-- Only the schema owner may re-seal the identifier answers (0014).
CREATE OR REPLACE FUNCTION submissions_guard_raw() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'submissions are never deleted' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.id IS DISTINCT FROM OLD.id
     OR NEW.questionnaire_version_id IS DISTINCT FROM OLD.questionnaire_version_id
     OR NEW.channel IS DISTINCT FROM OLD.channel
     OR NEW.submitted_by IS DISTINCT FROM OLD.submitted_by
     OR NEW.nin_deferred IS DISTINCT FROM OLD.nin_deferred
     OR NEW.started_at IS DISTINCT FROM OLD.started_at
     OR NEW.completed_at IS DISTINCT FROM OLD.completed_at
     OR NEW.gps_lat IS DISTINCT FROM OLD.gps_lat
     OR NEW.gps_lng IS DISTINCT FROM OLD.gps_lng
     OR NEW.gps_accuracy IS DISTINCT FROM OLD.gps_accuracy
     OR NEW.device_id IS DISTINCT FROM OLD.device_id
     OR NEW.replaces IS DISTINCT FROM OLD.replaces
     OR NEW.body_hash IS DISTINCT FROM OLD.body_hash
     OR NEW.received_at IS DISTINCT FROM OLD.received_at THEN
    RAISE EXCEPTION 'a submission''s raw content is immutable' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF (NEW.answers IS DISTINCT FROM OLD.answers
      OR NEW.pii_sealed IS DISTINCT FROM OLD.pii_sealed
      OR NEW.pii_legacy IS DISTINCT FROM OLD.pii_legacy)
     AND NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
    RAISE EXCEPTION 'a submission''s raw content is immutable' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
