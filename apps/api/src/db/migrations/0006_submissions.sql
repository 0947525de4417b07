CREATE TABLE "respondents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"nin" text,
	"nin_verified" boolean DEFAULT false NOT NULL,
	"status" text NOT NULL,
	"surname" text,
	"firstname" text,
	"gender" text,
	"dob" date,
	"phone" text,
	"email" text,
	"lga_code" text,
	"main_occupation" text,
	"employment_type" text,
	"years_experience" text,
	"skills" text[],
	"consent_marketplace" boolean DEFAULT false NOT NULL,
	"consent_enriched" boolean DEFAULT false NOT NULL,
	"source" text NOT NULL,
	"first_submission_id" uuid,
	"created_by" uuid,
	"nin_capture_token_hash" text,
	"nin_capture_expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "respondents_status_ck" CHECK (status in ('active', 'pending_nin_capture', 'imported_unverified', 'verified', 'rejected')),
	CONSTRAINT "respondents_source_ck" CHECK (source in ('enumerator', 'public', 'clerk', 'import'))
);
--> statement-breakpoint
CREATE TABLE "fraud_settings" (
	"version" integer PRIMARY KEY NOT NULL,
	"thresholds" jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "submission_outbox" (
	"submission_id" uuid PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"done_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "submissions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"questionnaire_version_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"submitted_by" uuid,
	"answers" jsonb NOT NULL,
	"nin_deferred" boolean DEFAULT false NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone NOT NULL,
	"gps_lat" double precision,
	"gps_lng" double precision,
	"gps_accuracy" double precision,
	"device_id" text,
	"body_hash" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'received' NOT NULL,
	"error" jsonb,
	"respondent_id" uuid,
	"ingested_at" timestamp with time zone,
	"fraud_score" integer,
	"fraud_band" text,
	"fraud_reasons" jsonb,
	"fraud_settings_version" integer,
	CONSTRAINT "submissions_status_ck" CHECK ("submissions"."status" in ('received', 'ingested', 'rejected'))
);
--> statement-breakpoint
ALTER TABLE "respondents" ADD CONSTRAINT "respondents_lga_code_lgas_code_fk" FOREIGN KEY ("lga_code") REFERENCES "public"."lgas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submission_outbox" ADD CONSTRAINT "submission_outbox_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_questionnaire_version_id_questionnaire_versions_id_fk" FOREIGN KEY ("questionnaire_version_id") REFERENCES "public"."questionnaire_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_submitted_by_users_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "respondents_nin_uq" ON "respondents" USING btree ("nin") WHERE "respondents"."nin" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "respondents_nin_capture_uq" ON "respondents" USING btree ("nin_capture_token_hash") WHERE "respondents"."nin_capture_token_hash" is not null;--> statement-breakpoint
CREATE INDEX "respondents_lga_idx" ON "respondents" USING btree ("lga_code","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "respondents_created_idx" ON "respondents" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "respondents_status_idx" ON "respondents" USING btree ("status");--> statement-breakpoint
CREATE INDEX "respondents_phone_idx" ON "respondents" USING btree ("phone");--> statement-breakpoint
CREATE INDEX "submission_outbox_pending_idx" ON "submission_outbox" USING btree ("created_at") WHERE "submission_outbox"."done_at" is null;--> statement-breakpoint
CREATE INDEX "submissions_collector_idx" ON "submissions" USING btree ("submitted_by","completed_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "submissions_completed_idx" ON "submissions" USING btree ("completed_at");--> statement-breakpoint
CREATE INDEX "submissions_version_idx" ON "submissions" USING btree ("questionnaire_version_id","status");--> statement-breakpoint
CREATE INDEX "submissions_pending_idx" ON "submissions" USING btree ("received_at") WHERE "submissions"."status" = 'received';