-- Metric rollups (issue 10): per project, per minute, hour and day, per dimension set, additive measures
-- and mergeable histograms (lib/metrics/histogram.ts) of the duration-like fields. The shape of a row is
-- defined once in lib/metrics/rollups/shape.ts; the job in lib/metrics/rollups/job.ts fills it from
-- raw events by their received_at, recorded in metric_rollup_state.rolled_through.
CREATE TABLE "metric_rollups" (
	"project_id" uuid NOT NULL REFERENCES "projects"("id") ON DELETE CASCADE,
	"grain" text NOT NULL,
	"type" text NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"service" text NOT NULL,
	"environment" text NOT NULL,
	"model" text NOT NULL,
	"path" text NOT NULL,
	"name" text NOT NULL,
	"class" text NOT NULL,
	"labels" text NOT NULL,
	"n" bigint NOT NULL,
	"sum_duration" double precision,
	"n_duration" bigint,
	"sum_ttft" double precision,
	"n_ttft" bigint,
	"sum_value" double precision,
	"n_value" bigint,
	"min_value" double precision,
	"max_value" double precision,
	"sum_in" bigint,
	"sum_out" bigint,
	"sum_cache_read" bigint,
	"sum_cache_write" bigint,
	"sum_cost" double precision,
	"n_cached" bigint,
	"n_cached_hit" bigint,
	"sum_results" bigint,
	"n_results" bigint,
	"sum_length" bigint,
	"n_length" bigint,
	"h_duration" bigint[],
	"h_ttft" bigint[],
	"h_ttfr" bigint[],
	"h_value" bigint[],
	"h_length" bigint[],
	CONSTRAINT "metric_rollups_grain_check" CHECK ("grain" IN ('minute', 'hour', 'day')),
	CONSTRAINT "metric_rollups_pk" PRIMARY KEY ("project_id", "grain", "type", "bucket", "service", "environment", "model", "path", "name", "class", "labels")
);
--> statement-breakpoint
CREATE INDEX "metric_rollups_grain_bucket_idx" ON "metric_rollups" ("grain", "bucket");
--> statement-breakpoint
CREATE TABLE "metric_rollup_state" (
	"id" smallint PRIMARY KEY DEFAULT 1 CHECK ("id" = 1),
	"rolled_through" timestamp with time zone NOT NULL
);
--> statement-breakpoint
-- Nothing is rolled up yet: the job starts at the oldest stored event.
INSERT INTO "metric_rollup_state" ("id", "rolled_through")
	VALUES (1, coalesce((SELECT min("received_at") FROM "events"), now()));
--> statement-breakpoint
-- Merges two sparse histograms stored as flat [bin, count, bin, count, ...] arrays sorted by bin.
CREATE OR REPLACE FUNCTION "cw_hist_merge"(a bigint[], b bigint[]) RETURNS bigint[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a ELSE (
		SELECT array_agg(CASE s.k WHEN 0 THEN p.bin ELSE p.n END ORDER BY p.bin, s.k)
		FROM (
			SELECT x.h[i] AS bin, sum(x.h[i + 1])::bigint AS n
			FROM (SELECT a AS h UNION ALL SELECT b) AS x, generate_series(1, cardinality(x.h), 2) AS i
			GROUP BY 1
		) AS p, (VALUES (0), (1)) AS s(k)
	) END
$$;
--> statement-breakpoint
-- The default response-time rules now evaluate the time to first response (a streamed answer's first token,
-- any other answer's duration): move the defaults that still read the whole response duration.
UPDATE "alert_rules"
	SET "definition" = jsonb_set(jsonb_set("definition", '{metric}', '"p95_first_response_ms"'), '{description}',
		to_jsonb(replace("definition"->>'description', 'p95 response time', 'p95 time to first response'))),
		"description" = replace("description", 'p95 response time', 'p95 time to first response'),
		"updated_at" = now()
	WHERE "key" = 'latency-vs-baseline' AND "definition"->>'metric' = 'p95_response_ms';
--> statement-breakpoint
UPDATE "alert_rules"
	SET "definition" = jsonb_set(jsonb_set(jsonb_set("definition", '{metric}', '"p95_first_response_ms"'), '{name}',
		'"p95 time to first response above 2 s"'), '{description}',
		'"The 95th percentile time to first response (first token of a streamed answer, else its duration) exceeded 2 seconds over the last minute."'),
		"name" = 'p95 time to first response above 2 s',
		"description" = 'The 95th percentile time to first response (first token of a streamed answer, else its duration) exceeded 2 seconds over the last minute.',
		"updated_at" = now()
	WHERE "key" = 'p95-response-time' AND "definition"->>'metric' = 'p95_response_ms' AND "name" = 'p95 response time above 2 s';
