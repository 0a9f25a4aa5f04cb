-- The sessions active at a range's edge are read per session (lib/metrics/queries/sessions.ts): at 30 M events the
-- scan of every event of the edge's first 45 minutes took 19 ms of the User Experience API's 24-hour answer. Built on
-- every partition, holding each one's lock meanwhile (ingest waits): see the README's Upgrades.
CREATE INDEX "events_session_ts_idx" ON "events" USING btree ("project_id","session_id","ts") WHERE session_id is not null;