ALTER TABLE "submissions" DROP CONSTRAINT "submissions_status_ck";--> statement-breakpoint
DROP INDEX "submissions_public_one_person_uq";--> statement-breakpoint
CREATE UNIQUE INDEX "submissions_public_held_uq" ON "submissions" USING btree ("submitted_by") WHERE "submissions"."channel" = 'public' and "submissions"."status" = 'held';--> statement-breakpoint
CREATE UNIQUE INDEX "submissions_public_one_person_uq" ON "submissions" USING btree ("submitted_by") WHERE "submissions"."channel" = 'public' and "submissions"."status" in ('received', 'ingested') and "submissions"."review_status" <> 'superseded';--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_status_ck" CHECK ("submissions"."status" in ('received', 'held', 'ingested', 'rejected'));