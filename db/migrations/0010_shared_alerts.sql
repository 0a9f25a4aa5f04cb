CREATE TABLE "shared_alerts" (
	"rule_key" text NOT NULL,
	"group_key" text DEFAULT '' NOT NULL,
	"channel" text NOT NULL,
	"project_id" uuid NOT NULL,
	"rule_id" uuid NOT NULL,
	"since" timestamp with time zone NOT NULL,
	CONSTRAINT "shared_alerts_rule_key_group_key_channel_pk" PRIMARY KEY("rule_key","group_key","channel")
);
