ALTER TABLE "users" ADD COLUMN "import_job_id" uuid;--> statement-breakpoint
CREATE INDEX "users_import_job_idx" ON "users" USING btree ("import_job_id") WHERE "users"."import_job_id" is not null;