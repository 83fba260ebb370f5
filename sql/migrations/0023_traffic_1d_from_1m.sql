-- The daily traffic rollup is fed from the minute rollup instead of from every flow: each
-- insert into flows already lands in traffic_1m aggregated by minute, and folding those rows
-- into days gives the same sums and the same unique-source states (uniqMergeState) for a
-- fraction of the work per flow (see bench/collect-e2e.bench.ts). Nothing is backfilled:
-- traffic_1d already holds every day so far, and the view is replaced between two migrations,
-- before the collector starts.
-- cluster: sharded

DROP VIEW IF EXISTS traffic_1d_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS traffic_1d_mv TO traffic_1d AS
SELECT
    toStartOfDay(minute) AS day,
    direction, dst_asset, src_asset, protocol, if(dst_port >= 32768, 0, dst_port) AS dst_port,
    any(dst_org) AS dst_org, any(dst_sector) AS dst_sector, any(dst_locality) AS dst_locality,
    any(dst_grade) AS dst_grade, any(src_org) AS src_org, any(src_sector) AS src_sector,
    any(src_locality) AS src_locality,
    sum(flows) AS flows, sum(packets) AS packets, sum(bytes) AS bytes,
    uniqMergeState(sources) AS sources
FROM traffic_1m
GROUP BY day, direction, dst_asset, src_asset, protocol, dst_port;
