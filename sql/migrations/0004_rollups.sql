-- Rollups fed by materialized views on every insert into flows. Dashboards and detection read
-- these instead of raw flows wherever they can.
-- "Probe" flows are what a scanner sends and a normal client does not: TCP without ACK (SYN,
-- FIN, NULL and Xmas probes; backscatter SYN-ACK/RST-ACK carries ACK and is excluded), UDP, and
-- ICMP/ICMPv6 echo requests. Detection decides which probes went unanswered.
-- cluster: sharded

CREATE TABLE IF NOT EXISTS traffic_1m
(
    minute DateTime('UTC'),
    direction Enum8('external' = 0, 'inbound' = 1, 'outbound' = 2, 'internal' = 3),
    dst_asset UUID,
    src_asset UUID,
    protocol UInt8,
    dst_port UInt16,
    -- Attributes of the assets above, carried along for filtering by organisation, sector,
    -- locality and grade without a join (functionally dependent on the assets).
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
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, direction, dst_asset, src_asset, protocol, dst_port)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS traffic_1m_mv TO traffic_1m AS
SELECT
    toStartOfMinute(time_start) AS minute,
    direction, dst_asset, src_asset, protocol, dst_port,
    any(dst_org) AS dst_org, any(dst_sector) AS dst_sector, any(dst_locality) AS dst_locality,
    any(dst_grade) AS dst_grade, any(src_org) AS src_org, any(src_sector) AS src_sector,
    any(src_locality) AS src_locality,
    count() AS flows, sum(packets) AS packets, sum(bytes) AS bytes,
    uniqState(src_addr) AS sources
FROM flows
GROUP BY minute, direction, dst_asset, src_asset, protocol, dst_port;

-- Vertical fan-out: how many ports one source probed on one destination host. Only probe flows
-- are kept (most traffic carries ACK and never lands here), which keeps these tables small and
-- their views cheap on the insert path.
CREATE TABLE IF NOT EXISTS fanout_ports_1m
(
    minute DateTime('UTC'),
    src_addr IPv6,
    dst_addr IPv6,
    dst_asset SimpleAggregateFunction(any, UUID),
    probes SimpleAggregateFunction(sum, UInt64),
    packets SimpleAggregateFunction(sum, UInt64),
    ports AggregateFunction(uniq, UInt16)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(minute)
ORDER BY (minute, src_addr, dst_addr)
TTL minute + INTERVAL 30 DAY
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS fanout_ports_1m_mv TO fanout_ports_1m AS
SELECT
    toStartOfMinute(time_start) AS minute,
    src_addr,
    dst_addr,
    any(dst_asset) AS dst_asset,
    count() AS probes,
    sum(packets) AS packets,
    uniqState(dst_port) AS ports
FROM flows
WHERE (protocol = 6 AND bitAnd(tcp_flags, 0x10) = 0) OR protocol = 17
GROUP BY minute, src_addr, dst_addr;

-- Horizontal fan-out: how many hosts one source probed on one service, and how many of them
-- are inside the archive. The service is the destination port, or for ICMP echo the type.
CREATE TABLE IF NOT EXISTS fanout_hosts_1m
(
    minute DateTime('UTC'),
    src_addr IPv6,
    protocol UInt8,
    service UInt16,
    probes SimpleAggregateFunction(sum, UInt64),
    hosts AggregateFunction(uniq, IPv6),
    archive_hosts AggregateFunction(uniqIf, IPv6, UInt8)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMMDD(minute)
ORDER BY (minute, src_addr, protocol, service)
TTL minute + INTERVAL 30 DAY
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS fanout_hosts_1m_mv TO fanout_hosts_1m AS
SELECT
    toStartOfMinute(time_start) AS minute,
    src_addr,
    protocol,
    if(protocol IN (1, 58), toUInt16(icmp_type) * 256 + icmp_code, dst_port) AS service,
    count() AS probes,
    uniqState(dst_addr) AS hosts,
    uniqIfState(dst_addr, toUInt8(NOT empty(dst_asset))) AS archive_hosts
FROM flows
WHERE (protocol = 6 AND bitAnd(tcp_flags, 0x10) = 0) OR protocol = 17
    OR (protocol = 1 AND icmp_type = 8) OR (protocol = 58 AND icmp_type = 128)
GROUP BY minute, src_addr, protocol, service;
