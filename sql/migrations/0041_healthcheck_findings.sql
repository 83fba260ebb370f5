-- Findings of health-check campaigns: host → service → finding, append-only with versions.
-- `id` is stable for one finding of one campaign; each import or decision adds a version, so the
-- full history (first seen, every rescan, who marked it a false positive and why) stays.
-- dedup_keys holds every per-format key (scanner + scanner id + host + port) merged into the
-- finding; a finding of another vendor with a common CVE on the same host and port merges too.
-- cluster: replicated

CREATE TABLE IF NOT EXISTS hc_findings
(
    id UUID,
    campaign_id UUID,
    dedup_keys Array(String),
    host String COMMENT 'the host key: the canonical address, else the lower-case host name',
    address String,
    hostname String,
    asset_id UUID COMMENT 'nil for a host outside the archive (an unregistered asset)',
    org_id UUID,
    port UInt16,
    protocol LowCardinality(String),
    service String,
    product String,
    version String,
    title String,
    severity Enum8('info' = 0, 'low' = 1, 'medium' = 2, 'high' = 3, 'critical' = 4),
    scanner LowCardinality(String),
    scanner_id String COMMENT 'Nessus plugin id, OpenVAS NVT OID, Qualys QID, Burp type, Nmap script id',
    cves Array(String),
    cwes Array(String),
    cvss Float32 COMMENT '0 when the report gave none',
    description String,
    evidence String,
    solution String,
    vendors Array(String),
    state Enum8('open' = 1, 'mitigated' = 2, 'false_positive' = 3, 'accepted_risk' = 4, 'reopened' = 5),
    risk_expires_at Nullable(DateTime64(3, 'UTC')) COMMENT 'accepted risk: when the acceptance ends and the finding reopens',
    state_note String DEFAULT '',
    first_seen DateTime64(3, 'UTC'),
    last_seen DateTime64(3, 'UTC'),
    upload_id UUID COMMENT 'the upload that wrote this version; nil for a decision',
    event LowCardinality(String) COMMENT 'created, seen, reopened, mitigated, merged, state',
    version_at DateTime64(6, 'UTC') DEFAULT now64(6),
    changed_by String DEFAULT ''
)
ENGINE = MergeTree
ORDER BY (campaign_id, id, version_at);

CREATE VIEW IF NOT EXISTS hc_findings_current AS
SELECT * FROM hc_findings ORDER BY id, version_at DESC LIMIT 1 BY id;

-- Open ports and services found by a scan (Nmap): observations, not findings. The
-- "issue one, prevent ten" search reads them next to observed_services.
CREATE TABLE IF NOT EXISTS hc_observations
(
    campaign_id UUID,
    upload_id UUID,
    host String,
    address String,
    hostname String,
    asset_id UUID,
    org_id UUID,
    port UInt16,
    protocol LowCardinality(String),
    service String,
    product String,
    version String,
    seen_at DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (campaign_id, host, port, seen_at);

-- Hosts of a campaign that no archive asset claims (by address, network, host name or domain):
-- one row per upload that saw them; read them grouped by (campaign_id, host).
CREATE TABLE IF NOT EXISTS hc_unregistered
(
    campaign_id UUID,
    upload_id UUID,
    host String,
    address String,
    hostname String,
    findings UInt32,
    observations UInt32,
    seen_at DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (campaign_id, host, seen_at);
