-- Attack counts for the overview: incidents first seen in the range, by rule, month and severity.
SELECT rule, toString(severity) AS severity, toStartOfMonth(first_seen) AS month, count() AS incidents
FROM (SELECT id, rule, severity, first_seen, org_ids FROM incidents ORDER BY id, updated_at DESC LIMIT 1 BY id)
WHERE first_seen >= {from:DateTime64(3)} AND first_seen < {to:DateTime64(3)}
    AND (empty({scope_orgs:Array(String)}) OR hasAny(arrayMap(x -> toString(x), org_ids), {scope_orgs:Array(String)}))
GROUP BY rule, severity, month
