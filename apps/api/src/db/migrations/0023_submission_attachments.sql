CREATE TABLE "submission_attachments" (
	"submission_id" uuid NOT NULL,
	"name" text NOT NULL,
	"media_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"received" integer DEFAULT 0 NOT NULL,
	"content_type" text,
	"completed_at" timestamp with time zone,
	CONSTRAINT "submission_attachments_pk" PRIMARY KEY("submission_id","name"),
	CONSTRAINT "submission_attachments_type_ck" CHECK ("submission_attachments"."media_type" in ('image', 'audio', 'video', 'file')),
	CONSTRAINT "submission_attachments_received_ck" CHECK ("submission_attachments"."received" >= 0 and "submission_attachments"."received" <= "submission_attachments"."size")
);
--> statement-breakpoint
ALTER TABLE "submissions" DROP CONSTRAINT "submissions_status_ck";--> statement-breakpoint
ALTER TABLE "submission_attachments" ADD CONSTRAINT "submission_attachments_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_status_ck" CHECK ("submissions"."status" in ('awaiting_files', 'received', 'held', 'ingested', 'rejected'));