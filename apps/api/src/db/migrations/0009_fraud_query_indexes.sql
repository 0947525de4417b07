DROP INDEX "submissions_version_idx";--> statement-breakpoint
CREATE INDEX "submissions_version_completed_idx" ON "submissions" USING btree ("questionnaire_version_id","completed_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "submissions_gps_lat_idx" ON "submissions" USING btree ("gps_lat") WHERE "submissions"."gps_lat" is not null;