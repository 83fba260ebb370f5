-- Health-check campaigns and the uploads vendors make into them. Like the archive, campaigns are
-- append-only with versions (the current campaign is its latest version). An upload is written
-- once, after its file was parsed completely: its row records who sent what (file name, SHA-256
-- of the bytes kept under HOLOWATCH_DATA_DIR/uploads/<sha256>), when, and what it held.
-- cluster: replicated

CREATE TABLE IF NOT EXISTS hc_campaigns
(
    id UUID,
    name String,
    year UInt16,
    vendors Array(String) COMMENT 'vendor names taking part (free text, shown on notices and reports)',
    scope_orgs Array(UUID),
    scope_sectors Array(String),
    scope_localities Array(String),
    scope_networks Array(String) COMMENT 'canonical CIDRs',
    starts_at Nullable(DateTime64(3, 'UTC')),
    ends_at Nullable(DateTime64(3, 'UTC')),
    sla String DEFAULT '{}' COMMENT 'JSON {critical, high, medium, low}: days overriding the centre-wide SLA for this campaign',
    status Enum8('planned' = 1, 'active' = 2, 'closed' = 3),
    notes String DEFAULT '',
    version_at DateTime64(6, 'UTC') DEFAULT now64(6),
    changed_by String DEFAULT ''
)
ENGINE = MergeTree
ORDER BY (id, version_at);

CREATE VIEW IF NOT EXISTS hc_campaigns_current AS
SELECT * FROM hc_campaigns ORDER BY id, version_at DESC LIMIT 1 BY id;

CREATE TABLE IF NOT EXISTS hc_uploads
(
    id UUID,
    campaign_id UUID,
    sha256 String COMMENT 'hex SHA-256 of the file as received; the file is kept as uploads/<sha256>',
    file_name String,
    size UInt64,
    format LowCardinality(String) COMMENT 'nessus, openvas, nmap, qualys, qualys_scan, burp, csv, xlsx',
    vendor String COMMENT 'the vendor the upload is recorded for (the token name for vendor tokens)',
    uploaded_by String,
    token_id String DEFAULT '',
    via LowCardinality(String) COMMENT 'api or cli',
    uploaded_at DateTime64(3, 'UTC'),
    hosts UInt32,
    items UInt32 COMMENT 'raw items in the file (report items, results, open ports, rows)',
    findings UInt32 COMMENT 'findings after normalisation (observations excluded)',
    observations UInt32 COMMENT 'open ports and services (Nmap)',
    created UInt32,
    updated UInt32,
    reopened UInt32,
    mitigated UInt32,
    merged UInt32 COMMENT 'findings merged into another vendor''s finding by CVE + asset + port',
    matched_hosts UInt32,
    unregistered_hosts UInt32,
    notes String DEFAULT '[]' COMMENT 'JSON array of remarks on the content (hosts without a valid address, skipped items)'
)
ENGINE = MergeTree
ORDER BY (campaign_id, uploaded_at, id);
