-- Per-user rows per week too (weeks start on Thursdays 00:00 UTC, aligned to the epoch like every bucket), so the
-- 30-day active users read four week rows per user instead of up to thirty day rows. Built here from the day rows
-- already rolled up, under the rollup job's lock so the job neither adds rows meanwhile nor builds them twice;
-- from now on the job adds every event to its week as to its day and hour.
SELECT 1 FROM "metric_rollup_state" WHERE "id" = 1 FOR UPDATE;--> statement-breakpoint
ALTER TABLE "user_rollups" DROP CONSTRAINT "user_rollups_grain_check";--> statement-breakpoint
ALTER TABLE "user_rollups" ADD CONSTRAINT "user_rollups_grain_check" CHECK ("user_rollups"."grain" in ('hour', 'day', 'week'));--> statement-breakpoint
INSERT INTO "user_rollups" AS r ("project_id", "grain", "type", "bucket", "service", "environment", "model", "user_id", "n", "sum_cost", "last_ms")
SELECT "project_id", 'week', "type", date_bin('7 days', "bucket", timestamptz '1970-01-01 00:00:00+00'), "service", "environment",
	"model", "user_id", sum("n"), sum("sum_cost"), max("last_ms")
FROM "user_rollups"
WHERE "grain" = 'day'
GROUP BY 1, 3, 4, 5, 6, 7, 8
ON CONFLICT ON CONSTRAINT "user_rollups_pk" DO NOTHING;
