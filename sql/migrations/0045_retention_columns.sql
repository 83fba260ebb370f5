-- Retention tells imported captures from live traffic (docs/retention.md): flows of an import
-- are kept HOLOWATCH_IMPORT_TTL_DAYS from the import, live flows HOLOWATCH_FLOWS_TTL_DAYS from
-- their own time. flows has source_kind and time_received for that; its sample and the scan
-- rollups (which detection reads next to flows, so they must live exactly as long) get the two
-- facts here. A rollup row that merges imported and live flows counts as imported (max): it is
-- kept as long as the longer of the two. The TTL expressions themselves are set at migrate time
-- from the settings (sql/ttl.ts), replacing the fixed 30 days of 0004.
-- Rows stored before this migration count as live: their TTL stays what it was.
-- cluster: sharded

ALTER TABLE flow_sources_sample
    ADD COLUMN IF NOT EXISTS imported UInt8 DEFAULT 0 COMMENT '1 for a flow of an imported capture (source kind pcap)',
    ADD COLUMN IF NOT EXISTS time_received DateTime64(3, 'UTC') DEFAULT time_start CODEC(DoubleDelta, ZSTD(1));

ALTER TABLE fanout_ports_1m
    ADD COLUMN IF NOT EXISTS imported SimpleAggregateFunction(max, UInt8) DEFAULT 0,
    ADD COLUMN IF NOT EXISTS time_received SimpleAggregateFunction(max, DateTime('UTC')) DEFAULT minute;

ALTER TABLE fanout_hosts_1m
    ADD COLUMN IF NOT EXISTS imported SimpleAggregateFunction(max, UInt8) DEFAULT 0,
    ADD COLUMN IF NOT EXISTS time_received SimpleAggregateFunction(max, DateTime('UTC')) DEFAULT minute;

DROP VIEW IF EXISTS flow_sources_sample_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS flow_sources_sample_mv TO flow_sources_sample AS
SELECT
    time_start, src_addr, direction,
    if(direction = 'outbound', src_asset, dst_asset) AS side_asset,
    if(direction = 'outbound', src_org, dst_org) AS side_org,
    if(direction = 'outbound', src_sector, dst_sector) AS side_sector,
    if(direction = 'outbound', src_locality, dst_locality) AS side_locality,
    packets, bytes,
    toUInt8(source_kind = 'pcap') AS imported, time_received
FROM flows
WHERE cityHash64(src_addr, dst_addr, src_port, dst_port, protocol, time_start) % 16 = 0;

DROP VIEW IF EXISTS fanout_ports_1m_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS fanout_ports_1m_mv TO fanout_ports_1m AS
SELECT
    toStartOfMinute(time_start) AS minute,
    src_addr,
    dst_addr,
    any(dst_asset) AS dst_asset,
    count() AS probes,
    sum(packets) AS packets,
    uniqState(dst_port) AS ports,
    max(toUInt8(source_kind = 'pcap')) AS imported,
    max(toDateTime(time_received)) AS time_received
FROM flows
WHERE (protocol = 6 AND bitAnd(tcp_flags, 0x10) = 0) OR protocol = 17
GROUP BY minute, src_addr, dst_addr;

DROP VIEW IF EXISTS fanout_hosts_1m_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS fanout_hosts_1m_mv TO fanout_hosts_1m AS
SELECT
    toStartOfMinute(time_start) AS minute,
    src_addr,
    protocol,
    if(protocol IN (1, 58), toUInt16(icmp_type) * 256 + icmp_code, dst_port) AS service,
    count() AS probes,
    uniqState(dst_addr) AS hosts,
    uniqIfState(dst_addr, toUInt8(NOT empty(dst_asset))) AS archive_hosts,
    max(toUInt8(source_kind = 'pcap')) AS imported,
    max(toDateTime(time_received)) AS time_received
FROM flows
WHERE (protocol = 6 AND bitAnd(tcp_flags, 0x10) = 0) OR protocol = 17
    OR (protocol = 1 AND icmp_type = 8) OR (protocol = 58 AND icmp_type = 128)
GROUP BY minute, src_addr, protocol, service;
