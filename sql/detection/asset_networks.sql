-- Every active archive asset's networks with the attributes an incident carries (organisation,
-- sector, locality, grade), for streaming flood detection's in-memory lookup.
SELECT
    toString(a.id) AS id,
    toString(a.org_id) AS org,
    toString(o.sector) AS sector,
    toString(o.locality) AS locality,
    toString(a.grade) AS grade,
    a.networks AS networks
FROM assets_current AS a
LEFT JOIN organisations_current AS o ON o.id = a.org_id
WHERE a.status = 'active'
