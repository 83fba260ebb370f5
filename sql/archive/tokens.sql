-- The current version of every token (or of one, by id or by hash) with its last use.
SELECT
    t.id AS id,
    t.name AS name,
    toString(t.role) AS role,
    arrayMap(o -> toString(o), t.orgs) AS orgs,
    t.campaigns AS campaigns,
    t.hint AS hint,
    toUnixTimestamp64Milli(t.created_at) AS created_ms,
    t.created_by AS created_by,
    toUnixTimestamp64Milli(t.expires_at) AS expires_ms,
    toUnixTimestamp64Milli(t.revoked_at) AS revoked_ms,
    t.revoked_by AS revoked_by,
    u.last_ms AS last_used_ms
FROM
(
    SELECT * FROM api_tokens
    WHERE ({id:String} = '' OR id = toUUIDOrZero({id:String}))
      AND ({hash:String} = '' OR hash = {hash:String})
    ORDER BY id, version_at DESC
    LIMIT 1 BY id
) AS t
LEFT JOIN
(
    SELECT token_id, toUnixTimestamp64Milli(max(used_at)) AS last_ms
    FROM api_token_usage
    GROUP BY token_id
) AS u ON u.token_id = t.id
ORDER BY created_ms, id
SETTINGS join_use_nulls = 1
