DROP INDEX "users_nin_uq";--> statement-breakpoint
DROP INDEX "respondents_nin_uq";--> statement-breakpoint
DROP INDEX "respondents_phone_idx";--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "phone_sealed" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "nin_hash" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "nin_sealed" text;--> statement-breakpoint
ALTER TABLE "respondents" ADD COLUMN "nin_hash" text;--> statement-breakpoint
ALTER TABLE "respondents" ADD COLUMN "nin_sealed" text;--> statement-breakpoint
ALTER TABLE "respondents" ADD COLUMN "phone_hash" text;--> statement-breakpoint
ALTER TABLE "respondents" ADD COLUMN "phone_sealed" text;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "pii_sealed" text;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "pii_legacy" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "users_nin_hash_uq" ON "users" USING btree ("nin_hash") WHERE "users"."nin_hash" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "respondents_nin_hash_uq" ON "respondents" USING btree ("nin_hash") WHERE "respondents"."nin_hash" is not null;--> statement-breakpoint
CREATE INDEX "respondents_phone_hash_idx" ON "respondents" USING btree ("phone_hash");--> statement-breakpoint
CREATE INDEX "respondents_legacy_pii_idx" ON "respondents" USING btree ("id") WHERE "respondents"."nin" is not null or "respondents"."phone" is not null;--> statement-breakpoint
CREATE INDEX "submissions_pii_legacy_idx" ON "submissions" USING btree ("id") WHERE "submissions"."pii_legacy";--> statement-breakpoint
-- hand-written: every submission received before encryption still holds its NIN and phone in the
-- answers; the start-up bootstrap seals them (as the owner) and clears the flag.
UPDATE "submissions" SET "pii_legacy" = true;--> statement-breakpoint
-- hand-written: the raw content stays immutable; only the schema owner may re-seal it (npm run
-- pii:rotate, and sealing the pre-encryption rows above), never the app's own role.
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
