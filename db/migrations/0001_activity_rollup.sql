CREATE TABLE "event_activity_hourly" (
	"project_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"service" text NOT NULL,
	"environment" text NOT NULL,
	"user_id" text NOT NULL,
	"session_id" text NOT NULL,
	"first_ts" timestamp with time zone NOT NULL,
	"last_ts" timestamp with time zone NOT NULL,
	"events" integer NOT NULL,
	"messages" integer NOT NULL,
	CONSTRAINT "event_activity_hourly_pk" PRIMARY KEY("project_id","hour","service","environment","user_id","session_id")
);
--> statement-breakpoint
ALTER TABLE "event_activity_hourly" ADD CONSTRAINT "event_activity_hourly_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_ai_conversation_idx" ON "events" USING btree ("project_id","conversation_id","ts") WHERE type = 'ai.call' and conversation_id is not null;