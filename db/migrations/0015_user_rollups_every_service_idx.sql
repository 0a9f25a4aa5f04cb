-- Active users read the rows for every service (service ''): one index-only range scan per read piece, over
-- those rows alone (the primary key orders service after bucket, so its scans pass every service's rows).
CREATE INDEX IF NOT EXISTS "user_rollups_every_service_idx" ON "user_rollups" ("project_id", "type", "grain", "bucket") INCLUDE ("user_id", "n", "sum_cost", "last_ms") WHERE "service" = '';
