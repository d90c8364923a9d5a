CREATE TABLE "skill_artifacts" (
	"format" text NOT NULL,
	"tree_sha" text NOT NULL,
	"type" text NOT NULL,
	"digest" text NOT NULL,
	"paths" text[] NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "skill_artifacts_pkey" PRIMARY KEY("format","tree_sha"),
	CONSTRAINT "skill_artifacts_type_check" CHECK ("skill_artifacts"."type" in ('skill-md', 'archive'))
);
