-- Assets under watch (active archive assets) by grade, within the caller's organisations.
SELECT toString(grade) AS grade, count() AS assets
FROM assets_current
WHERE status = 'active' AND (empty({orgs:Array(String)}) OR has({orgs:Array(String)}, toString(org_id)))
GROUP BY grade
