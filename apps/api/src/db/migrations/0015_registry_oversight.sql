CREATE TABLE "respondent_duplicates" (
	"id" uuid PRIMARY KEY NOT NULL,
	"respondent_a" uuid NOT NULL,
	"respondent_b" uuid NOT NULL,
	"reasons" text[] NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"kept_id" uuid,
	"resolved_by" uuid,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "respondent_duplicates_order_ck" CHECK ("respondent_duplicates"."respondent_a" < "respondent_duplicates"."respondent_b"),
	CONSTRAINT "respondent_duplicates_status_ck" CHECK ("respondent_duplicates"."status" in ('open', 'distinct', 'merged'))
);
--> statement-breakpoint
ALTER TABLE "respondents" DROP CONSTRAINT "respondents_status_ck";--> statement-breakpoint
DROP INDEX "audit_actor_idx";--> statement-breakpoint
DROP INDEX "audit_target_idx";--> statement-breakpoint
DROP INDEX "respondents_lga_idx";--> statement-breakpoint
DROP INDEX "respondents_status_idx";--> statement-breakpoint
ALTER TABLE "respondents" ADD COLUMN "verification" text;--> statement-breakpoint
ALTER TABLE "respondents" ADD COLUMN "verified_by" uuid;--> statement-breakpoint
ALTER TABLE "respondents" ADD COLUMN "verified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "respondents" ADD COLUMN "verification_reason" text;--> statement-breakpoint
ALTER TABLE "respondents" ADD COLUMN "flag_rank" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "respondents" ADD COLUMN "sample_bucket" smallint GENERATED ALWAYS AS (((get_byte(uuid_send(id), 14) * 256 + get_byte(uuid_send(id), 15)) % 100)) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "respondents" ADD COLUMN "merged_into" uuid;--> statement-breakpoint
ALTER TABLE "respondent_duplicates" ADD CONSTRAINT "respondent_duplicates_respondent_a_respondents_id_fk" FOREIGN KEY ("respondent_a") REFERENCES "public"."respondents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "respondent_duplicates" ADD CONSTRAINT "respondent_duplicates_respondent_b_respondents_id_fk" FOREIGN KEY ("respondent_b") REFERENCES "public"."respondents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "respondent_duplicates_pair_uq" ON "respondent_duplicates" USING btree ("respondent_a","respondent_b");--> statement-breakpoint
CREATE INDEX "respondent_duplicates_b_idx" ON "respondent_duplicates" USING btree ("respondent_b");--> statement-breakpoint
CREATE INDEX "respondent_duplicates_open_idx" ON "respondent_duplicates" USING btree ("created_at","id") WHERE "respondent_duplicates"."status" = 'open';--> statement-breakpoint
CREATE INDEX "audit_action_idx" ON "audit_log" USING btree ("action","at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_target_type_idx" ON "audit_log" USING btree ("target_type","at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "respondents_name_key_idx" ON "respondents" USING btree (lower("surname"),lower("firstname"),"dob","lga_code");--> statement-breakpoint
CREATE INDEX "respondents_verification_queue_idx" ON "respondents" USING btree ("flag_rank" DESC NULLS LAST,"created_at","id") WHERE "respondents"."verification" is null and "respondents"."status" <> 'merged';--> statement-breakpoint
CREATE INDEX "submissions_respondent_idx" ON "submissions" USING btree ("respondent_id","completed_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_actor_idx" ON "audit_log" USING btree ("actor_id","at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_target_idx" ON "audit_log" USING btree ("target_type","target_id","at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "respondents_lga_idx" ON "respondents" USING btree ("lga_code","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "respondents_status_idx" ON "respondents" USING btree ("status","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
ALTER TABLE "respondents" ADD CONSTRAINT "respondents_verification_ck" CHECK ("respondents"."verification" in ('verified', 'rejected'));--> statement-breakpoint
ALTER TABLE "respondents" ADD CONSTRAINT "respondents_status_ck" CHECK (status in ('active', 'pending_nin_capture', 'imported_unverified', 'verified', 'rejected', 'merged'));--> statement-breakpoint
-- hand-written:
-- Registry search by name: every word of the query must appear in "surname firstname" (trigram, pg_trgm from 0002).
CREATE INDEX "respondents_name_trgm_idx" ON "respondents" USING gin ((lower(coalesce("surname", '') || ' ' || coalesce("firstname", ''))) gin_trgm_ops);
