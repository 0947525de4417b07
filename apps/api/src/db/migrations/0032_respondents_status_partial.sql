-- Every new record is `active`, and the status index held every record: each ingested respondent wrote
-- an entry no query needs. A registry page or an export of `active` records reads respondents_created_idx
-- or respondents_lga_idx (nearly every row matches); the other statuses (pending NIN, imported, verified,
-- rejected, merged) are few and keep their index. EXPLAIN of each status query: docs/capacity.md, fourth round.
DROP INDEX "respondents_status_idx";--> statement-breakpoint
CREATE INDEX "respondents_status_idx" ON "respondents" USING btree ("status","created_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "respondents"."status" <> 'active';