-- Users counted once per user and bucket whatever their service, environment and model: user_rollups keeps,
-- beside the rows per service, environment and model of each type, rows with service, environment and model ''
-- (no stored event has service '': ingest requires one). Built here from the rows already rolled up, under the
-- rollup job's lock so the job neither adds rows meanwhile nor builds them twice; from now on the job adds both.
SELECT 1 FROM "metric_rollup_state" WHERE "id" = 1 FOR UPDATE;--> statement-breakpoint
INSERT INTO "user_rollups" AS r ("project_id", "grain", "type", "bucket", "service", "environment", "model", "user_id", "n", "sum_cost", "last_ms")
SELECT "project_id", "grain", "type", "bucket", '', '', '', "user_id", sum("n"), sum("sum_cost"), max("last_ms")
FROM "user_rollups"
WHERE "service" <> ''
GROUP BY "project_id", "grain", "type", "bucket", "user_id"
ON CONFLICT ON CONSTRAINT "user_rollups_pk" DO NOTHING;
