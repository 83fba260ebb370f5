-- The live detector reads what arrived since its last run by time_received, which is not in the
-- sorting key of flows. Every insert makes a part with a narrow time_received range, so a minmax
-- index skips all older data.
-- cluster: sharded

ALTER TABLE flows ADD INDEX IF NOT EXISTS idx_time_received time_received TYPE minmax GRANULARITY 1;
