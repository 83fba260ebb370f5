-- Attacks started per time bucket and rule: incidents (their latest version) whose first seen
-- falls in the bucket, within the range and the caller's scope. Feeds "attacks over time by
-- type" on the one screen whatever the number of incidents.
SELECT toUnixTimestamp(toStartOfInterval(first_seen, toIntervalSecond({step_s:UInt32}))) * 1000 AS time_ms, rule, count() AS started
FROM
(
    SELECT id, rule, first_seen FROM incidents
    WHERE first_seen >= {from:DateTime64(3)} AND first_seen < {to:DateTime64(3)}
        AND (empty({scope_orgs:Array(String)}) OR hasAny(arrayMap(x -> toString(x), org_ids), {scope_orgs:Array(String)}))
    ORDER BY id, updated_at DESC
    LIMIT 1 BY id
)
GROUP BY time_ms, rule
ORDER BY time_ms, rule
