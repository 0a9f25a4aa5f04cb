-- The mark of the latest rollup step that added events of each project's day (lib/metrics/rollups/day-cache.ts).
-- No rows to fill in: a result kept over whole days is read after this migration, at a mark past every earlier step.
CREATE TABLE "rollup_day_changes" (
	"project_id" uuid NOT NULL,
	"day" timestamp with time zone NOT NULL,
	"rolled_through" timestamp with time zone NOT NULL,
	CONSTRAINT "rollup_day_changes_pk" PRIMARY KEY("project_id","day")
);
--> statement-breakpoint
ALTER TABLE "rollup_day_changes" ADD CONSTRAINT "rollup_day_changes_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;