CREATE TABLE "error_rollups" (
	"project_id" uuid NOT NULL,
	"grain" text NOT NULL,
	"type" text NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"service" text NOT NULL,
	"environment" text NOT NULL,
	"path" text NOT NULL,
	"name" text NOT NULL,
	"error_type" text NOT NULL,
	"message" text NOT NULL,
	"message_md5" text GENERATED ALWAYS AS (md5(message)) STORED NOT NULL,
	"n" bigint NOT NULL,
	"last_ms" double precision,
	CONSTRAINT "error_rollups_pk" PRIMARY KEY("project_id","grain","bucket","service","environment","path","name","error_type","message_md5"),
	CONSTRAINT "error_rollups_grain_check" CHECK ("error_rollups"."grain" in ('day', 'week'))
);
--> statement-breakpoint
ALTER TABLE "error_rollups" ADD CONSTRAINT "error_rollups_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- The errors already rolled up into metric_rollups enter the error list's rollup too (those after the mark are read raw).
INSERT INTO "error_rollups" ("project_id", "grain", "bucket", "type", "service", "environment", "path", "name", "error_type", "message", "n", "last_ms")
SELECT e.project_id, g.grain, date_bin(g.step, e.ts, timestamptz '1970-01-01 00:00:00+00'), 'error', e.service,
  coalesce(e.environment, ''), coalesce(e.route, ''), coalesce(e.source, ''), coalesce(e.error_type, ''),
  coalesce(e.message, ''), count(*), max(extract(epoch from e.ts) * 1000)
FROM "events" e
  CROSS JOIN (VALUES ('day', interval '86400 seconds'), ('week', interval '604800 seconds')) AS g(grain, step)
WHERE e.type = 'error'
  AND e.received_at < coalesce((SELECT rolled_through FROM metric_rollup_state WHERE id = 1), '-infinity'::timestamptz)
GROUP BY 1, 2, 3, 5, 6, 7, 8, 9, 10;
