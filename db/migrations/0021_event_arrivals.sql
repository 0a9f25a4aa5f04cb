CREATE TABLE "event_arrivals" (
	"project_id" uuid NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"oldest_ts" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "event_arrivals" ADD CONSTRAINT "event_arrivals_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "event_arrivals_project_received_idx" ON "event_arrivals" USING btree ("project_id","received_at");--> statement-breakpoint
-- The statement trigger of events (0002, kept on the partitioned table by 0009) also records where each
-- statement's rows lie: per project, their latest received_at and their oldest ts. A read's tail bound is the
-- oldest ts of the rows received since the rollup job's mark (lib/metrics/rollups/read.ts).
CREATE OR REPLACE FUNCTION "event_activity_rollup"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO "event_activity_hourly" AS a
		("project_id", "hour", "service", "environment", "user_id", "session_id", "first_ts", "last_ts", "events", "messages")
	SELECT "project_id", date_bin('1 hour', "ts", timestamptz '1970-01-01 00:00:00+00'), "service",
		coalesce("environment", ''), coalesce("user_id", ''), coalesce("session_id", ''),
		min("ts"), max("ts"), count(*), count(*) FILTER (WHERE "type" = 'message.received')
	FROM new_events
	GROUP BY 1, 2, 3, 4, 5, 6
	ORDER BY 1, 2, 3, 4, 5, 6
	ON CONFLICT ("project_id", "hour", "service", "environment", "user_id", "session_id") DO UPDATE SET
		"first_ts" = least(a."first_ts", excluded."first_ts"),
		"last_ts" = greatest(a."last_ts", excluded."last_ts"),
		"events" = a."events" + excluded."events",
		"messages" = a."messages" + excluded."messages";
	INSERT INTO "event_arrivals" ("project_id", "received_at", "oldest_ts")
	SELECT "project_id", max("received_at"), min("ts") FROM new_events GROUP BY 1;
	RETURN NULL;
END
$$;
--> statement-breakpoint
-- The events stored before this migration and not rolled up yet (the trigger's new body is in force from
-- this transaction on).
INSERT INTO "event_arrivals" ("project_id", "received_at", "oldest_ts")
SELECT "project_id", max("received_at"), min("ts") FROM "events"
WHERE "received_at" >= coalesce((SELECT "rolled_through" FROM "metric_rollup_state" WHERE "id" = 1), '-infinity'::timestamptz)
GROUP BY 1;
