-- The mark of the latest rollup step that added events of each project's quarter hours and days
-- (lib/metrics/rollups/kept.ts). No rows to fill in: a kept result is read after this migration, at a mark past
-- every earlier step.
CREATE TABLE "rollup_changes" (
	"project_id" uuid NOT NULL,
	"grain" text NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"rolled_through" timestamp with time zone NOT NULL,
	CONSTRAINT "rollup_changes_pk" PRIMARY KEY("project_id","grain","bucket"),
	CONSTRAINT "rollup_changes_grain_check" CHECK ("rollup_changes"."grain" in ('quarter', 'day'))
);
--> statement-breakpoint
ALTER TABLE "rollup_changes" ADD CONSTRAINT "rollup_changes_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;