CREATE TABLE "health_checks" (
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "health_checks_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"checked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"dependency" text NOT NULL,
	"state" text NOT NULL,
	"latency_ms" integer,
	"reason" text,
	CONSTRAINT "health_checks_id_pk" PRIMARY KEY("id")
);
--> statement-breakpoint
CREATE INDEX "health_checks_dependency_checked_at_idx" ON "health_checks" USING btree ("dependency","checked_at");