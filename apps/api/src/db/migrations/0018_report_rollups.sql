CREATE TABLE "report_rollups" (
	"lga" text NOT NULL,
	"channel" text NOT NULL,
	"status" text NOT NULL,
	"grain" text NOT NULL,
	"period" date NOT NULL,
	"dim" text NOT NULL,
	"key" text NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "report_rollups_pk" PRIMARY KEY("lga","channel","status","grain","period","dim","key"),
	CONSTRAINT "report_rollups_grain_ck" CHECK ("report_rollups"."grain" in ('d', 'm'))
);
--> statement-breakpoint
CREATE INDEX "report_rollups_total_idx" ON "report_rollups" USING btree ("lga","channel","status","grain","period") WHERE "report_rollups"."dim" = 'total';