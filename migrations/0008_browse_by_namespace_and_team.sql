DROP INDEX "catalog_items_namespace_idx";--> statement-breakpoint
DROP INDEX "catalog_items_team_id_idx";--> statement-breakpoint
CREATE INDEX "catalog_items_namespace_updated_at_id_idx" ON "catalog_items" USING btree ("namespace","updated_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "catalog_items_namespace_usage_count_id_idx" ON "catalog_items" USING btree ("namespace","usage_count" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "catalog_items_team_id_updated_at_id_idx" ON "catalog_items" USING btree ("team_id","updated_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "catalog_items_team_id_usage_count_id_idx" ON "catalog_items" USING btree ("team_id","usage_count" DESC NULLS FIRST,"id" DESC NULLS FIRST);