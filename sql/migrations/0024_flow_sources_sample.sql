-- A 1-in-16 sample of flows, by a hash of each flow's key, for the one list the rollups cannot
-- serve: top source addresses over long ranges. Sources are too many to roll up (a region sees
-- millions a day, as many keys as flows), so /traffic/top?by=source reads this sample for ranges
-- longer than a day and scales the sums by 16 (marked `estimated`); shorter ranges read flows.
-- The hash covers addresses, ports, protocol and start time, so every source's flows are sampled
-- alike and heavy hitters (thousands of flows) are estimated within a few per cent.
-- Retention follows HOLOWATCH_FLOWS_TTL_DAYS like flows (sql/ttl.ts).
-- cluster: sharded

CREATE TABLE IF NOT EXISTS flow_sources_sample
(
    time_start DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    src_addr IPv6,
    direction Enum8('external' = 0, 'inbound' = 1, 'outbound' = 2, 'internal' = 3),
    side_asset UUID COMMENT 'the archive side of the flow: the source asset for outbound, else the destination asset',
    side_org UUID,
    side_sector LowCardinality(String),
    side_locality LowCardinality(String),
    packets UInt64,
    bytes UInt64
)
ENGINE = MergeTree
PARTITION BY toDate(time_start)
ORDER BY (toStartOfHour(time_start), src_addr)
SETTINGS non_replicated_deduplication_window = 1000, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS flow_sources_sample_mv TO flow_sources_sample AS
SELECT
    time_start, src_addr, direction,
    if(direction = 'outbound', src_asset, dst_asset) AS side_asset,
    if(direction = 'outbound', src_org, dst_org) AS side_org,
    if(direction = 'outbound', src_sector, dst_sector) AS side_sector,
    if(direction = 'outbound', src_locality, dst_locality) AS side_locality,
    packets, bytes
FROM flows
WHERE cityHash64(src_addr, dst_addr, src_port, dst_port, protocol, time_start) % 16 = 0;

INSERT INTO flow_sources_sample
SELECT
    time_start, src_addr, direction,
    if(direction = 'outbound', src_asset, dst_asset),
    if(direction = 'outbound', src_org, dst_org),
    if(direction = 'outbound', src_sector, dst_sector),
    if(direction = 'outbound', src_locality, dst_locality),
    packets, bytes
FROM flows
WHERE cityHash64(src_addr, dst_addr, src_port, dst_port, protocol, time_start) % 16 = 0;
