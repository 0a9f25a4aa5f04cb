CREATE TABLE "user_index" (
	"project_id" uuid NOT NULL,
	"user_id" text NOT NULL,
	"idx" integer NOT NULL,
	"last_seen" timestamp with time zone NOT NULL,
	CONSTRAINT "user_index_pk" PRIMARY KEY("project_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "user_sets" (
	"project_id" uuid NOT NULL,
	"grain" text NOT NULL,
	"type" text NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"service" text NOT NULL,
	"environment" text NOT NULL,
	"model" text NOT NULL,
	"chunk" integer NOT NULL,
	"users" bit varying NOT NULL,
	"sum_cost" double precision,
	CONSTRAINT "user_sets_pk" PRIMARY KEY("project_id","grain","type","bucket","service","environment","model","chunk"),
	CONSTRAINT "user_sets_grain_check" CHECK ("user_sets"."grain" in ('hour', 'day', 'week'))
);
--> statement-breakpoint
ALTER TABLE "user_index" ADD CONSTRAINT "user_index_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_sets" ADD CONSTRAINT "user_sets_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "user_index_idx_key" ON "user_index" USING btree ("project_id","idx");--> statement-breakpoint
CREATE INDEX "user_index_last_seen_idx" ON "user_index" USING btree ("last_seen");--> statement-breakpoint
-- Every user already rolled up gets a number, in the order of their first bucket (the job numbers later ones).
INSERT INTO "user_index" ("project_id", "user_id", "idx", "last_seen")
SELECT project_id, user_id,
  row_number() OVER (PARTITION BY project_id ORDER BY min(bucket), user_id COLLATE "C") - 1,
  to_timestamp(max(last_ms) / 1000)
FROM "user_rollups"
WHERE service <> ''
GROUP BY project_id, user_id;
--> statement-breakpoint
-- The user sets of what is rolled up, from the per-user rows (one per value of service, environment and model),
-- in chunks of 4,096 numbers (USER_CHUNK_BITS); the events after the mark are read raw until the job adds them.
INSERT INTO "user_sets" ("project_id", "grain", "type", "bucket", "service", "environment", "model", "chunk", "users", "sum_cost")
SELECT r.project_id, r.grain, r.type, r.bucket, r.service, r.environment, r.model, d.idx / 4096,
  bit_or(set_bit(repeat('0', 4096)::varbit, d.idx % 4096, 1)),
  sum(r.sum_cost) FILTER (WHERE r.type = 'ai.call')
FROM "user_rollups" AS r
  JOIN "user_index" AS d ON d.project_id = r.project_id AND d.user_id = r.user_id
WHERE r.service <> ''
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
--> statement-breakpoint
-- Active users are counted from user_sets now: user_rollups keeps the AI calls' users only (top users by cost).
DELETE FROM "user_rollups" WHERE type = '*';
