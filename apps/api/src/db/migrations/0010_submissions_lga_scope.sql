ALTER TABLE "submissions" ADD COLUMN "lga_code" text;--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_lga_code_lgas_code_fk" FOREIGN KEY ("lga_code") REFERENCES "public"."lgas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "submissions_lga_completed_idx" ON "submissions" USING btree ("lga_code","completed_at" DESC NULLS LAST);--> statement-breakpoint
-- Existing submissions take their respondent's LGA, else their submitter's.
UPDATE "submissions" s SET "lga_code" = r."lga_code" FROM "respondents" r WHERE r."id" = s."respondent_id" AND r."lga_code" IN (SELECT "code" FROM "lgas");--> statement-breakpoint
UPDATE "submissions" s SET "lga_code" = u."lga_code" FROM "users" u WHERE u."id" = s."submitted_by" AND s."lga_code" IS NULL;
