-- Dashboard reads (issue 3). drizzle-kit cannot declare INCLUDE columns or triggers, hence this custom file.
-- 1. The (project_id, type, ts) index carries the fields the dashboards aggregate, so a dashboard reads one
--    event type with an index-only scan instead of visiting every heap page (types interleave in time).
--    Postgres allows 32 index columns in all: 3 keys + 29 included.
DROP INDEX IF EXISTS "events_project_type_ts_idx";
--> statement-breakpoint
CREATE INDEX "events_project_type_ts_idx" ON "events" USING btree ("project_id", "type", "ts") INCLUDE (
	"service", "environment", "model", "status", "error_type", "http_status", "route", "duration_ms", "ttft_ms",
	"input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "cost_usd", "cached", "streamed",
	"length", "operation", "cache_name", "hit", "name", "value", "unit", "path", "score", "temperature",
	"context_length", "result_count", "user_id"
);
--> statement-breakpoint
-- 2. event_activity_hourly follows every insert into events (COPY included): one grouped upsert per
--    statement, in key order so concurrent batches lock rows in the same order.
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
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "events_activity_rollup" AFTER INSERT ON "events"
	REFERENCING NEW TABLE AS new_events
	FOR EACH STATEMENT EXECUTE FUNCTION "event_activity_rollup"();
--> statement-breakpoint
-- 3. Roll up the events stored before this migration (the trigger, created above in the same transaction,
--    already holds the lock that makes concurrent inserts wait for it).
INSERT INTO "event_activity_hourly"
	("project_id", "hour", "service", "environment", "user_id", "session_id", "first_ts", "last_ts", "events", "messages")
SELECT "project_id", date_bin('1 hour', "ts", timestamptz '1970-01-01 00:00:00+00'), "service",
	coalesce("environment", ''), coalesce("user_id", ''), coalesce("session_id", ''),
	min("ts"), max("ts"), count(*), count(*) FILTER (WHERE "type" = 'message.received')
FROM "events"
GROUP BY 1, 2, 3, 4, 5, 6;
