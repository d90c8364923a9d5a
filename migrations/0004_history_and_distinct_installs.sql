ALTER TABLE "catalog_items" ADD COLUMN "history_since" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "install_events" ADD COLUMN "installer" text;--> statement-breakpoint
ALTER TABLE "install_events" ADD COLUMN "day" date;--> statement-breakpoint
-- Installs recorded before installs were counted once a day per installer keep their own count: each is its own installer.
UPDATE "install_events" SET "installer" = 'event:' || "id"::text, "day" = ("created_at" AT TIME ZONE 'UTC')::date;--> statement-breakpoint
ALTER TABLE "install_events" ALTER COLUMN "installer" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "install_events" ALTER COLUMN "day" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "item_versions" ADD COLUMN "manifest" jsonb;--> statement-breakpoint
ALTER TABLE "item_versions" ADD COLUMN "visibility" text;--> statement-breakpoint
ALTER TABLE "item_versions" ADD COLUMN "team_id" uuid;--> statement-breakpoint
ALTER TABLE "item_versions" ADD COLUMN "owner_user_id" uuid;--> statement-breakpoint
ALTER TABLE "install_events" ADD CONSTRAINT "install_events_item_id_installer_day_key" UNIQUE("item_id","installer","day");--> statement-breakpoint
ALTER TABLE "item_versions" ADD CONSTRAINT "item_versions_visibility_check" CHECK ("item_versions"."visibility" in ('org', 'team'));