CREATE TABLE "sms_outbox" (
	"id" uuid PRIMARY KEY NOT NULL,
	"to" text NOT NULL,
	"body" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"transport" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text
);
--> statement-breakpoint
ALTER TABLE "respondents" DROP CONSTRAINT "respondents_source_ck";--> statement-breakpoint
ALTER TABLE "respondents" ADD COLUMN "phone_verified" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "phone_hash" text;--> statement-breakpoint
CREATE INDEX "sms_outbox_unsent_idx" ON "sms_outbox" USING btree ("created_at") WHERE "sms_outbox"."sent_at" is null;--> statement-breakpoint
CREATE INDEX "sms_outbox_sent_idx" ON "sms_outbox" USING btree ("sent_at") WHERE "sms_outbox"."sent_at" is not null;--> statement-breakpoint
CREATE INDEX "sms_outbox_to_idx" ON "sms_outbox" USING btree ("to","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "submissions_phone_hash_idx" ON "submissions" USING btree ("phone_hash","completed_at" DESC NULLS LAST) WHERE "submissions"."phone_hash" is not null;--> statement-breakpoint
ALTER TABLE "respondents" ADD CONSTRAINT "respondents_source_ck" CHECK (source in ('enumerator', 'public', 'clerk', 'import', 'ussd'));