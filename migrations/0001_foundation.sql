CREATE TABLE "api_tokens" (
	"id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"display_prefix" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"expires_at" timestamp (3) with time zone,
	"last_used_at" timestamp (3) with time zone,
	"revoked_at" timestamp (3) with time zone,
	CONSTRAINT "api_tokens_pkey" PRIMARY KEY("id"),
	CONSTRAINT "api_tokens_token_hash_key" UNIQUE("token_hash"),
	CONSTRAINT "api_tokens_kind_check" CHECK ("api_tokens"."kind" in ('session', 'personal'))
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" uuid NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"actor_id" uuid,
	"actor_name" text,
	"action" text NOT NULL,
	"target" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"ip" text,
	CONSTRAINT "audit_log_pkey" PRIMARY KEY("id")
);
--> statement-breakpoint
CREATE TABLE "catalog_items" (
	"id" uuid NOT NULL,
	"kind" text NOT NULL,
	"namespace" text NOT NULL,
	"name" text NOT NULL,
	"git_path" text NOT NULL,
	"tree_sha" text NOT NULL,
	"commit_sha" text NOT NULL,
	"manifest" jsonb NOT NULL,
	"title" text,
	"description" text NOT NULL,
	"version" text,
	"owner_user_id" uuid,
	"team_id" uuid,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"visibility" text NOT NULL,
	"status" text NOT NULL,
	"status_message" text,
	"problems" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"usage_count" integer DEFAULT 0 NOT NULL,
	"search" "tsvector" NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "catalog_items_pkey" PRIMARY KEY("id"),
	CONSTRAINT "catalog_items_kind_namespace_name_key" UNIQUE("kind","namespace","name"),
	CONSTRAINT "catalog_items_git_path_key" UNIQUE("git_path"),
	CONSTRAINT "catalog_items_kind_check" CHECK ("catalog_items"."kind" in ('skill', 'mcp', 'tool')),
	CONSTRAINT "catalog_items_visibility_check" CHECK ("catalog_items"."visibility" in ('org', 'team')),
	CONSTRAINT "catalog_items_status_check" CHECK ("catalog_items"."status" in ('active', 'deprecated', 'deleted', 'invalid')),
	CONSTRAINT "catalog_items_usage_count_check" CHECK ("catalog_items"."usage_count" >= 0)
);
--> statement-breakpoint
CREATE TABLE "item_versions" (
	"id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"commit_sha" text NOT NULL,
	"tree_sha" text NOT NULL,
	"version" text,
	"published_by" uuid,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "item_versions_pkey" PRIMARY KEY("id"),
	CONSTRAINT "item_versions_item_id_commit_sha_key" UNIQUE("item_id","commit_sha")
);
--> statement-breakpoint
CREATE TABLE "namespaces" (
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "namespaces_pkey" PRIMARY KEY("name"),
	CONSTRAINT "namespaces_kind_check" CHECK ("namespaces"."kind" in ('user', 'team')),
	CONSTRAINT "namespaces_name_check" CHECK ("namespaces"."name" = lower("namespaces"."name"))
);
--> statement-breakpoint
CREATE TABLE "team_memberships" (
	"team_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "team_memberships_pkey" PRIMARY KEY("team_id","user_id"),
	CONSTRAINT "team_memberships_role_check" CHECK ("team_memberships"."role" in ('owner', 'maintainer', 'member'))
);
--> statement-breakpoint
CREATE TABLE "teams" (
	"id" uuid NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "teams_pkey" PRIMARY KEY("id"),
	CONSTRAINT "teams_slug_key" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid NOT NULL,
	"email" text NOT NULL,
	"username" text NOT NULL,
	"display_name" text NOT NULL,
	"password_hash" text,
	"is_admin" boolean DEFAULT false NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "users_pkey" PRIMARY KEY("id"),
	CONSTRAINT "users_username_key" UNIQUE("username")
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog_items" ADD CONSTRAINT "catalog_items_owner_user_id_fkey" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog_items" ADD CONSTRAINT "catalog_items_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_versions" ADD CONSTRAINT "item_versions_item_id_fkey" FOREIGN KEY ("item_id") REFERENCES "public"."catalog_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_versions" ADD CONSTRAINT "item_versions_published_by_fkey" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_memberships" ADD CONSTRAINT "team_memberships_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "team_memberships" ADD CONSTRAINT "team_memberships_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "teams" ADD CONSTRAINT "teams_slug_fkey" FOREIGN KEY ("slug") REFERENCES "public"."namespaces"("name") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_username_fkey" FOREIGN KEY ("username") REFERENCES "public"."namespaces"("name") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_tokens_user_id_idx" ON "api_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "audit_log_actor_id_idx" ON "audit_log" USING btree ("actor_id");--> statement-breakpoint
CREATE INDEX "audit_log_action_idx" ON "audit_log" USING btree ("action");--> statement-breakpoint
CREATE INDEX "audit_log_target_idx" ON "audit_log" USING btree ("target");--> statement-breakpoint
CREATE INDEX "catalog_items_search_idx" ON "catalog_items" USING gin ("search");--> statement-breakpoint
CREATE INDEX "catalog_items_name_trgm_idx" ON "catalog_items" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "catalog_items_tags_idx" ON "catalog_items" USING gin ("tags");--> statement-breakpoint
CREATE INDEX "catalog_items_updated_at_id_idx" ON "catalog_items" USING btree ("updated_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "catalog_items_usage_count_id_idx" ON "catalog_items" USING btree ("usage_count" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "catalog_items_name_id_idx" ON "catalog_items" USING btree ("name" collate "C","id");--> statement-breakpoint
CREATE INDEX "catalog_items_namespace_idx" ON "catalog_items" USING btree ("namespace");--> statement-breakpoint
CREATE INDEX "catalog_items_team_id_idx" ON "catalog_items" USING btree ("team_id");--> statement-breakpoint
CREATE INDEX "catalog_items_owner_user_id_idx" ON "catalog_items" USING btree ("owner_user_id");--> statement-breakpoint
CREATE INDEX "team_memberships_user_id_idx" ON "team_memberships" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_key" ON "users" USING btree (lower("email"));