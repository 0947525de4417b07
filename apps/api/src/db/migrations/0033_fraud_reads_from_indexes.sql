-- The fraud checks of every ingested survey, each served from an index instead of the table:
-- * its collector's 50 newest surveys before it (collectorHistories, a lateral join per survey): with
--   id in the key the scan is index-only; with (submitted_by, completed_at) alone each of the 50 rows
--   was a table page read for its id (200 surveys: 335 ms -> 3.5 ms on the 1,000,000-row seed). A
--   collector's own list (keyset on completed_at, id) is served by the same index.
-- * other collectors' fixes a few metres of latitude away on the same day (fixesByOthersMany): with
--   completed_at after gps_lat the day is tested in the index; with gps_lat alone PostgreSQL read the
--   band's fixes of every day, or ANDed in a bitmap of the whole day (20 surveys: 34 ms -> 3 ms).
-- EXPLAINs: docs/capacity.md, "Ingestion under the capacity mix".
DROP INDEX "submissions_collector_idx";--> statement-breakpoint
DROP INDEX "submissions_gps_lat_idx";--> statement-breakpoint
CREATE INDEX "submissions_collector_idx" ON "submissions" USING btree ("submitted_by","completed_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "submissions_gps_lat_idx" ON "submissions" USING btree ("gps_lat","completed_at") WHERE "submissions"."gps_lat" is not null;