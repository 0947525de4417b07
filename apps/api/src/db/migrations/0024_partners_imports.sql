CREATE TABLE "import_batches" (
	"id" uuid PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"file_name" text,
	"state" text DEFAULT 'dry_run' NOT NULL,
	"mapping" jsonb NOT NULL,
	"total" integer NOT NULL,
	"to_create" integer NOT NULL,
	"skipped" integer NOT NULL,
	"reasons" jsonb NOT NULL,
	"created" integer DEFAULT 0 NOT NULL,
	"job_id" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"confirmed_at" timestamp with time zone,
	"rolled_back_at" timestamp with time zone,
	"rollback" jsonb,
	CONSTRAINT "import_batches_state_ck" CHECK (state in ('dry_run', 'confirming', 'confirmed', 'rolled_back', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "import_rows" (
	"batch_id" uuid NOT NULL,
	"line" integer NOT NULL,
	"outcome" text NOT NULL,
	"reasons" text[] NOT NULL,
	"payload" text,
	"respondent_id" uuid
);
--> statement-breakpoint
CREATE TABLE "import_sources" (
	"source" text PRIMARY KEY NOT NULL,
	"mapping" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "partner_keys" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"lookup" text NOT NULL,
	"secret_hash" text NOT NULL,
	"scopes" text[] NOT NULL,
	"lgas" text[],
	"rate_limit_per_minute" integer NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"replaced_by" uuid
);
--> statement-breakpoint
ALTER TABLE "import_rows" ADD CONSTRAINT "import_rows_batch_id_import_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."import_batches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "import_batches_created_idx" ON "import_batches" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "import_rows_pk" ON "import_rows" USING btree ("batch_id","line");--> statement-breakpoint
CREATE INDEX "import_rows_outcome_idx" ON "import_rows" USING btree ("batch_id","outcome","line");--> statement-breakpoint
CREATE INDEX "import_rows_respondent_idx" ON "import_rows" USING btree ("respondent_id") WHERE "import_rows"."respondent_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "partner_keys_lookup_uq" ON "partner_keys" USING btree ("lookup");--> statement-breakpoint
CREATE INDEX "partner_keys_created_idx" ON "partner_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "respondents_updated_idx" ON "respondents" USING btree ("updated_at","id");--> statement-breakpoint
CREATE INDEX "respondents_lga_updated_idx" ON "respondents" USING btree ("lga_code","updated_at","id");