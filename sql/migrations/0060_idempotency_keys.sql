-- The answers to POST requests sent with an Idempotency-Key header, kept a day: a client that
-- retries (a timeout, a lost answer) gets the first answer again instead of a second campaign,
-- notice or upload. Keys belong to the caller that sent them (its token), never shared.
-- cluster: replicated

CREATE TABLE IF NOT EXISTS idempotency_keys
(
    caller String COMMENT 'token id (or the bootstrap admin''s name) that sent the key',
    key String,
    fingerprint String COMMENT 'hex SHA-256 of method, URL and body: a key reused for another request is refused',
    status UInt16,
    headers String COMMENT 'JSON of the answer''s content-type, location and etag',
    body String,
    created_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(created_at)
ORDER BY (caller, key)
TTL toDateTime(created_at) + INTERVAL 1 DAY;
