CREATE TABLE "catalog_search_changes" (
	"xid" "xid8" PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL
);
--> statement-breakpoint
-- Notes that the writing transaction changed search inputs: one row per transaction (the first statement
-- adds it, later ones find it), then drops a few rows older than an hour, skipping rows another writer is
-- dropping, so writers never wait for each other here.
CREATE FUNCTION "catalog_search_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  added integer;
BEGIN
  INSERT INTO "catalog_search_changes" ("xid") VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS added = ROW_COUNT;
  IF added > 0 THEN
    DELETE FROM "catalog_search_changes" WHERE "xid" IN (
      SELECT "xid" FROM "catalog_search_changes" ORDER BY "xid" LIMIT 20 FOR UPDATE SKIP LOCKED
    ) AND "at" < clock_timestamp() - interval '1 hour';
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "catalog_search_terms_changed_trigger" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON "catalog_search_terms" FOR EACH STATEMENT EXECUTE FUNCTION "catalog_search_changed"();--> statement-breakpoint
CREATE TRIGGER "catalog_search_words_changed_trigger" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON "catalog_search_words" FOR EACH STATEMENT EXECUTE FUNCTION "catalog_search_changed"();--> statement-breakpoint
CREATE TRIGGER "team_memberships_changed_trigger" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON "team_memberships" FOR EACH STATEMENT EXECUTE FUNCTION "catalog_search_changed"();
