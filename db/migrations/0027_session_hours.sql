-- Session rollups per hour as well as per day (lib/metrics/rollups/sessions.ts): a range's whole days come from
-- the day rows, its whole hours at the edges from the hour rows, so a 24-hour range no longer reads every session
-- of its day from event_activity_hourly. The existing rows are day rows: the column "day" becomes "bucket" and a
-- "grain" column says which.
ALTER TABLE "session_rollups" RENAME COLUMN "day" TO "bucket";--> statement-breakpoint
ALTER TABLE "session_rollups" ADD COLUMN "grain" text DEFAULT 'day' NOT NULL;--> statement-breakpoint
ALTER TABLE "session_rollups" ALTER COLUMN "grain" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "session_rollups" DROP CONSTRAINT "session_rollups_pk";--> statement-breakpoint
ALTER TABLE "session_rollups" ADD CONSTRAINT "session_rollups_pk" PRIMARY KEY("project_id","grain","bucket","service","environment");--> statement-breakpoint
ALTER TABLE "session_rollups" ADD CONSTRAINT "session_rollups_grain_check" CHECK ("session_rollups"."grain" in ('hour', 'day'));--> statement-breakpoint
ALTER TABLE "session_parts" RENAME COLUMN "day" TO "bucket";--> statement-breakpoint
ALTER TABLE "session_parts" ADD COLUMN "grain" text DEFAULT 'day' NOT NULL;--> statement-breakpoint
ALTER TABLE "session_parts" ALTER COLUMN "grain" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "session_parts" DROP CONSTRAINT "session_parts_pk";--> statement-breakpoint
ALTER TABLE "session_parts" ADD CONSTRAINT "session_parts_pk" PRIMARY KEY("project_id","grain","bucket","session_id","service","environment");--> statement-breakpoint
ALTER TABLE "session_parts" ADD CONSTRAINT "session_parts_grain_check" CHECK ("session_parts"."grain" in ('hour', 'day'));--> statement-breakpoint
ALTER INDEX "session_parts_day_idx" RENAME TO "session_parts_bucket_idx";--> statement-breakpoint
-- The read takes the parts of a range's pieces of one grain in one index-only range scan (see migration 0020).
DROP INDEX IF EXISTS "session_parts_read_idx";--> statement-breakpoint
CREATE INDEX "session_parts_read_idx" ON "session_parts" ("project_id", "grain", "bucket") INCLUDE ("session_id", "service", "environment", "first_ts", "last_ts", "messages");--> statement-breakpoint
ALTER TABLE "session_dirty_days" RENAME TO "session_dirty_buckets";--> statement-breakpoint
ALTER TABLE "session_dirty_buckets" RENAME COLUMN "day" TO "bucket";--> statement-breakpoint
ALTER TABLE "session_dirty_buckets" RENAME CONSTRAINT "session_dirty_days_project_id_projects_id_fk" TO "session_dirty_buckets_project_id_projects_id_fk";--> statement-breakpoint
ALTER TABLE "session_dirty_buckets" ADD COLUMN "grain" text DEFAULT 'day' NOT NULL;--> statement-breakpoint
ALTER TABLE "session_dirty_buckets" ALTER COLUMN "grain" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "session_dirty_buckets" DROP CONSTRAINT "session_dirty_days_pk";--> statement-breakpoint
ALTER TABLE "session_dirty_buckets" ADD CONSTRAINT "session_dirty_buckets_pk" PRIMARY KEY("project_id","grain","bucket");--> statement-breakpoint
ALTER TABLE "session_dirty_buckets" ADD CONSTRAINT "session_dirty_buckets_grain_check" CHECK ("session_dirty_buckets"."grain" in ('hour', 'day'));--> statement-breakpoint
-- Every hour that holds a session is dirty: the rollup job builds its hour rows (a month of hours per step);
-- until it has, reads take those hours from event_activity_hourly, as before.
INSERT INTO "session_dirty_buckets" ("project_id", "grain", "bucket")
SELECT DISTINCT "project_id", 'hour', "hour" FROM "event_activity_hourly" WHERE "session_id" <> ''
ON CONFLICT DO NOTHING;
