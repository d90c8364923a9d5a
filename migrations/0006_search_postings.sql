CREATE TABLE "catalog_facet_changes" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "catalog_facet_changes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"reader" uuid NOT NULL,
	"status" text NOT NULL,
	"kind" text NOT NULL,
	"team_id" uuid NOT NULL,
	"tag" text NOT NULL,
	"count" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "catalog_facet_counts" (
	"reader" uuid NOT NULL,
	"status" text NOT NULL,
	"kind" text NOT NULL,
	"team_id" uuid NOT NULL,
	"tag" text NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "catalog_facet_counts_pkey" PRIMARY KEY("kind","team_id","reader","status","tag")
);
--> statement-breakpoint
CREATE TABLE "catalog_search_state" (
	"id" integer NOT NULL,
	"version" integer NOT NULL,
	CONSTRAINT "catalog_search_state_pkey" PRIMARY KEY("id"),
	CONSTRAINT "catalog_search_state_id_check" CHECK ("catalog_search_state"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "catalog_search_terms" (
	"item_id" uuid NOT NULL,
	"term" text NOT NULL,
	"weight" smallint NOT NULL,
	"usage_count" integer NOT NULL,
	"reader" uuid NOT NULL,
	"status" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "catalog_search_words" (
	"word" text NOT NULL,
	"term" text NOT NULL
);
--> statement-breakpoint
DROP INDEX "catalog_items_search_idx";--> statement-breakpoint
DROP INDEX "catalog_items_name_trgm_idx";--> statement-breakpoint
DROP INDEX "catalog_items_updated_at_id_idx";--> statement-breakpoint
DROP INDEX "catalog_items_usage_count_id_idx";--> statement-breakpoint
ALTER TABLE "catalog_items" ADD COLUMN "search_text" text;--> statement-breakpoint
ALTER TABLE "catalog_items" ADD COLUMN "reader" uuid GENERATED ALWAYS AS (case when visibility = 'org' then '00000000-0000-0000-0000-000000000000'::uuid when team_id is not null then team_id else coalesce(owner_user_id, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid) end) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "catalog_search_terms" ADD CONSTRAINT "catalog_search_terms_item_id_fkey" FOREIGN KEY ("item_id") REFERENCES "public"."catalog_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "catalog_facet_counts_team_id_tag_idx" ON "catalog_facet_counts" USING btree ("team_id","tag","reader","status","kind");--> statement-breakpoint
CREATE INDEX "catalog_facet_counts_kind_tag_idx" ON "catalog_facet_counts" USING btree ("kind","tag","reader","status","team_id");--> statement-breakpoint
CREATE INDEX "catalog_search_terms_item_id_idx" ON "catalog_search_terms" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "catalog_search_terms_term_rank_idx" ON "catalog_search_terms" USING btree ("term","weight" DESC NULLS FIRST,"usage_count" DESC NULLS FIRST,"item_id" DESC NULLS FIRST,"reader","status");--> statement-breakpoint
CREATE INDEX "catalog_search_words_word_idx" ON "catalog_search_words" USING btree ("word" collate "C");--> statement-breakpoint
CREATE INDEX "catalog_search_words_word_trgm_idx" ON "catalog_search_words" USING gin ("word" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "catalog_items_id_covering_idx" ON "catalog_items" USING btree ("id","kind","status","team_id","owner_user_id","namespace","usage_count","updated_at","name","tags");--> statement-breakpoint
CREATE INDEX "catalog_items_updated_at_id_idx" ON "catalog_items" USING btree ("updated_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "catalog_items_usage_count_id_idx" ON "catalog_items" USING btree ("usage_count" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
ALTER TABLE "catalog_items" DROP COLUMN "search";--> statement-breakpoint
-- Facet counts, kept by the database: every change to an item's reader key, status, kind, team or tags moves
-- its counts in the writer's transaction. Each item counts once in every combination of its kind or any kind
-- ('*'), its team (the nil uuid for none) or any team (the max uuid), and each of its tags or any tag ('*').
CREATE FUNCTION "catalog_facet_cells"("p_reader" uuid, "p_status" text, "p_kind" text, "p_team_id" uuid, "p_tags" text[], "p_count" integer)
RETURNS TABLE ("reader" uuid, "status" text, "kind" text, "team_id" uuid, "tag" text, "count" integer)
LANGUAGE sql IMMUTABLE AS $$
  SELECT p_reader, p_status, k.kind, t.team_id, g.tag, p_count
  FROM (VALUES (p_kind), ('*')) AS k(kind),
    (VALUES (coalesce(p_team_id, '00000000-0000-0000-0000-000000000000'::uuid)),
      ('ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid)) AS t(team_id),
    (SELECT DISTINCT unnest(p_tags) UNION SELECT '*') AS g(tag)
$$;--> statement-breakpoint
-- Appended, not added in place: writers never wait for each other on a shared count (readers add the
-- changes to the counts, and fold them in now and then).
CREATE FUNCTION "catalog_items_facet_changes"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO "catalog_facet_changes" ("reader", "status", "kind", "team_id", "tag", "count")
    SELECT * FROM "catalog_facet_cells"(OLD."reader", OLD."status", OLD."kind", OLD."team_id", OLD."tags", -1);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO "catalog_facet_changes" ("reader", "status", "kind", "team_id", "tag", "count")
    SELECT * FROM "catalog_facet_cells"(NEW."reader", NEW."status", NEW."kind", NEW."team_id", NEW."tags", 1);
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "catalog_items_facet_changes_trigger" AFTER INSERT OR DELETE ON "catalog_items"
  FOR EACH ROW EXECUTE FUNCTION "catalog_items_facet_changes"();--> statement-breakpoint
CREATE TRIGGER "catalog_items_facet_changes_update_trigger"
  AFTER UPDATE OF "kind", "status", "visibility", "team_id", "owner_user_id", "tags" ON "catalog_items"
  FOR EACH ROW WHEN (OLD."kind" IS DISTINCT FROM NEW."kind" OR OLD."status" IS DISTINCT FROM NEW."status"
    OR OLD."visibility" IS DISTINCT FROM NEW."visibility" OR OLD."team_id" IS DISTINCT FROM NEW."team_id"
    OR OLD."owner_user_id" IS DISTINCT FROM NEW."owner_user_id" OR OLD."tags" IS DISTINCT FROM NEW."tags")
  EXECUTE FUNCTION "catalog_items_facet_changes"();--> statement-breakpoint
INSERT INTO "catalog_facet_counts" ("reader", "status", "kind", "team_id", "tag", "count")
SELECT c."reader", c."status", c."kind", c."team_id", c."tag", sum(c."count")::integer
FROM "catalog_items" i,
  "catalog_facet_cells"(i."reader", i."status", i."kind", i."team_id", i."tags", 1) c
GROUP BY 1, 2, 3, 4, 5;
--> statement-breakpoint
-- The optimal string alignment distance between two words (insertions, deletions, substitutions and
-- transpositions of neighbours), as search-text.ts's editDistance: how far a typo is from a known word.
CREATE FUNCTION "catalog_search_edit_distance"("a" text, "b" text) RETURNS integer
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  la integer := length(a);
  lb integer := length(b);
  before integer[];
  prev integer[];
  cur integer[];
  d integer;
BEGIN
  IF la = 0 THEN RETURN lb; END IF;
  IF lb = 0 THEN RETURN la; END IF;
  prev := array(SELECT generate_series(0, lb));
  FOR i IN 1..la LOOP
    cur := array_fill(0, ARRAY[lb + 1]);
    cur[1] := i;
    FOR j IN 1..lb LOOP
      d := least(prev[j + 1] + 1, cur[j] + 1,
        prev[j] + CASE WHEN substr(a, i, 1) = substr(b, j, 1) THEN 0 ELSE 1 END);
      IF i > 1 AND j > 1 AND substr(a, i, 1) = substr(b, j - 1, 1) AND substr(a, i - 1, 1) = substr(b, j, 1) THEN
        d := least(d, before[j - 1] + 1);
      END IF;
      cur[j + 1] := d;
    END LOOP;
    before := prev;
    prev := cur;
  END LOOP;
  RETURN prev[lb + 1];
END
$$;
