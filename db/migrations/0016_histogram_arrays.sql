-- Histograms move from one flat [bin, count, bin, count, ...] array, which only PL/pgSQL could read pair by
-- pair without detoasting it again for every element (cw_hist_pairs), to two arrays of one length: the bins
-- (ascending) and their counts. Postgres' own C unnest(bins, counts) reads them about three times faster,
-- which is most of a dashboard's CPU over 30 days of rollups. The rollup job's lock first, as the job takes it
-- (then the rollup tables): taking the tables first could deadlock with a job step starting meanwhile.
SELECT 1 FROM "metric_rollup_state" WHERE "id" = 1 FOR UPDATE;--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "h_duration_bins" integer[];--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "h_duration_counts" bigint[];--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "h_ttft_bins" integer[];--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "h_ttft_counts" bigint[];--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "h_ttfr_bins" integer[];--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "h_ttfr_counts" bigint[];--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "h_value_bins" integer[];--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "h_value_counts" bigint[];--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "h_length_bins" integer[];--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "h_length_counts" bigint[];--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "h_temperature_bins" integer[];--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "h_temperature_counts" bigint[];--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "h_context_bins" integer[];--> statement-breakpoint
ALTER TABLE "metric_rollups" ADD COLUMN "h_context_counts" bigint[];--> statement-breakpoint
ALTER TABLE "session_rollups" ADD COLUMN "h_duration_bins" integer[];--> statement-breakpoint
ALTER TABLE "session_rollups" ADD COLUMN "h_duration_counts" bigint[];--> statement-breakpoint
-- Every stored histogram, converted in one rewrite of each row that has one (ADD COLUMN holds the tables'
-- exclusive lock until the migration commits, so the rollup job waits).
UPDATE "metric_rollups" SET
	("h_duration_bins", "h_duration_counts") = (SELECT array_agg("bin"::int ORDER BY "bin"), array_agg("c" ORDER BY "bin") FROM cw_hist_pairs("h_duration")),
	("h_ttft_bins", "h_ttft_counts") = (SELECT array_agg("bin"::int ORDER BY "bin"), array_agg("c" ORDER BY "bin") FROM cw_hist_pairs("h_ttft")),
	("h_ttfr_bins", "h_ttfr_counts") = (SELECT array_agg("bin"::int ORDER BY "bin"), array_agg("c" ORDER BY "bin") FROM cw_hist_pairs("h_ttfr")),
	("h_value_bins", "h_value_counts") = (SELECT array_agg("bin"::int ORDER BY "bin"), array_agg("c" ORDER BY "bin") FROM cw_hist_pairs("h_value")),
	("h_length_bins", "h_length_counts") = (SELECT array_agg("bin"::int ORDER BY "bin"), array_agg("c" ORDER BY "bin") FROM cw_hist_pairs("h_length")),
	("h_temperature_bins", "h_temperature_counts") = (SELECT array_agg("bin"::int ORDER BY "bin"), array_agg("c" ORDER BY "bin") FROM cw_hist_pairs("h_temperature")),
	("h_context_bins", "h_context_counts") = (SELECT array_agg("bin"::int ORDER BY "bin"), array_agg("c" ORDER BY "bin") FROM cw_hist_pairs("h_context"))
WHERE "h_duration" IS NOT NULL OR "h_ttft" IS NOT NULL OR "h_ttfr" IS NOT NULL OR "h_value" IS NOT NULL OR "h_length" IS NOT NULL OR "h_temperature" IS NOT NULL OR "h_context" IS NOT NULL;--> statement-breakpoint
UPDATE "session_rollups" SET
	("h_duration_bins", "h_duration_counts") = (SELECT array_agg("bin"::int ORDER BY "bin"), array_agg("c" ORDER BY "bin") FROM cw_hist_pairs("h_duration"))
WHERE "h_duration" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "metric_rollups" DROP COLUMN "h_duration";--> statement-breakpoint
ALTER TABLE "metric_rollups" DROP COLUMN "h_ttft";--> statement-breakpoint
ALTER TABLE "metric_rollups" DROP COLUMN "h_ttfr";--> statement-breakpoint
ALTER TABLE "metric_rollups" DROP COLUMN "h_value";--> statement-breakpoint
ALTER TABLE "metric_rollups" DROP COLUMN "h_length";--> statement-breakpoint
ALTER TABLE "metric_rollups" DROP COLUMN "h_temperature";--> statement-breakpoint
ALTER TABLE "metric_rollups" DROP COLUMN "h_context";--> statement-breakpoint
ALTER TABLE "session_rollups" DROP COLUMN "h_duration";--> statement-breakpoint
DROP FUNCTION "cw_hist_merge"(bigint[], bigint[]);--> statement-breakpoint
DROP FUNCTION "cw_hist_pairs"(bigint[]);--> statement-breakpoint
-- Two histograms merged: the union of their bins, counts of a bin in both added; null when both are null.
CREATE FUNCTION "cw_hist_merge"(a_bins integer[], a_counts bigint[], b_bins integer[], b_counts bigint[],
	OUT bins integer[], OUT counts bigint[])
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT array_agg(y.bin ORDER BY y.bin), array_agg(y.c ORDER BY y.bin)
	FROM (
		SELECT x.bin, sum(x.c)::bigint AS c
		FROM (SELECT * FROM unnest(a_bins, a_counts) UNION ALL SELECT * FROM unnest(b_bins, b_counts)) AS x(bin, c)
		GROUP BY x.bin
	) AS y
$$;
