CREATE TABLE "sync_jobs" (
	"id" uuid NOT NULL,
	"reason" text NOT NULL,
	"delivery_id" text,
	"after_sha" text,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer NOT NULL,
	"run_after" timestamp (3) with time zone NOT NULL,
	"locked_by" text,
	"locked_until" timestamp (3) with time zone,
	"last_error" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "sync_jobs_pkey" PRIMARY KEY("id"),
	CONSTRAINT "sync_jobs_status_check" CHECK ("sync_jobs"."status" in ('queued', 'running', 'done', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "sync_state" (
	"id" integer NOT NULL,
	"last_synced_sha" text,
	"last_synced_at" timestamp (3) with time zone,
	"last_verified_at" timestamp (3) with time zone,
	"last_verify_report" jsonb,
	CONSTRAINT "sync_state_pkey" PRIMARY KEY("id"),
	CONSTRAINT "sync_state_id_check" CHECK ("sync_state"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"delivery_id" text NOT NULL,
	"event" text NOT NULL,
	"outcome" text NOT NULL,
	"after_sha" text,
	"received_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY("delivery_id"),
	CONSTRAINT "webhook_deliveries_outcome_check" CHECK ("webhook_deliveries"."outcome" in ('queued', 'ignored'))
);
--> statement-breakpoint
CREATE INDEX "sync_jobs_status_run_after_idx" ON "sync_jobs" USING btree ("status","run_after");