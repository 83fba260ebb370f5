-- Passive service discovery and pcap imports.
-- observed_services: every (address, port, protocol) seen answering in captured traffic, with the
-- software it named (product, banner evidence), when it was first and last seen, how many packets
-- went to and from it and which sensors saw it. Imports insert plain rows into
-- observed_services_input (a Null table: nothing is stored there); the materialized view folds them
-- into the AggregatingMergeTree, so a service seen in a hundred captures is one row once merged.
-- Read it through observed_services_current, which finishes the aggregation. Like flows, the
-- archive attribution (asset, organisation, sector, locality, grade) is taken from
-- asset_networks_dict when the observation arrives.
-- pcap_imports: one version row per state change of an import (running, done, failed); the file's
-- SHA-256 makes importing idempotent: content already imported is reported, not imported again.
-- cluster: replicated

CREATE TABLE IF NOT EXISTS observed_services_input
(
    addr IPv6,
    port UInt16,
    protocol Enum8('tcp' = 6, 'udp' = 17),
    service String COMMENT 'application protocol recognised from payload (http, ssh, tls, …); empty when only the handshake was seen',
    product String COMMENT 'product and version named by a banner (OpenSSH_9.2p1, nginx/1.24.0); empty otherwise',
    evidence String COMMENT 'the printable text the identification rests on (banner, Server/Host header, SNI)',
    first_seen DateTime64(3, 'UTC'),
    last_seen DateTime64(3, 'UTC'),
    packets UInt64,
    sensor String,
    import_sha256 String COMMENT 'hex SHA-256 of the capture the observation came from'
)
ENGINE = Null;

CREATE TABLE IF NOT EXISTS observed_services
(
    addr IPv6,
    port UInt16,
    protocol Enum8('tcp' = 6, 'udp' = 17),
    -- The latest non-empty identification wins (an empty one never hides an earlier banner).
    service AggregateFunction(argMax, String, DateTime64(3, 'UTC')),
    product AggregateFunction(argMax, String, DateTime64(3, 'UTC')),
    evidence AggregateFunction(argMax, String, DateTime64(3, 'UTC')),
    first_seen SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_seen SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    packets SimpleAggregateFunction(sum, UInt64),
    observations SimpleAggregateFunction(sum, UInt64) COMMENT 'captures the service was seen in',
    sensors SimpleAggregateFunction(groupUniqArrayArray, Array(String)),
    last_sensor AggregateFunction(argMax, String, DateTime64(3, 'UTC')),
    asset_id SimpleAggregateFunction(any, UUID),
    org_id SimpleAggregateFunction(any, UUID),
    sector SimpleAggregateFunction(any, LowCardinality(String)),
    locality SimpleAggregateFunction(any, LowCardinality(String)),
    grade SimpleAggregateFunction(any, LowCardinality(String))
)
ENGINE = AggregatingMergeTree
ORDER BY (addr, port, protocol);

-- The input columns are renamed in the subquery so that the aggregates' aliases (named like the
-- target columns) never shadow them.
CREATE MATERIALIZED VIEW IF NOT EXISTS observed_services_mv TO observed_services AS
SELECT
    addr, port, protocol,
    argMaxState(in_service, if(in_service = '', toDateTime64(0, 3, 'UTC'), in_last)) AS service,
    argMaxState(in_product, if(in_product = '', toDateTime64(0, 3, 'UTC'), in_last)) AS product,
    argMaxState(in_evidence, if(in_evidence = '', toDateTime64(0, 3, 'UTC'), in_last)) AS evidence,
    min(in_first) AS first_seen,
    max(in_last) AS last_seen,
    sum(in_packets) AS packets,
    count() AS observations,
    groupUniqArray(in_sensor) AS sensors,
    argMaxState(in_sensor, in_last) AS last_sensor,
    any(dictGetOrDefault('${database}.asset_networks_dict', 'asset_id', addr, toUUIDOrZero(''))) AS asset_id,
    any(dictGetOrDefault('${database}.asset_networks_dict', 'org_id', addr, toUUIDOrZero(''))) AS org_id,
    any(dictGetOrDefault('${database}.asset_networks_dict', 'sector', addr, '')) AS sector,
    any(dictGetOrDefault('${database}.asset_networks_dict', 'locality', addr, '')) AS locality,
    any(dictGetOrDefault('${database}.asset_networks_dict', 'grade', addr, '')) AS grade
FROM
(
    SELECT addr, port, protocol, service AS in_service, product AS in_product, evidence AS in_evidence,
        first_seen AS in_first, last_seen AS in_last, packets AS in_packets, sensor AS in_sensor
    FROM observed_services_input
)
GROUP BY addr, port, protocol;

CREATE VIEW IF NOT EXISTS observed_services_current AS
SELECT
    addr, port, protocol,
    argMaxMerge(service) AS service,
    argMaxMerge(product) AS product,
    argMaxMerge(evidence) AS evidence,
    min(first_seen) AS first_seen,
    max(last_seen) AS last_seen,
    sum(packets) AS packets,
    sum(observations) AS observations,
    arraySort(groupUniqArrayArray(sensors)) AS sensors,
    argMaxMerge(last_sensor) AS last_sensor,
    any(asset_id) AS asset_id,
    any(org_id) AS org_id,
    any(sector) AS sector,
    any(locality) AS locality,
    any(grade) AS grade
FROM observed_services
GROUP BY addr, port, protocol;

CREATE TABLE IF NOT EXISTS pcap_imports
(
    id UUID COMMENT 'one import attempt',
    sha256 String COMMENT 'hex SHA-256 of the file content as received (compressed bytes for a .gz)',
    file_name String,
    sensor LowCardinality(String),
    origin LowCardinality(String) COMMENT 'cli, api or inbox',
    size UInt64,
    status Enum8('running' = 1, 'done' = 2, 'failed' = 3),
    forced Bool COMMENT 'imported again although the same content was imported before',
    format LowCardinality(String),
    packets UInt64,
    flows UInt64,
    services UInt64,
    skipped String COMMENT 'JSON: records and packets dropped, by reason',
    error String,
    started DateTime64(3, 'UTC'),
    finished Nullable(DateTime64(3, 'UTC')),
    version_at DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = MergeTree
ORDER BY (sha256, id, version_at);

CREATE VIEW IF NOT EXISTS pcap_imports_current AS
SELECT * FROM pcap_imports ORDER BY id, version_at DESC LIMIT 1 BY id;
