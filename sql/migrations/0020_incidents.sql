-- Detection and correlation: incidents, their lifecycle, threat-intel lists, allow-lists and
-- threshold overrides. Like the archive, everything is append-only with versions: the current
-- state of an object is its latest row and the history stays.
-- Two writers touch an incident and never the same table: the detector appends a new version of
-- `incidents` when an attack goes on (last seen, totals, peak, severity), analysts append rows to
-- `incident_states` (state and notes). Neither can overwrite the other's change.
-- cluster: replicated

CREATE TABLE IF NOT EXISTS incidents
(
    id UUID,
    rule LowCardinality(String) COMMENT 'port_scan, host_sweep, flood, amplification, brute_force, threat_intel, exposed_service',
    incident_key String COMMENT 'what merges detections: rule, attacker side and target',
    source String COMMENT 'the attacker address; empty when there are many (floods) or none (exposures)',
    sources Array(String) COMMENT 'attacker-side addresses, busiest first (at most 50)',
    source_count UInt32,
    targets Array(String) COMMENT 'victim-side addresses, busiest first (at most 50)',
    target_count UInt32,
    ports Array(UInt16) COMMENT 'destination ports touched (scans) or served (exposures), at most 200',
    protocols Array(UInt8),
    asset_id UUID COMMENT 'the most important archive asset hit; nil outside the archive',
    org_id UUID,
    sector LowCardinality(String),
    locality LowCardinality(String),
    grade LowCardinality(String) COMMENT 'core, important, general; empty outside the archive',
    asset_ids Array(UUID) COMMENT 'every archive asset hit (sweeps and sprays hit several), most important first',
    org_ids Array(UUID) COMMENT 'aligned with asset_ids, as are the next three',
    sectors Array(String),
    localities Array(String),
    grades Array(String),
    first_seen DateTime64(3, 'UTC'),
    last_seen DateTime64(3, 'UTC'),
    peak Float64 COMMENT 'largest magnitude of one detection window, in peak_unit',
    peak_unit LowCardinality(String),
    alerted_magnitude Float64 COMMENT 'magnitude at the last alert: a new alert needs ten times more',
    alert_count UInt32,
    packets UInt64,
    bytes UInt64,
    flows UInt64,
    severity Enum8('low' = 1, 'medium' = 2, 'high' = 3, 'critical' = 4),
    details String COMMENT 'JSON: rule-specific facts (scan technique, flood class and fingerprint, vectors, feeds)',
    updated_at DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = MergeTree
ORDER BY (id, updated_at);

CREATE VIEW IF NOT EXISTS incidents_latest AS
SELECT * FROM incidents ORDER BY id, updated_at DESC LIMIT 1 BY id;

CREATE TABLE IF NOT EXISTS incident_states
(
    incident_id UUID,
    state Enum8('open' = 1, 'acknowledged' = 2, 'resolved' = 3, 'false_positive' = 4),
    previous_state String DEFAULT '',
    note String DEFAULT '',
    changed_by String,
    changed_from String DEFAULT '' COMMENT 'client address of the request; empty for the detector',
    version_at DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = MergeTree
ORDER BY (incident_id, version_at);

-- Each detection window an incident was seen in, with the values measured in it. A window is
-- evaluated again while data arrives, and a later evaluation only ever sees more: max() keeps
-- the fullest view. Incident totals are sums over the disjoint windows of one phase.
CREATE TABLE IF NOT EXISTS incident_windows
(
    incident_id UUID,
    phase UInt8,
    window_start DateTime64(3, 'UTC'),
    magnitude SimpleAggregateFunction(max, Float64),
    packets SimpleAggregateFunction(max, UInt64),
    bytes SimpleAggregateFunction(max, UInt64),
    flows SimpleAggregateFunction(max, UInt64)
)
ENGINE = AggregatingMergeTree
ORDER BY (incident_id, phase, window_start);

-- Threat-intel feeds: an upload or refresh writes the entries under a new version, then a feed
-- row pointing at it; the dictionary serves the current version of every active feed.
CREATE TABLE IF NOT EXISTS threat_intel_feeds
(
    name String,
    description String DEFAULT '',
    source String DEFAULT '' COMMENT 'upload, or the file path it is refreshed from',
    version UInt64,
    entries UInt32,
    status Enum8('active' = 1, 'deleted' = 2),
    version_at DateTime64(6, 'UTC') DEFAULT now64(6),
    changed_by String DEFAULT ''
)
ENGINE = MergeTree
ORDER BY (name, version_at);

CREATE TABLE IF NOT EXISTS threat_intel_entries
(
    feed String,
    version UInt64,
    prefix String COMMENT 'canonical CIDR',
    label String DEFAULT ''
)
ENGINE = MergeTree
ORDER BY (feed, version, prefix);

CREATE VIEW IF NOT EXISTS threat_intel_current AS
SELECT e.prefix AS prefix, arrayStringConcat(arraySort(groupUniqArray(e.feed)), ',') AS feeds,
       arrayStringConcat(arraySort(groupUniqArray(e.label)), ',') AS labels
FROM threat_intel_entries AS e
INNER JOIN
(
    SELECT name, argMax(version, version_at) AS version, argMax(status, version_at) AS status
    FROM threat_intel_feeds GROUP BY name
) AS f ON f.name = e.feed AND f.version = e.version
WHERE f.status = 'active'
GROUP BY e.prefix;

CREATE DICTIONARY IF NOT EXISTS threat_intel_dict
(
    prefix String,
    feeds String,
    labels String
)
PRIMARY KEY prefix
SOURCE(CLICKHOUSE(DB '${database}' TABLE 'threat_intel_current'))
LAYOUT(IP_TRIE)
LIFETIME(MIN 30 MAX 60);

-- Allow-lists suppress detections of authorised scanners, backup peers and the like, with a reason.
CREATE TABLE IF NOT EXISTS allowlist
(
    id UUID,
    source_cidr String COMMENT 'attacker-side network the entry covers',
    target_cidr String DEFAULT '' COMMENT 'victim-side network; empty covers every target',
    rules Array(String) COMMENT 'rules suppressed; empty suppresses every rule',
    reason String,
    expires_at Nullable(DateTime64(3, 'UTC')),
    status Enum8('active' = 1, 'deleted' = 2),
    version_at DateTime64(6, 'UTC') DEFAULT now64(6),
    changed_by String DEFAULT ''
)
ENGINE = MergeTree
ORDER BY (id, version_at);

-- Threshold overrides per asset grade or per asset; the defaults come from the settings.
CREATE TABLE IF NOT EXISTS detection_thresholds
(
    rule LowCardinality(String),
    param LowCardinality(String),
    scope Enum8('grade' = 1, 'asset' = 2),
    scope_value String COMMENT 'core, important, general, or an asset id',
    value Float64,
    status Enum8('active' = 1, 'deleted' = 2),
    version_at DateTime64(6, 'UTC') DEFAULT now64(6),
    changed_by String DEFAULT ''
)
ENGINE = MergeTree
ORDER BY (rule, param, scope, scope_value, version_at);
