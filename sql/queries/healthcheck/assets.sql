-- Every active archive asset with what a scan result is matched by (networks, domains) and what
-- a notice needs (organisation, sector, locality, grade).
SELECT
    a.id AS id,
    a.name AS name,
    a.org_id AS org_id,
    o.name AS org_name,
    toString(o.sector) AS sector,
    toString(o.locality) AS locality,
    toString(a.grade) AS grade,
    a.networks AS networks,
    a.domains AS domains
FROM assets_current AS a
LEFT JOIN organisations_current AS o ON o.id = a.org_id
WHERE a.status = 'active'
