-- Time-partitioned raw events (issue 10). drizzle-kit cannot declare partitioning, INCLUDE columns or
-- triggers, hence this custom file. `events` becomes a table partitioned by RANGE (ts), one partition per UTC
-- day named events_pYYYYMMDD. The app creates partitions ahead of need (db/partitions.ts: at first use, on
-- the cron, and on an ingest that finds none); retention drops whole partitions (lib/retention/run.ts).
-- The rows stored so far are copied under this migration's lock: ingest waits (or answers 503) meanwhile, for
-- a time that grows with the rows stored.
-- 1. The old table steps aside; its indexes go now (their names are taken again below), its trigger with it.
ALTER TABLE "events" RENAME TO "events_unpartitioned";
--> statement-breakpoint
DROP TRIGGER IF EXISTS "events_activity_rollup" ON "events_unpartitioned";
--> statement-breakpoint
DROP INDEX IF EXISTS "events_project_type_ts_idx";
--> statement-breakpoint
DROP INDEX IF EXISTS "events_project_ts_idx";
--> statement-breakpoint
DROP INDEX IF EXISTS "events_ai_conversation_idx";
--> statement-breakpoint
ALTER TABLE "events_unpartitioned" DROP CONSTRAINT "events_project_id_event_id_pk";
--> statement-breakpoint
-- 2. The partitioned table, with the same columns in the same order.
CREATE TABLE "events" (
	"project_id" uuid NOT NULL,
	"event_id" text NOT NULL,
	"type" text NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"user_id" text,
	"session_id" text,
	"conversation_id" text,
	"trace_id" text,
	"span_id" text,
	"service" text DEFAULT 'app' NOT NULL,
	"environment" text,
	"release" text,
	"model" text,
	"provider" text,
	"duration_ms" double precision,
	"ttft_ms" double precision,
	"input_tokens" integer,
	"output_tokens" integer,
	"cache_read_tokens" integer,
	"cache_write_tokens" integer,
	"cost_usd" double precision,
	"temperature" real,
	"context_length" integer,
	"status" text,
	"http_status" smallint,
	"error_type" text,
	"source" text,
	"level" text,
	"route" text,
	"method" text,
	"path" text,
	"name" text,
	"value" double precision,
	"unit" text,
	"score" smallint,
	"outcome" text,
	"operation" text,
	"cache_name" text,
	"hit" boolean,
	"cached" boolean,
	"streamed" boolean,
	"length" integer,
	"request_bytes" integer,
	"response_bytes" integer,
	"result_count" integer,
	"top_score" real,
	"message" text,
	"attributes" jsonb
) PARTITION BY RANGE ("ts");
--> statement-breakpoint
ALTER TABLE "events_unpartitioned" DROP CONSTRAINT "events_project_id_projects_id_fk";
--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
-- 3. A partition for every UTC day the stored rows fall on (later days are the app's job).
DO $$
DECLARE
	day date;
BEGIN
	FOR day IN SELECT DISTINCT ("ts" AT TIME ZONE 'UTC')::date FROM "events_unpartitioned" ORDER BY 1 LOOP
		EXECUTE format(
			'CREATE TABLE IF NOT EXISTS %I PARTITION OF "events" FOR VALUES FROM (%L) TO (%L)',
			'events_p' || to_char(day, 'YYYYMMDD'),
			to_char(day, 'YYYY-MM-DD') || ' 00:00:00+00',
			to_char(day + 1, 'YYYY-MM-DD') || ' 00:00:00+00'
		);
	END LOOP;
END
$$;
--> statement-breakpoint
-- 4. The rows, then the table's keys and indexes, built once per partition over the copied rows. No trigger
--    yet: event_activity_hourly already counts these rows.
INSERT INTO "events" ("project_id", "event_id", "type", "ts", "received_at", "user_id", "session_id", "conversation_id",
	"trace_id", "span_id", "service", "environment", "release", "model", "provider", "duration_ms", "ttft_ms",
	"input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "cost_usd", "temperature",
	"context_length", "status", "http_status", "error_type", "source", "level", "route", "method", "path",
	"name", "value", "unit", "score", "outcome", "operation", "cache_name", "hit", "cached", "streamed",
	"length", "request_bytes", "response_bytes", "result_count", "top_score", "message", "attributes")
SELECT "project_id", "event_id", "type", "ts", "received_at", "user_id", "session_id", "conversation_id",
	"trace_id", "span_id", "service", "environment", "release", "model", "provider", "duration_ms", "ttft_ms",
	"input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "cost_usd", "temperature",
	"context_length", "status", "http_status", "error_type", "source", "level", "route", "method", "path",
	"name", "value", "unit", "score", "outcome", "operation", "cache_name", "hit", "cached", "streamed",
	"length", "request_bytes", "response_bytes", "result_count", "top_score", "message", "attributes"
FROM "events_unpartitioned";
--> statement-breakpoint
DROP TABLE "events_unpartitioned";
--> statement-breakpoint
-- The unique key of a partitioned table must contain the partition column: an event is stored once per
-- (project, id, ts), so a client retrying an event keeps its timestamp as well as its id (README).
ALTER TABLE "events" ADD CONSTRAINT "events_project_id_event_id_ts_pk" PRIMARY KEY ("project_id", "event_id", "ts");
--> statement-breakpoint
CREATE INDEX "events_project_type_ts_idx" ON "events" USING btree ("project_id", "type", "ts") INCLUDE (
	"service", "environment", "model", "status", "error_type", "http_status", "route", "duration_ms", "ttft_ms",
	"input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "cost_usd", "cached", "streamed",
	"length", "operation", "cache_name", "hit", "name", "value", "unit", "path", "score", "temperature",
	"context_length", "result_count", "user_id"
);
--> statement-breakpoint
CREATE INDEX "events_project_ts_idx" ON "events" USING btree ("project_id", "ts");
--> statement-breakpoint
CREATE INDEX "events_ai_conversation_idx" ON "events" USING btree ("project_id", "conversation_id", "ts") WHERE type = 'ai.call' and conversation_id is not null;
--> statement-breakpoint
-- The rollup job scans recent received_at ranges; received_at follows the physical order of inserts.
CREATE INDEX "events_received_at_brin" ON "events" USING brin ("received_at") WITH (pages_per_range = 32);
--> statement-breakpoint
-- 5. event_activity_hourly follows every insert again; a statement trigger with a transition table on the
--    partitioned parent sees the rows of every partition (function from 0002_dashboard_reads).
CREATE TRIGGER "events_activity_rollup" AFTER INSERT ON "events"
	REFERENCING NEW TABLE AS new_events
	FOR EACH STATEMENT EXECUTE FUNCTION "event_activity_rollup"();
