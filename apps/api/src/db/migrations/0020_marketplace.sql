CREATE TABLE "contact_reveals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"searcher_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"respondent_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"ip" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contact_reveals_purpose_ck" CHECK (length("contact_reveals"."purpose") between 1 and 500)
);
--> statement-breakpoint
CREATE TABLE "marketplace_profiles" (
	"id" uuid PRIMARY KEY NOT NULL,
	"respondent_id" uuid NOT NULL,
	"profession" text NOT NULL,
	"skills" text[] NOT NULL,
	"sectors" text[] NOT NULL,
	"lga_code" text NOT NULL,
	"experience" text,
	"years_min" smallint DEFAULT 0 NOT NULL,
	"verified" boolean DEFAULT false NOT NULL,
	"bio" text,
	"search_text" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "searchers" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"organisation" text,
	"terms_version" text NOT NULL,
	"terms_accepted_at" timestamp with time zone NOT NULL,
	"email_verified_at" timestamp with time zone,
	"verify_token_hash" text,
	"verify_expires_at" timestamp with time zone,
	"blocked_at" timestamp with time zone,
	"blocked_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "respondents" ADD COLUMN "marketplace_bio" text;--> statement-breakpoint
ALTER TABLE "contact_reveals" ADD CONSTRAINT "contact_reveals_searcher_id_users_id_fk" FOREIGN KEY ("searcher_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "marketplace_profiles" ADD CONSTRAINT "marketplace_profiles_lga_code_lgas_code_fk" FOREIGN KEY ("lga_code") REFERENCES "public"."lgas"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "searchers" ADD CONSTRAINT "searchers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "contact_reveals_searcher_idx" ON "contact_reveals" USING btree ("searcher_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "contact_reveals_respondent_idx" ON "contact_reveals" USING btree ("respondent_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "contact_reveals_created_idx" ON "contact_reveals" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "marketplace_profiles_respondent_uq" ON "marketplace_profiles" USING btree ("respondent_id");--> statement-breakpoint
CREATE INDEX "marketplace_profiles_order_idx" ON "marketplace_profiles" USING btree ((not "verified"),"id");--> statement-breakpoint
CREATE INDEX "marketplace_profiles_lga_idx" ON "marketplace_profiles" USING btree ("lga_code",(not "verified"),"id");--> statement-breakpoint
CREATE INDEX "marketplace_profiles_skills_idx" ON "marketplace_profiles" USING gin ("skills");--> statement-breakpoint
CREATE INDEX "marketplace_profiles_sectors_idx" ON "marketplace_profiles" USING gin ("sectors");--> statement-breakpoint
CREATE INDEX "marketplace_profiles_tsv_idx" ON "marketplace_profiles" USING gin (to_tsvector('english', "search_text"));--> statement-breakpoint
CREATE INDEX "marketplace_profiles_profession_trgm_idx" ON "marketplace_profiles" USING gin (lower("profession") gin_trgm_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "searchers_verify_token_uq" ON "searchers" USING btree ("verify_token_hash") WHERE "searchers"."verify_token_hash" is not null;--> statement-breakpoint
CREATE INDEX "respondents_created_by_idx" ON "respondents" USING btree ("created_by") WHERE "respondents"."source" = 'public';--> statement-breakpoint
-- hand-written: the reveal log is append-only, like the audit log (the worker keeps seeing who saw their contact).
CREATE OR REPLACE FUNCTION contact_reveals_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'contact_reveals is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER contact_reveals_no_update_delete
  BEFORE UPDATE OR DELETE ON contact_reveals
  FOR EACH ROW EXECUTE FUNCTION contact_reveals_refuse_change();
--> statement-breakpoint
CREATE TRIGGER contact_reveals_no_truncate
  BEFORE TRUNCATE ON contact_reveals
  FOR EACH STATEMENT EXECUTE FUNCTION contact_reveals_refuse_change();
