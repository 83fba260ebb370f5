-- The most active attackers of a range: per source address, the incidents it appears in (as the
-- attacker, or among a flood's top sources), their rules and their last activity, within the
-- caller's scope (for an exposed service, the outside addresses it answered). Incidents without
-- any address on the attacker side are left out.
SELECT src AS source, count() AS incidents, groupUniqArray(rule) AS rules, toUnixTimestamp64Milli(max(last_seen)) AS last_seen_ms
FROM
(
    SELECT id, rule, source, sources, last_seen FROM incidents
    WHERE last_seen >= {from:DateTime64(3)} AND first_seen < {to:DateTime64(3)}
        AND (empty({scope_orgs:Array(String)}) OR hasAny(arrayMap(x -> toString(x), org_ids), {scope_orgs:Array(String)}))
    ORDER BY id, updated_at DESC
    LIMIT 1 BY id
)
ARRAY JOIN arrayDistinct(arrayFilter(x -> x != '', arrayPushFront(sources, source))) AS src
GROUP BY source
ORDER BY incidents DESC, last_seen_ms DESC, source
LIMIT {limit:UInt32}
