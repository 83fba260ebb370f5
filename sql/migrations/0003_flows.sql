-- One row per unidirectional flow, from NetFlow v5/v9, IPFIX or pcap alike. Addresses are IPv6,
-- IPv4 stored IPv4-mapped (::ffff:a.b.c.d). Bytes and packets are already multiplied by the
-- sampling rate. ICMP type and code have their own columns (dst_port is 0 for ICMP).
-- The enrichment columns are computed at insert time from the archive dictionary, so a flow keeps
-- the attribution the archive had when it arrived; queries filter on them without joins.
-- Time: time_start orders and partitions the table (the flow's own time, which for an imported
-- capture is capture time, not import time); time_received is when holowatch got it.
-- The retention TTL is set from HOLOWATCH_FLOWS_TTL_DAYS at migrate time (see sql/ttl.ts).
-- cluster: sharded

CREATE TABLE IF NOT EXISTS flows
(
    time_received DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    time_start DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    time_end DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    sensor LowCardinality(String) COMMENT 'exporter address for NetFlow/IPFIX, sensor name for pcap',
    exporter IPv6,
    source_kind Enum8('netflow5' = 1, 'netflow9' = 2, 'ipfix' = 3, 'pcap' = 4),
    observation_domain UInt32 COMMENT 'NetFlow v9 source id, IPFIX observation domain, v5 engine type/id',
    src_addr IPv6,
    dst_addr IPv6,
    src_port UInt16,
    dst_port UInt16,
    protocol UInt8,
    tcp_flags UInt8 COMMENT 'OR of the TCP flags of every packet of the flow',
    icmp_type UInt8,
    icmp_code UInt8,
    packets UInt64,
    bytes UInt64,
    sampling_rate UInt32 DEFAULT 1,
    in_if UInt32,
    out_if UInt32,

    src_asset UUID MATERIALIZED dictGetOrDefault('${database}.asset_networks_dict', 'asset_id', src_addr, toUUIDOrZero('')),
    src_org UUID MATERIALIZED dictGetOrDefault('${database}.asset_networks_dict', 'org_id', src_addr, toUUIDOrZero('')),
    src_sector LowCardinality(String) MATERIALIZED dictGetOrDefault('${database}.asset_networks_dict', 'sector', src_addr, ''),
    src_locality LowCardinality(String) MATERIALIZED dictGetOrDefault('${database}.asset_networks_dict', 'locality', src_addr, ''),
    src_grade LowCardinality(String) MATERIALIZED dictGetOrDefault('${database}.asset_networks_dict', 'grade', src_addr, ''),
    dst_asset UUID MATERIALIZED dictGetOrDefault('${database}.asset_networks_dict', 'asset_id', dst_addr, toUUIDOrZero('')),
    dst_org UUID MATERIALIZED dictGetOrDefault('${database}.asset_networks_dict', 'org_id', dst_addr, toUUIDOrZero('')),
    dst_sector LowCardinality(String) MATERIALIZED dictGetOrDefault('${database}.asset_networks_dict', 'sector', dst_addr, ''),
    dst_locality LowCardinality(String) MATERIALIZED dictGetOrDefault('${database}.asset_networks_dict', 'locality', dst_addr, ''),
    dst_grade LowCardinality(String) MATERIALIZED dictGetOrDefault('${database}.asset_networks_dict', 'grade', dst_addr, ''),
    direction Enum8('external' = 0, 'inbound' = 1, 'outbound' = 2, 'internal' = 3) MATERIALIZED multiIf(
        NOT empty(src_asset) AND NOT empty(dst_asset), 'internal',
        NOT empty(dst_asset), 'inbound',
        NOT empty(src_asset), 'outbound',
        'external'),

    INDEX idx_src_addr src_addr TYPE bloom_filter(0.01) GRANULARITY 4,
    INDEX idx_dst_port dst_port TYPE set(1024) GRANULARITY 4
)
ENGINE = MergeTree
PARTITION BY toDate(time_start)
ORDER BY (toStartOfFiveMinutes(time_start), dst_asset, dst_addr, src_addr, time_start)
SETTINGS non_replicated_deduplication_window = 1000, ttl_only_drop_parts = 1;
