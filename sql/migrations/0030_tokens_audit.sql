-- API tokens and the audit log. Tokens are append-only with versions like the archive: a
-- revocation is a new version of the token, so who issued and who revoked it stays on record.
-- Only the SHA-256 of a token is stored; the token itself is shown once, when it is created.
-- Last use is kept apart, at most one row a minute per token, so that authenticating a request
-- never rewrites the token.
-- cluster: replicated

CREATE TABLE IF NOT EXISTS api_tokens
(
    id UUID,
    name String,
    role Enum8('admin' = 1, 'analyst' = 2, 'owner' = 3, 'vendor' = 4, 'sensor' = 5),
    orgs Array(UUID) COMMENT 'owner scope: the organisations the token may read and edit',
    campaigns Array(String) COMMENT 'vendor scope: the health-check campaigns the token may see',
    hash String COMMENT 'hex SHA-256 of the whole token',
    hint String COMMENT 'the first characters of the token, to recognise it in lists',
    created_at DateTime64(3, 'UTC'),
    created_by String,
    expires_at Nullable(DateTime64(3, 'UTC')),
    revoked_at Nullable(DateTime64(3, 'UTC')),
    revoked_by String DEFAULT '',
    version_at DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = MergeTree
ORDER BY (id, version_at);

CREATE TABLE IF NOT EXISTS api_token_usage
(
    token_id UUID,
    used_at DateTime64(3, 'UTC'),
    address String DEFAULT ''
)
ENGINE = MergeTree
ORDER BY (token_id, used_at)
TTL toDateTime(used_at) + INTERVAL 400 DAY;

-- Every write to the archive, tokens and settings: who (token name and role), what (object
-- type, id, action and the changed fields as JSON {field: [before, after]}), when, from where.
CREATE TABLE IF NOT EXISTS audit_log
(
    at DateTime64(6, 'UTC') DEFAULT now64(6),
    actor String COMMENT 'token name, or cli:<user> for the command line',
    role LowCardinality(String),
    token_id String DEFAULT '',
    action LowCardinality(String) COMMENT 'create, update, decommission, revoke, import',
    object_type LowCardinality(String) COMMENT 'token, sector, locality, organisation, asset, archive',
    object_id String,
    changes String DEFAULT '{}' COMMENT 'JSON {field: [before, after]}',
    address String DEFAULT '' COMMENT 'client address; the host name for the command line',
    via LowCardinality(String) COMMENT 'api or cli'
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (at, object_type, object_id);
