-- The stored answer to {caller}'s request with Idempotency-Key {key}, if younger than a day
-- (the TTL removes older rows at merges; this keeps the answer exact in between).
SELECT fingerprint, status, headers, body
FROM idempotency_keys
WHERE caller = {caller:String} AND key = {key:String} AND created_at > now64(3) - INTERVAL 1 DAY
ORDER BY created_at DESC
LIMIT 1
