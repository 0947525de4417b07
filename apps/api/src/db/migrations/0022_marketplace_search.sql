CREATE TABLE "marketplace_professions" (
	"profession" text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
DROP INDEX "marketplace_profiles_order_idx";--> statement-breakpoint
DROP INDEX "marketplace_profiles_lga_idx";--> statement-breakpoint
DROP INDEX "marketplace_profiles_profession_trgm_idx";--> statement-breakpoint
DROP INDEX "marketplace_profiles_tsv_idx";--> statement-breakpoint
ALTER TABLE "marketplace_profiles" ADD COLUMN "search_tsv" "tsvector" GENERATED ALWAYS AS (to_tsvector('english', search_text)) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "marketplace_professions_tsv_idx" ON "marketplace_professions" USING gin (to_tsvector('english', translate("profession", '/', ' ')));--> statement-breakpoint
CREATE INDEX "marketplace_professions_trgm_idx" ON "marketplace_professions" USING gin (lower("profession") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "marketplace_profiles_tsv_idx" ON "marketplace_profiles" USING gin ("search_tsv");--> statement-breakpoint
-- hand-written: pages are read in their own order (unverified last, then id) from indexes that carry
-- every column a filter or a tier reads, so finding a page is an index-only scan: of all profiles, of
-- one LGA, of one profession (INCLUDE: drizzle cannot declare these).
CREATE INDEX "marketplace_profiles_page_idx" ON "marketplace_profiles" USING btree ((not "verified"), "id")
  INCLUDE ("verified", "lga_code", "years_min", "skills", "sectors", "profession", "search_tsv");--> statement-breakpoint
CREATE INDEX "marketplace_profiles_lga_page_idx" ON "marketplace_profiles" USING btree ("lga_code", (not "verified"), "id")
  INCLUDE ("verified", "years_min", "skills", "sectors", "profession", "search_tsv");--> statement-breakpoint
CREATE INDEX "marketplace_profiles_profession_page_idx" ON "marketplace_profiles" USING btree ("profession", (not "verified"), "id")
  INCLUDE ("verified", "lga_code", "years_min", "skills", "sectors", "search_tsv");--> statement-breakpoint
-- hand-written: the lexicon is small (skill labels, sector names, professions); keep every word in the
-- statistics so the planner knows how rare a searched word is.
ALTER TABLE "marketplace_profiles" ALTER COLUMN "search_tsv" SET STATISTICS 1000;--> statement-breakpoint
-- hand-written: every profession a profile has is in marketplace_professions (per statement, so a bulk
-- load adds each distinct profession once).
CREATE OR REPLACE FUNCTION marketplace_professions_seen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO marketplace_professions (profession)
    SELECT DISTINCT profession FROM new_rows
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER marketplace_profiles_professions_insert
  AFTER INSERT ON marketplace_profiles REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION marketplace_professions_seen();
--> statement-breakpoint
CREATE TRIGGER marketplace_profiles_professions_update
  AFTER UPDATE ON marketplace_profiles REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION marketplace_professions_seen();
--> statement-breakpoint
INSERT INTO marketplace_professions (profession) SELECT DISTINCT profession FROM marketplace_profiles ON CONFLICT DO NOTHING;
