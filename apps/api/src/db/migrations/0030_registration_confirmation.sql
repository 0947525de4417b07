ALTER TABLE "respondents" ADD COLUMN "confirmation_mail" text;--> statement-breakpoint
-- Web registrations from before confirmation emails: none is sent for them (no surprise mail on deploy).
UPDATE "respondents" SET "confirmation_mail" = 'none' WHERE "source" = 'public';--> statement-breakpoint
CREATE INDEX "respondents_confirmation_due_idx" ON "respondents" USING btree ("created_at") WHERE "respondents"."source" = 'public' and "respondents"."confirmation_mail" is null;--> statement-breakpoint
ALTER TABLE "respondents" ADD CONSTRAINT "respondents_confirmation_mail_ck" CHECK ("respondents"."confirmation_mail" in ('sent', 'none'));