-- The session buckets each rollup step rebuilt, with the step's mark: the session figures keep a range's middle
-- buckets in process and read again those rebuilt since (lib/metrics/queries/sessions.ts). Starts empty: a process
-- keeps nothing across the upgrade, so nothing kept can predate it.
CREATE TABLE "session_changes" (
	"project_id" uuid NOT NULL,
	"grain" text NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"rolled_through" timestamp with time zone NOT NULL,
	CONSTRAINT "session_changes_pk" PRIMARY KEY("project_id","grain","bucket"),
	CONSTRAINT "session_changes_grain_check" CHECK ("session_changes"."grain" in ('hour', 'day'))
);
--> statement-breakpoint
ALTER TABLE "session_changes" ADD CONSTRAINT "session_changes_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;