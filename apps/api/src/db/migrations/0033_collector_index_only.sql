-- The fraud checks read, for every survey ingested, the ids of its collector's 50 newest surveys before
-- it (submissions repository, collectorHistories: a lateral join per survey). With (submitted_by,
-- completed_at) alone each of those 50 rows was a table page read to get its id and test `id <> …`;
-- with id in the key the scan is index-only. A collector's own list (keyset on completed_at, id) is
-- served by the same index. EXPLAIN before and after: docs/capacity.md, "Ingestion under the capacity mix".
DROP INDEX "submissions_collector_idx";--> statement-breakpoint
CREATE INDEX "submissions_collector_idx" ON "submissions" USING btree ("submitted_by","completed_at" DESC NULLS LAST,"id" DESC NULLS LAST);