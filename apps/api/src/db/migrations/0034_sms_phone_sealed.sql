DROP INDEX "sms_outbox_to_idx";--> statement-breakpoint
ALTER TABLE "sms_outbox" ALTER COLUMN "to" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "sms_outbox" ADD COLUMN "to_sealed" text;--> statement-breakpoint
ALTER TABLE "sms_outbox" ADD COLUMN "to_hash" text;--> statement-breakpoint
CREATE INDEX "sms_outbox_to_idx" ON "sms_outbox" USING btree ("to_hash","created_at" DESC NULLS LAST);