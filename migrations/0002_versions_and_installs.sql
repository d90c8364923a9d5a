CREATE TABLE "install_events" (
	"id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"user_id" uuid,
	"client" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "install_events_pkey" PRIMARY KEY("id")
);
--> statement-breakpoint
ALTER TABLE "install_events" ADD CONSTRAINT "install_events_item_id_fkey" FOREIGN KEY ("item_id") REFERENCES "public"."catalog_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "install_events" ADD CONSTRAINT "install_events_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "install_events_item_id_idx" ON "install_events" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "item_versions_item_id_version_idx" ON "item_versions" USING btree ("item_id","version");