-- The top users by cost take each bucket's users from the most expensive down (lib/metrics/rollups/read.ts,
-- prunedTopUsers): the rows of every service together, ordered by cost within their bucket. The index keeps
-- serving the range scans of 0015's (same leading columns, same columns included) and replaces it.
CREATE INDEX IF NOT EXISTS "user_rollups_cost_idx" ON "user_rollups" ("project_id", "type", "grain", "bucket", "sum_cost" DESC NULLS LAST) INCLUDE ("user_id", "n", "last_ms") WHERE "service" = '';--> statement-breakpoint
DROP INDEX IF EXISTS "user_rollups_every_service_idx";
