CREATE TABLE "otlp_call_parents" (
	"project_id" uuid NOT NULL,
	"parent_span_id" text NOT NULL,
	"stored_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "otlp_call_parents_pk" PRIMARY KEY("project_id","parent_span_id")
);
--> statement-breakpoint
ALTER TABLE "otlp_call_parents" ADD CONSTRAINT "otlp_call_parents_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "otlp_call_parents_stored_at_idx" ON "otlp_call_parents" USING btree ("stored_at");