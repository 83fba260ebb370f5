-- Daily traffic rollup: traffic_1m keyed by day. Per minute, asset × port keys are nearly as many
-- as the flows themselves, so statistics over weeks and months (the overview, top lists) read
-- whole days from here and only the partial days at the edges of a range from traffic_1m.
-- Destination ports in the ephemeral range (32768 and up: Linux 32768-60999, Windows 49152-65535)
-- are folded into port 0: they are the client side of answers, not services, and would otherwise
-- make one key per connection. Service ports stay as they are.
-- The view fills it from every insert into flows; existing minutes are copied once below.
-- cluster: sharded

CREATE TABLE IF NOT EXISTS traffic_1d
(
    day DateTime('UTC'),
    direction Enum8('external' = 0, 'inbound' = 1, 'outbound' = 2, 'internal' = 3),
    dst_asset UUID,
    src_asset UUID,
    protocol UInt8,
    dst_port UInt16,
    dst_org SimpleAggregateFunction(any, UUID),
    dst_sector SimpleAggregateFunction(any, LowCardinality(String)),
    dst_locality SimpleAggregateFunction(any, LowCardinality(String)),
    dst_grade SimpleAggregateFunction(any, LowCardinality(String)),
    src_org SimpleAggregateFunction(any, UUID),
    src_sector SimpleAggregateFunction(any, LowCardinality(String)),
    src_locality SimpleAggregateFunction(any, LowCardinality(String)),
    flows SimpleAggregateFunction(sum, UInt64),
    packets SimpleAggregateFunction(sum, UInt64),
    bytes SimpleAggregateFunction(sum, UInt64),
    sources AggregateFunction(uniq, IPv6)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (day, direction, dst_asset, src_asset, protocol, dst_port)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS traffic_1d_mv TO traffic_1d AS
SELECT
    toStartOfDay(time_start) AS day,
    direction, dst_asset, src_asset, protocol, if(dst_port >= 32768, 0, dst_port) AS dst_port,
    any(dst_org) AS dst_org, any(dst_sector) AS dst_sector, any(dst_locality) AS dst_locality,
    any(dst_grade) AS dst_grade, any(src_org) AS src_org, any(src_sector) AS src_sector,
    any(src_locality) AS src_locality,
    count() AS flows, sum(packets) AS packets, sum(bytes) AS bytes,
    uniqState(src_addr) AS sources
FROM flows
GROUP BY day, direction, dst_asset, src_asset, protocol, dst_port;

INSERT INTO traffic_1d
SELECT
    toStartOfDay(minute) AS day,
    direction, dst_asset, src_asset, protocol, if(dst_port >= 32768, 0, dst_port) AS dst_port,
    any(dst_org), any(dst_sector), any(dst_locality), any(dst_grade), any(src_org), any(src_sector), any(src_locality),
    sum(flows), sum(packets), sum(bytes), uniqMergeState(sources)
FROM traffic_1m
GROUP BY day, direction, dst_asset, src_asset, protocol, dst_port;
