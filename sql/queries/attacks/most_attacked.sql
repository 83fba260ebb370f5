-- The archive assets with the most incidents first seen in the range.
SELECT toString(asset) AS asset_id, any(a.name) AS asset_name, toString(any(a.org_id)) AS org_id, toString(any(a.grade)) AS grade,
       count() AS incidents
FROM
(
    SELECT arrayJoin(asset_ids) AS asset, org_ids
    FROM (SELECT id, asset_ids, org_ids, first_seen FROM incidents ORDER BY id, updated_at DESC LIMIT 1 BY id)
    WHERE first_seen >= {from:DateTime64(3)} AND first_seen < {to:DateTime64(3)}
        AND (empty({scope_orgs:Array(String)}) OR hasAny(arrayMap(x -> toString(x), org_ids), {scope_orgs:Array(String)}))
) AS x
LEFT JOIN (SELECT id, name, org_id, grade FROM assets_current) AS a ON a.id = x.asset
GROUP BY asset
ORDER BY incidents DESC, asset_id
LIMIT {limit:UInt32}
