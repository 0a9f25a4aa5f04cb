CREATE TABLE "session_dirty_days" (
	"project_id" uuid NOT NULL,
	"day" timestamp with time zone NOT NULL,
	CONSTRAINT "session_dirty_days_pk" PRIMARY KEY("project_id","day")
);
--> statement-breakpoint
CREATE TABLE "session_parts" (
	"project_id" uuid NOT NULL,
	"day" timestamp with time zone NOT NULL,
	"session_id" text NOT NULL,
	"service" text NOT NULL,
	"environment" text NOT NULL,
	"first_ts" timestamp with time zone NOT NULL,
	"last_ts" timestamp with time zone NOT NULL,
	"messages" bigint NOT NULL,
	CONSTRAINT "session_parts_pk" PRIMARY KEY("project_id","day","session_id","service","environment")
);
--> statement-breakpoint
CREATE TABLE "session_rollups" (
	"project_id" uuid NOT NULL,
	"day" timestamp with time zone NOT NULL,
	"service" text NOT NULL,
	"environment" text NOT NULL,
	"sessions" bigint NOT NULL,
	"messages" bigint NOT NULL,
	"sum_duration" double precision NOT NULL,
	"h_duration" bigint[],
	CONSTRAINT "session_rollups_pk" PRIMARY KEY("project_id","day","service","environment")
);
--> statement-breakpoint
CREATE TABLE "session_spans" (
	"project_id" uuid NOT NULL,
	"session_id" text NOT NULL,
	"first_ts" timestamp with time zone NOT NULL,
	"last_ts" timestamp with time zone NOT NULL,
	CONSTRAINT "session_spans_pk" PRIMARY KEY("project_id","session_id")
);
--> statement-breakpoint
ALTER TABLE "session_dirty_days" ADD CONSTRAINT "session_dirty_days_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_parts" ADD CONSTRAINT "session_parts_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_rollups" ADD CONSTRAINT "session_rollups_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_spans" ADD CONSTRAINT "session_spans_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "session_parts_day_idx" ON "session_parts" USING btree ("day");--> statement-breakpoint
CREATE INDEX "session_spans_last_ts_idx" ON "session_spans" USING btree ("last_ts");--> statement-breakpoint
-- The sessions stored so far: their spans from the hourly activity (which also holds events not rolled up yet:
-- a wider span only makes a session count as spanning days, read per session), and every day that holds a
-- session marked dirty, so the rollup job builds the session rollups of the days kept; until it has, reads
-- take those days from event_activity_hourly.
INSERT INTO "session_spans" ("project_id", "session_id", "first_ts", "last_ts")
SELECT "project_id", "session_id", min("first_ts"), max("last_ts") FROM "event_activity_hourly"
WHERE "session_id" <> '' GROUP BY "project_id", "session_id";--> statement-breakpoint
INSERT INTO "session_dirty_days" ("project_id", "day")
SELECT DISTINCT "project_id", date_bin(interval '1 day', "hour", timestamptz '1970-01-01 00:00:00+00')
FROM "event_activity_hourly" WHERE "session_id" <> '';
