-- The holographic archive: every object is append-only and versioned. A write adds a row with a
-- new version_at; the current state of an object is its latest version, its history is all of
-- them, and "as of T" is the latest version at or before T. Nothing is ever updated in place.
-- cluster: replicated (small tables: every node keeps a full copy)

CREATE TABLE IF NOT EXISTS sectors
(
    code LowCardinality(String),
    name_zh String,
    name_en String,
    status Enum8('active' = 1, 'retired' = 2),
    version_at DateTime64(6, 'UTC') DEFAULT now64(6),
    changed_by String DEFAULT ''
)
ENGINE = MergeTree
ORDER BY (code, version_at);

CREATE TABLE IF NOT EXISTS localities
(
    code LowCardinality(String),
    name_zh String,
    name_en String,
    parent_code String DEFAULT '',
    status Enum8('active' = 1, 'retired' = 2),
    version_at DateTime64(6, 'UTC') DEFAULT now64(6),
    changed_by String DEFAULT ''
)
ENGINE = MergeTree
ORDER BY (code, version_at);

CREATE TABLE IF NOT EXISTS organisations
(
    id UUID,
    name String,
    credit_code String,
    sector LowCardinality(String),
    locality LowCardinality(String),
    address String DEFAULT '',
    cso_name String DEFAULT '',
    cso_phone String DEFAULT '',
    cso_email String DEFAULT '',
    cso_certificate String DEFAULT '',
    contacts String DEFAULT '[]' COMMENT 'JSON array of {name, role, phone, email}',
    status Enum8('active' = 1, 'inactive' = 2),
    version_at DateTime64(6, 'UTC') DEFAULT now64(6),
    changed_by String DEFAULT ''
)
ENGINE = MergeTree
ORDER BY (id, version_at);

CREATE TABLE IF NOT EXISTS assets
(
    id UUID,
    org_id UUID,
    name String,
    category LowCardinality(String),
    grade Enum8('core' = 1, 'important' = 2, 'general' = 3),
    mlps_level UInt8,
    networks Array(String) COMMENT 'canonical CIDRs, IPv4 and IPv6; a single address is a /32 or /128',
    domains Array(String),
    services Array(Tuple(port UInt16, protocol LowCardinality(String), product String, version String)),
    icp_filing String DEFAULT '',
    mlps_filing String DEFAULT '',
    tags Array(String),
    contacts String DEFAULT '[]' COMMENT 'JSON array of {name, role, phone, email}',
    status Enum8('active' = 1, 'decommissioned' = 2),
    notes String DEFAULT '',
    version_at DateTime64(6, 'UTC') DEFAULT now64(6),
    changed_by String DEFAULT ''
)
ENGINE = MergeTree
ORDER BY (id, version_at);

CREATE VIEW IF NOT EXISTS sectors_current AS
SELECT * FROM sectors ORDER BY code, version_at DESC LIMIT 1 BY code;

CREATE VIEW IF NOT EXISTS localities_current AS
SELECT * FROM localities ORDER BY code, version_at DESC LIMIT 1 BY code;

CREATE VIEW IF NOT EXISTS organisations_current AS
SELECT * FROM organisations ORDER BY id, version_at DESC LIMIT 1 BY id;

CREATE VIEW IF NOT EXISTS assets_current AS
SELECT * FROM assets ORDER BY id, version_at DESC LIMIT 1 BY id;

-- The sector regulators of DESIGN.md, editable afterwards like any archive object.
INSERT INTO sectors (code, name_zh, name_en, status, changed_by) VALUES
    ('education', '教育', 'Education', 'active', 'migration'),
    ('health', '卫生健康', 'Health', 'active', 'migration'),
    ('transport', '交通运输', 'Transport', 'active', 'migration'),
    ('water', '水务', 'Water', 'active', 'migration'),
    ('power', '电力', 'Power', 'active', 'migration'),
    ('economy_it', '经济和信息化', 'Economy & IT', 'active', 'migration'),
    ('other', '其他', 'Other', 'active', 'migration');
