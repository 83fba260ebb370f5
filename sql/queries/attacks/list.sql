-- Incidents, current version joined with their current lifecycle state, filtered and paged.
-- Every filter is a bound parameter whose empty value means "any". The inner filters only ever
-- hold more for later versions of an incident (last seen grows, first seen shrinks, assets,
-- ports and sources accumulate), so filtering before picking the latest version is exact.
-- ${sort} is filled from the route's allow-list of sort keys.
SELECT
    toString(i.id) AS id, i.rule AS rule, i.source AS source, i.sources AS sources, i.source_count AS source_count,
    i.targets AS targets, i.target_count AS target_count, i.ports AS ports, i.protocols AS protocols,
    toString(i.asset_id) AS asset_id, a.name AS asset_name, toString(i.org_id) AS org_id, o.name AS org_name,
    i.sector AS sector, i.locality AS locality, i.grade AS grade,
    arrayMap(x -> toString(x), i.asset_ids) AS asset_ids, arrayMap(x -> toString(x), i.org_ids) AS org_ids,
    toUnixTimestamp64Milli(i.first_seen) AS first_seen_ms, toUnixTimestamp64Milli(i.last_seen) AS last_seen_ms,
    i.peak AS peak, i.peak_unit AS peak_unit, i.alert_count AS alert_count,
    i.packets AS packets, i.bytes AS bytes, i.flows AS flows, toString(i.severity) AS severity, i.details AS details,
    if(s.state = '', 'open', s.state) AS state, toUnixTimestamp64Milli(greatest(i.updated_at, s.changed_at)) AS updated_ms,
    count() OVER () AS total
FROM
(
    SELECT * FROM incidents
    WHERE last_seen >= {from:DateTime64(3)} AND first_seen < {to:DateTime64(3)}
        AND ({id:String} = '' OR id = toUUIDOrZero({id:String}))
        AND (empty({rules:Array(String)}) OR has({rules:Array(String)}, rule))
        AND ({asset:String} = '' OR has(asset_ids, toUUIDOrZero({asset:String})))
        AND ({organisation:String} = '' OR has(org_ids, toUUIDOrZero({organisation:String})))
        AND (empty({scope_orgs:Array(String)}) OR hasAny(arrayMap(x -> toString(x), org_ids), {scope_orgs:Array(String)}))
        AND ({sector:String} = '' OR has(sectors, {sector:String}))
        AND ({locality:String} = '' OR has(localities, {locality:String}))
        AND ({source:String} = '' OR arrayExists(x -> isIPAddressInRange(if(x = '', '::', x), {source:String}), arrayPushFront(sources, source)))
        AND ({port:Int32} < 0 OR has(ports, toUInt16({port:Int32})))
    ORDER BY id, updated_at DESC
    LIMIT 1 BY id
) AS i
LEFT JOIN
(
    SELECT incident_id, toString(argMax(state, version_at)) AS state, max(version_at) AS changed_at
    FROM incident_states GROUP BY incident_id
) AS s ON s.incident_id = i.id
LEFT JOIN (SELECT id, name FROM assets_current) AS a ON a.id = i.asset_id
LEFT JOIN (SELECT id, name FROM organisations_current) AS o ON o.id = i.org_id
WHERE (empty({severities:Array(String)}) OR has({severities:Array(String)}, toString(i.severity)))
    AND (empty({states:Array(String)}) OR has({states:Array(String)}, if(s.state = '', 'open', s.state)))
ORDER BY ${sort}, id
LIMIT {limit:UInt32} OFFSET {offset:UInt32}
