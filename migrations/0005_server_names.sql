ALTER TABLE "catalog_items" ADD COLUMN "server_name" text;--> statement-breakpoint
-- Every MCP server item declares the name in its server.json (stored, parsed, as the manifest).
UPDATE "catalog_items" SET "server_name" = "manifest"->>'name'
WHERE "kind" = 'mcp' AND jsonb_typeof("manifest"->'name') = 'string';--> statement-breakpoint
-- Items published before a server name belonged to one item may share one. Among the live items declaring it the
-- oldest valid one keeps it; each other one gives it up and is marked invalid with the reason, as sync marks a folder
-- that declares a name another item holds, so that this migration never fails on existing data.
WITH "live" AS (
  SELECT "id", "server_name", "namespace", "name",
    row_number() OVER (PARTITION BY "server_name" ORDER BY "status" = 'invalid', "created_at", "id") AS "rank"
  FROM "catalog_items"
  WHERE "server_name" IS NOT NULL AND "status" <> 'deleted'
),
"keeper" AS (SELECT "server_name", "namespace", "name" FROM "live" WHERE "rank" = 1)
UPDATE "catalog_items" AS "item"
SET "server_name" = NULL,
  "status" = 'invalid',
  "status_message" = 'invalid in git',
  "problems" = "item"."problems" || jsonb_build_array(jsonb_build_object(
    'path', 'server.json#/name',
    'message', 'server name "' || "keeper"."server_name" || '" is already declared by mcp/' || "keeper"."namespace"
      || '/' || "keeper"."name" || '; give this server another name, or make it a version of that item'
  ))
FROM "live" JOIN "keeper" USING ("server_name")
WHERE "item"."id" = "live"."id" AND "live"."rank" > 1;--> statement-breakpoint
CREATE UNIQUE INDEX "catalog_items_server_name_key" ON "catalog_items" USING btree ("server_name") WHERE "catalog_items"."server_name" is not null and "catalog_items"."status" <> 'deleted';