ALTER TABLE "mail_outbox" ALTER COLUMN "body" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "mail_outbox" ADD COLUMN "expires_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "mail_outbox_expiring_idx" ON "mail_outbox" USING btree ("expires_at") WHERE "mail_outbox"."body" is not null;--> statement-breakpoint
-- Mail already sent needs its body no more: the links in it are secrets.
UPDATE "mail_outbox" SET "body" = NULL WHERE "sent_at" IS NOT NULL;--> statement-breakpoint
-- Unsent mail from before expires_at: no link outlives 60 days (ACTIVATION_TTL_HOURS' ceiling; NIN
-- capture links last 30), so the sweep erases these bodies then at the latest.
UPDATE "mail_outbox" SET "expires_at" = "created_at" + interval '60 days' WHERE "body" IS NOT NULL AND "expires_at" IS NULL;
