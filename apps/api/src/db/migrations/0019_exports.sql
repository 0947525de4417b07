CREATE TABLE "exports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"job_id" uuid NOT NULL,
	"requested_by" uuid NOT NULL,
	"requester_role" text NOT NULL,
	"format" text NOT NULL,
	"filters" jsonb NOT NULL,
	"fingerprint" text NOT NULL,
	"unmasked" boolean NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"row_count" integer,
	"bytes" bigint,
	"file_name" text,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "exports_format_ck" CHECK ("exports"."format" in ('csv', 'xlsx')),
	CONSTRAINT "exports_status_ck" CHECK ("exports"."status" in ('queued', 'running', 'completed', 'failed', 'expired'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "exports_running_uq" ON "exports" USING btree ("fingerprint") WHERE "exports"."status" in ('queued', 'running');--> statement-breakpoint
CREATE INDEX "exports_job_idx" ON "exports" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "exports_expiry_idx" ON "exports" USING btree ("expires_at") WHERE "exports"."status" <> 'expired';